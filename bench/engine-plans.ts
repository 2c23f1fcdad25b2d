// The server's own SQL for a benchmark query, with SQLite's plan for it: the JQL engine (searchIssues) runs
// in this process against the benchmark's read-only connection, and every statement it issues is recorded.
// Printed next to the hand-written SQL's plan, so a difference in speed can be traced to a difference in plan.
import type BetterSqlite3 from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { parseJql } from '../src/domain/jql/parser.js';
import { searchIssues } from '../src/storage/issue-search.js';
import type { Database } from '../src/storage/schema.js';
import { PAGE_SIZE, queryPlan, type PlanLine } from './queries.js';

export interface EngineStatement {
  sql: string;
  plan: PlanLine[];
  fullScans: string[];
}

/** The statements that read `issues` or a link table (the count and the page), in the order the engine runs them. */
export async function engineStatements(db: BetterSqlite3.Database, jql: string, visibleProjectIds: number[], actorId: number):
  Promise<EngineStatement[]> {
  const seen: Array<{ sql: string; parameters: readonly unknown[] }> = [];
  // Not destroyed afterwards: that would close the benchmark's connection.
  const kysely = new Kysely<Database>({
    dialect: new SqliteDialect({ database: db }),
    log: (event) => { if (event.level === 'query') seen.push({ sql: event.query.sql, parameters: event.query.parameters }); },
  });
  await searchIssues(kysely, parseJql(jql), { now: Date.now(), actorId, visibleProjectIds, validate: false, warnings: [] }, 0, PAGE_SIZE,
    { withText: false });
  return seen.filter((s) => /\bfrom "issues"|\bFROM issue_(labels|components|fix_versions) l\b/.test(s.sql)).map((s) => {
    const { lines, fullScans } = queryPlan(db, s.sql, [...s.parameters]);
    return { sql: s.sql, plan: lines, fullScans };
  });
}
