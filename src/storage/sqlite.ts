// The SQLite dialect module: the one place that knows it is SQLite (pragmas, id columns, constraint errors,
// prepared statements, planner statistics).
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, SqliteDialect, sql, type SqliteDatabase, type SqliteStatement } from 'kysely';
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
  /** Brings the query planner's statistics up to date where they are missing or stale (after migrating). */
  refreshStatistics(): Promise<void>;
  isUniqueViolation(err: unknown): boolean;
}

/** Prepared statements kept per connection; the least recently used beyond this many are dropped. */
const STATEMENT_CACHE_SIZE = 256;
/** SQLite's advice for long-lived connections: `PRAGMA optimize` now and then (it is cheap when nothing changed). */
const OPTIMIZE_EVERY_MS = 60 * 60 * 1000;

export function openSqlite(file: string): DialectModule {
  const path = file === ':memory:' ? file : resolve(file);
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const database = new BetterSqlite3(path);
  database.pragma('journal_mode = WAL'); // the server and `tessera admin` commands share the file
  database.pragma('busy_timeout = 5000');
  database.pragma('foreign_keys = ON');
  database.pragma('synchronous = NORMAL');
  const optimizer = setInterval(() => void sql`PRAGMA optimize`.execute(db).catch(() => undefined), OPTIMIZE_EVERY_MS);
  optimizer.unref();
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(database, () => clearInterval(optimizer)) }) });
  return {
    name: 'sqlite',
    db,
    autoId: (t, column) => t.addColumn(column, 'integer', (c) => c.primaryKey().autoIncrement()),
    // AUTOINCREMENT keeps its counter in sqlite_sequence; the next id is seq + 1.
    startIdsAt: async (kdb, table, first) => {
      await sql`INSERT INTO sqlite_sequence (name, seq) VALUES (${table}, ${first - 1})`.execute(kdb);
    },
    createFullTextIndex,
    // Without statistics SQLite takes `project_id IN (every visible project)` for a selective filter and walks
    // that index for nearly every query. 0x10002: also tables this connection has not used yet, with a bounded
    // sample, so a first start on a large file stays quick. Later runs only redo tables that changed a lot.
    refreshStatistics: async () => {
      await sql`PRAGMA optimize = 0x10002`.execute(db);
    },
    isUniqueViolation: (err) =>
      typeof err === 'object' && err !== null && 'code' in err &&
      ((err as { code: string }).code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || (err as { code: string }).code === 'SQLITE_CONSTRAINT_UNIQUE'),
  };
}

/**
 * Kysely prepares every query afresh, and for the small queries an API request runs, preparing costs about as
 * much as running. The SQL text of a query shape is the same each time (values are bound parameters), so the
 * statements are kept by text. Safe to share: a connection runs one statement at a time (Kysely's mutex), and
 * SQLite re-prepares a kept statement by itself when the schema changes.
 */
function withStatementCache(database: BetterSqlite3.Database, onClose: () => void): SqliteDatabase {
  const statements = new Map<string, RowStatement>();
  return {
    close: () => {
      onClose();
      statements.clear();
      database.close();
    },
    prepare: (text) => {
      let statement = statements.get(text);
      if (statement) statements.delete(text); // re-inserted below: Map order is the recency order
      else statement = new RowStatement(database.prepare(text));
      statements.set(text, statement);
      if (statements.size > STATEMENT_CACHE_SIZE) statements.delete(statements.keys().next().value as string);
      return statement;
    },
  };
}

/**
 * Rows as plain objects built here from better-sqlite3's arrays (`raw` mode): objects made through the native
 * API cost about twice as much (measured: a search page of 50 issue rows, 260 µs against 160 µs). Same result
 * as better-sqlite3's own objects, a later column of the same name winning.
 */
class RowStatement implements SqliteStatement {
  readonly reader: boolean;
  private names: string[] = [];

  constructor(private readonly statement: BetterSqlite3.Statement) {
    this.reader = statement.reader;
    if (this.reader) {
      statement.raw(true);
      this.names = this.columnNames();
    }
  }

  all(parameters: ReadonlyArray<unknown>): unknown[] {
    return this.objects(this.statement.all(parameters) as unknown[][]);
  }

  run(parameters: ReadonlyArray<unknown>): { changes: number | bigint; lastInsertRowid: number | bigint } {
    return this.statement.run(parameters);
  }

  *iterate(parameters: ReadonlyArray<unknown>): IterableIterator<unknown> {
    for (const row of this.statement.iterate(parameters) as IterableIterator<unknown[]>) yield this.objects([row])[0];
  }

  private columnNames(): string[] {
    return this.statement.columns().map((c) => c.name);
  }

  private objects(rows: unknown[][]): Record<string, unknown>[] {
    // SQLite re-prepares a statement after a schema change; `SELECT *` may then have other columns.
    if (rows.length > 0 && rows[0]!.length !== this.names.length) this.names = this.columnNames();
    const names = this.names;
    const out = new Array<Record<string, unknown>>(rows.length);
    for (let r = 0; r < rows.length; r += 1) {
      const row = rows[r]!;
      const object: Record<string, unknown> = {};
      for (let i = 0; i < names.length; i += 1) object[names[i]!] = row[i];
      out[r] = object;
    }
    return out;
  }
}
