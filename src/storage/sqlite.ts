// The SQLite dialect module: the one place that knows it is SQLite (pragmas, id columns, constraint errors).
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, SqliteDialect, sql } from 'kysely';
import type { AutoId, StartIdsAt } from './migrations/0001-initial.js';
import type { CreateFullTextIndex } from './migrations/0003-full-text.js';
import type { Database } from './schema.js';
import { createFullTextIndex } from './sqlite-fts.js';

export interface DialectModule {
  name: 'sqlite';
  db: Kysely<Database>;
  autoId: AutoId;
  startIdsAt: StartIdsAt;
  /** The full-text index JQL's `~` searches (FTS5 here; a PostgreSQL module would build tsvector columns). */
  createFullTextIndex: CreateFullTextIndex;
  isUniqueViolation(err: unknown): boolean;
}

export function openSqlite(file: string): DialectModule {
  const path = file === ':memory:' ? file : resolve(file);
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const database = new BetterSqlite3(path);
  database.pragma('journal_mode = WAL'); // the server and `tessera admin` commands share the file
  database.pragma('busy_timeout = 5000');
  database.pragma('foreign_keys = ON');
  database.pragma('synchronous = NORMAL');
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database }) });
  return {
    name: 'sqlite',
    db,
    autoId: (t, column) => t.addColumn(column, 'integer', (c) => c.primaryKey().autoIncrement()),
    // AUTOINCREMENT keeps its counter in sqlite_sequence; the next id is seq + 1.
    startIdsAt: async (kdb, table, first) => {
      await sql`INSERT INTO sqlite_sequence (name, seq) VALUES (${table}, ${first - 1})`.execute(kdb);
    },
    createFullTextIndex,
    isUniqueViolation: (err) =>
      typeof err === 'object' && err !== null && 'code' in err &&
      ((err as { code: string }).code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || (err as { code: string }).code === 'SQLITE_CONSTRAINT_UNIQUE'),
  };
}
