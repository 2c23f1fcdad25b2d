// The benchmark's bulk load runs without the secondary indexes and the full-text index, which are built once
// after it: row by row, a million-issue build had done 200,000 after 28 minutes and was slowing down (each
// comment also re-indexes its issue's whole text through a trigger); built afterwards it takes about a minute.
// Everything is put back from the SQL the migrations left in sqlite_master, and the schema is compared before
// and after, so the file ends up with exactly the app's schema.
//   - Secondary indexes: dropped, then created again from their SQL (before the full text, which needs them).
//   - FTS5 tables with external content: their triggers dropped, one 'rebuild', the triggers created again.
//   - The app's own full-text table (issue_text, migration 0003): dropped with its triggers, then made again by
//     the app's createFullTextIndex, as migration 0003 makes it over an existing database.
//   - Any other FTS5 table keeps its triggers and is filled as rows go in.
import type BetterSqlite3 from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { createFullTextIndex } from '../src/storage/sqlite-fts.js';

interface SchemaRow { type: string; name: string; tbl_name: string; sql: string | null }

const APP_FULL_TEXT_TABLE = 'issue_text';

const schemaOf = (db: BetterSqlite3.Database): SchemaRow[] =>
  db.prepare(`SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name`).all() as SchemaRow[];
const key = (r: SchemaRow) => `${r.type}\0${r.name}\0${r.tbl_name}\0${r.sql ?? ''}`;

export interface BulkLoad {
  /** What happens to the full-text tables, for the log. */
  note: string;
  /** Puts back what was dropped and checks the schema is as it was. */
  finish(log: (line: string) => void): Promise<void>;
}

export function prepareBulkLoad(db: BetterSqlite3.Database): BulkLoad {
  const before = schemaOf(db);
  const fts = before.filter((r) => r.type === 'table' && /USING\s+fts5/i.test(r.sql ?? ''));
  const external = fts.filter((r) => /content\s*=\s*['"]?[A-Za-z_]/i.test(r.sql ?? '')); // not content='' (contentless)
  const app = fts.find((r) => r.name === APP_FULL_TEXT_TABLE && !external.includes(r));
  const shadowOf = (table: string) => fts.some((f) => table.startsWith(`${f.name}_`));
  const indexes = before.filter((r) => r.type === 'index' && r.sql !== null && !shadowOf(r.tbl_name));
  const triggersOf = (table: string) => before.filter((r) => r.type === 'trigger' && (r.sql ?? '').includes(table));
  const externalTriggers = external.flatMap((t) => triggersOf(t.name));
  const appTriggers = app ? triggersOf(app.name) : [];

  for (const t of [...externalTriggers, ...appTriggers]) db.exec(`DROP TRIGGER "${t.name}"`);
  if (app) db.exec(`DROP TABLE "${app.name}"`);
  for (const i of indexes) db.exec(`DROP INDEX "${i.name}"`);

  const note = fts.length === 0 ? 'no FTS5 table in this schema' : fts.map((t) =>
    `${t.name} (${external.includes(t) ? `external content, rebuilt after the load` : t === app ? 'built after the load by createFullTextIndex' : 'filled by its triggers'})`).join(', ');

  return {
    note,
    async finish(log) {
      let t = performance.now();
      for (const i of indexes) db.exec(i.sql!);
      log(`  ${indexes.length} indexes built in ${((performance.now() - t) / 1000).toFixed(1)} s`);
      t = performance.now();
      for (const f of external) db.prepare(`INSERT INTO "${f.name}"("${f.name}") VALUES ('rebuild')`).run();
      for (const trigger of externalTriggers) db.exec(trigger.sql!);
      // Not destroyed: that would close the generator's connection.
      if (app) await createFullTextIndex(new Kysely<unknown>({ dialect: new SqliteDialect({ database: db }) }));
      if (fts.length > 0) log(`  full-text index built in ${((performance.now() - t) / 1000).toFixed(1)} s`);
      const after = new Set(schemaOf(db).map(key));
      const missing = before.filter((r) => !after.has(key(r)));
      if (missing.length > 0 || after.size !== before.length) {
        throw new Error(`the rebuilt schema differs from the migrated one (e.g. ${missing[0]?.type} ${missing[0]?.name})`);
      }
    },
  };
}
