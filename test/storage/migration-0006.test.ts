// Migration 0006 over a database that already has link rows: a database migrated to 0005 and filled the old way
// (no project_id or created_at in the link tables) is migrated to the latest schema. Every row comes back with
// its issue's project and created time, the columns are NOT NULL, the foreign key on (issue_id, project_id,
// created_at) holds, the covering indexes exist, and a row whose issue is gone is not carried over.
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { Migrator, sql, type Kysely, type Migration } from 'kysely';
import { migrate } from '../../src/storage/database.js';
import * as m0001 from '../../src/storage/migrations/0001-initial.js';
import * as m0002 from '../../src/storage/migrations/0002-jira-fields.js';
import * as m0003 from '../../src/storage/migrations/0003-full-text.js';
import * as m0004 from '../../src/storage/migrations/0004-search-indexes.js';
import * as m0005 from '../../src/storage/migrations/0005-second-factors.js';
import { openSqlite } from '../../src/storage/sqlite.js';

const T0 = Date.UTC(2026, 0, 1);

test('0006 copies each issue\'s project and created time into its link rows', async () => {
  const dialect = openSqlite(join(mkdtempSync(join(tmpdir(), 'tessera-m0006-')), 'm.db'));
  const migrations: Record<string, Migration> = {
    '0001-initial': { up: (db) => m0001.up(db, dialect.autoId, dialect.startIdsAt) },
    '0002-jira-fields': { up: (db) => m0002.up(db, dialect.autoId, dialect.startIdsAt) },
    '0003-full-text': { up: (db) => m0003.up(db, dialect.createFullTextIndex) },
    '0004-search-indexes': { up: (db) => m0004.up(db) },
    '0005-second-factors': { up: (db) => m0005.up(db, dialect.autoId) },
  };
  const { error } = await new Migrator({ db: dialect.db, provider: { getMigrations: async () => migrations } }).migrateToLatest();
  assert.equal(error, undefined);
  // Before 0006 the tables have no such columns: written as the code of that time wrote them.
  const db = dialect.db as unknown as Kysely<Record<string, Record<string, unknown>>>;
  const q = (text: TemplateStringsArray, ...values: unknown[]) => sql(text, ...values).execute(db);

  await q`INSERT INTO users (id, username, username_lower, display_name, email, password_hash, created_at) VALUES (1, 'a', 'a', 'A', 'a@x', 'x', ${T0})`;
  await q`INSERT INTO projects (id, project_key, name, lead_id, issue_counter, created_at) VALUES (10, 'ONE', 'One', 1, 2, ${T0}), (20, 'TWO', 'Two', 1, 1, ${T0})`;
  const issues: Array<[number, number, number, string, number]> = [[101, 10, 1, 'ONE-1', T0 + 1000], [102, 10, 2, 'ONE-2', T0 + 2000], [201, 20, 1, 'TWO-1', T0 + 3000]];
  for (const [id, project, number, key, created] of issues) {
    await q`INSERT INTO issues (id, project_id, number, issue_key, issue_type_id, summary, priority_id, status_id, creator_id, created_at, updated_at)
      VALUES (${id}, ${project}, ${number}, ${key}, '10002', 'S', '3', '10000', 1, ${created}, ${created + 5})`;
  }
  await q`INSERT INTO components (id, project_id, name, created_at) VALUES (500, 10, 'Backend', ${T0}), (600, 20, 'Backend', ${T0})`;
  await q`INSERT INTO versions (id, project_id, name, position, created_at) VALUES (700, 10, '1.0', 1, ${T0})`;
  await q`INSERT INTO issue_labels (issue_id, label) VALUES (101, 'a'), (101, 'b'), (102, 'a'), (201, 'b')`;
  await q`INSERT INTO issue_components (issue_id, component_id) VALUES (101, 500), (201, 600)`;
  await q`INSERT INTO issue_fix_versions (issue_id, version_id) VALUES (102, 700)`;
  // A row whose issue is gone, possible only with foreign keys off.
  await q`PRAGMA foreign_keys = OFF`;
  await q`INSERT INTO issue_labels (issue_id, label) VALUES (999, 'orphan')`;
  await q`PRAGMA foreign_keys = ON`;

  await migrate(dialect);

  const rows = async (table: string, value: string) => (await sql<Record<string, unknown>>`SELECT issue_id, ${sql.ref(value)} AS value, project_id, created_at
    FROM ${sql.table(table)} ORDER BY issue_id, value`.execute(db)).rows.map((r) => [r['issue_id'], r['value'], r['project_id'], r['created_at']]);
  assert.deepEqual(await rows('issue_labels', 'label'), [
    [101, 'a', 10, T0 + 1000], [101, 'b', 10, T0 + 1000], [102, 'a', 10, T0 + 2000], [201, 'b', 20, T0 + 3000],
  ]);
  assert.deepEqual(await rows('issue_components', 'component_id'), [[101, 500, 10, T0 + 1000], [201, 600, 20, T0 + 3000]]);
  assert.deepEqual(await rows('issue_fix_versions', 'version_id'), [[102, 700, 10, T0 + 2000]]);

  for (const table of ['issue_labels', 'issue_components', 'issue_fix_versions']) {
    const columns = (await sql<{ name: string; notnull: number }>`SELECT name, "notnull" FROM pragma_table_info(${table})`.execute(db)).rows;
    for (const name of ['issue_id', 'project_id', 'created_at']) assert.equal(columns.find((c) => c.name === name)?.notnull, 1, `${table}.${name}`);
  }
  const indexes = (await sql<{ name: string }>`SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL ORDER BY name`.execute(db)).rows.map((r) => r.name);
  for (const name of ['issue_labels_label_project_created', 'issue_components_component_project_created',
    'issue_fix_versions_version_project_created', 'issues_id_project_created']) assert.ok(indexes.includes(name), name);
  for (const gone of ['issue_labels_label_issue', 'issue_components_component', 'issue_fix_versions_version']) assert.ok(!indexes.includes(gone), gone);
  assert.deepEqual((await q`PRAGMA foreign_key_check`).rows, []);
  assert.deepEqual((await sql`SELECT name FROM sqlite_master WHERE name LIKE '%_0006'`.execute(db)).rows, [], 'no holding table left');

  // The constraints hold from now on: no NULLs, no copy that disagrees with its issue, and deletes cascade.
  await assert.rejects(q`INSERT INTO issue_labels (issue_id, label) VALUES (102, 'c')`, /NOT NULL/);
  await assert.rejects(q`INSERT INTO issue_labels (issue_id, label, project_id, created_at) VALUES (102, 'c', 20, ${T0 + 2000})`, /FOREIGN KEY/);
  await q`DELETE FROM issues WHERE id = 101`;
  assert.deepEqual((await rows('issue_labels', 'label')).map((r) => r[0]), [102, 201]);
  assert.deepEqual((await rows('issue_components', 'component_id')).map((r) => r[0]), [201]);
  await dialect.db.destroy();
});
