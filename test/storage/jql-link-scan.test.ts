// A query that is one label, component or fix version clause (ANDed with project or created clauses at most)
// is counted and paged in its link table alone (migration 0006). Each such query must give what the general
// compiled form gives (the same clause OR-ed with itself, which takes the general path): the same issues in
// the same order, the same total, every page of every size; never an issue of an invisible project.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { parseJql } from '../../src/domain/jql/parser.js';
import { searchIssues } from '../../src/storage/issue-search.js';
import type { Database } from '../../src/storage/schema.js';
import { createFixture, NOW, type Fixture } from './jql-fixture.js';

let f: Fixture;
before(async () => {
  f = await createFixture();
  // An invisible issue with a label the visible ones have too: the link row's own project_id must hide it.
  const secret = await f.dialect.db.selectFrom('issues').select(['id', 'project_id', 'created_at']).where('issue_key', '=', 'SECRET-1').executeTakeFirstOrThrow();
  await f.dialect.db.insertInto('issue_labels').values({ issue_id: secret.id, label: 'urgent', project_id: secret.project_id, created_at: secret.created_at }).execute();
});
after(async () => f.dialect.db.destroy());

async function search(jql: string, startAt = 0, maxResults = 1000, db: Kysely<Database> = f.dialect.db) {
  const page = await searchIssues(db, parseJql(jql), {
    now: NOW, actorId: f.users['alice']!, visibleProjectIds: [f.projects['ALPHA']!, f.projects['BETA']!], validate: false, warnings: [],
  }, startAt, maxResults);
  return { total: page.total, keys: page.issues.map((i) => i.key) };
}

/** The same query through the general path: a clause OR-ed with itself is no LinkScan. */
function general(jql: string): string {
  const [where, order = ''] = jql.split(/(?= ORDER BY )/i);
  return `(${where}) OR (${where})${order}`;
}

const QUERIES: Array<[string, string[]]> = [
  ['labels = urgent', ['ALPHA-4', 'ALPHA-1']],
  ['labels in (urgent, frontend)', ['ALPHA-4', 'ALPHA-1']], // ALPHA-1 has both: one issue, two rows
  ['labels in (urgent, frontend, backend)', ['ALPHA-4', 'ALPHA-2', 'ALPHA-1', 'BETA-1']],
  ['labels in (urgent, frontend, backend, x1, x2, x3)', ['ALPHA-4', 'ALPHA-2', 'ALPHA-1', 'BETA-1']],
  ['labels in (urgent, frontend, backend) ORDER BY created ASC', ['BETA-1', 'ALPHA-1', 'ALPHA-2', 'ALPHA-4']],
  ['labels in (urgent, frontend) ORDER BY createdDate DESC', ['ALPHA-4', 'ALPHA-1']],
  ['project = ALPHA AND labels in (backend, urgent)', ['ALPHA-4', 'ALPHA-2', 'ALPHA-1']],
  ['labels = backend AND project != ALPHA', ['BETA-1']],
  ['labels in (backend, frontend) AND created >= -7d', ['ALPHA-2']],
  ['created < -1d AND labels in (urgent, backend) AND project in (ALPHA, BETA)', ['ALPHA-2', 'ALPHA-1', 'BETA-1']],
  ['labels = none', []],
  ['component in (Backend, Frontend)', ['ALPHA-2', 'ALPHA-1']],
  ['component = Nope', []],
  ['fixVersion in ("1.0", "2.0") AND project in (ALPHA, BETA)', ['ALPHA-2', 'ALPHA-1', 'ALPHA-3']],
  ['fixVersion in releasedVersions() ORDER BY created', ['ALPHA-3', 'ALPHA-1']],
];

describe('a set clause answered by its link table', () => {
  for (const [jql, expected] of QUERIES) {
    test(jql, async () => {
      const all = await search(jql);
      assert.deepEqual(all.keys, expected);
      assert.equal(all.total, expected.length);
      assert.deepEqual(await search(general(jql)), all, 'the general path agrees');
      for (const size of [1, 2, 3]) {
        for (let start = 0; start <= expected.length; start += 1) {
          assert.deepEqual(await search(jql, start, size), { total: expected.length, keys: expected.slice(start, start + size) }, `startAt ${start}, maxResults ${size}`);
        }
      }
    });
  }

  test('the count and the page of ids read the link table\'s index, not issues', async () => {
    const statements: Array<{ sql: string; parameters: readonly unknown[] }> = [];
    const connection = new BetterSqlite3(f.file, { readonly: true });
    const logged = new Kysely<Database>({ dialect: new SqliteDialect({ database: connection }),
      log: (event) => { statements.push({ sql: event.query.sql, parameters: event.query.parameters }); } });
    try {
      for (const jql of ['labels = urgent', 'labels in (urgent, frontend)', 'labels in (a, b, c, d, e, urgent) AND project = ALPHA']) {
        statements.length = 0;
        await search(jql, 0, 50, logged);
        const [count, page] = statements.slice(-2);
        const plan = (s: { sql: string; parameters: readonly unknown[] }) => (connection.prepare(`EXPLAIN QUERY PLAN ${s.sql}`)
          .all(...s.parameters) as Array<{ detail: string }>).map((r) => r.detail);
        const countPlan = plan(count!);
        assert.ok(countPlan.some((d) => /USING COVERING INDEX issue_labels_label_project_created/.test(d)), countPlan.join('\n'));
        assert.ok(!countPlan.some((d) => /\bissues\b/.test(d)), countPlan.join('\n'));
        // The page: the ids from the covering index, then only the page's issues by primary key.
        const pagePlan = plan(page!);
        assert.ok(pagePlan.every((d) => !/\bissues\b/.test(d) || /SEARCH issues USING INTEGER PRIMARY KEY/.test(d)), pagePlan.join('\n'));
      }
    } finally {
      await logged.destroy();
    }
  });
});
