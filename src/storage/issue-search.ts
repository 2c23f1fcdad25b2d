// Runs a parsed JQL query: semantic checks (no database work for a malformed query), value lookups, one COUNT
// and one page query, both restricted to the projects the caller can see. ORDER BY keys default to ASC; empty
// values sort as the largest (last ascending, first descending); ties break on the issue id, in the direction
// of the last key, so paging is stable. Without ORDER BY: created DESC, id DESC (newest first).
import { sql, type RawBuilder, type SqlBool } from 'kysely';
import type { Query, SortKey } from '../domain/jql/ast.js';
import { checkQuery, sortFieldOf } from '../domain/jql/semantics.js';
import type { IssueRecord } from '../services/issue-records.js';
import { toIssue } from './issue-repository.js';
import { JqlCompiler } from './jql-compiler.js';
import { JqlValues, type JqlContext } from './jql-values.js';
import type { Db } from './schema.js';

export type { JqlContext };

/** What each sortable field sorts by; several expressions sort lexicographically. */
const SORT_EXPRESSIONS: Readonly<Record<string, ReadonlyArray<RawBuilder<unknown>>>> = {
  project: [sql`(SELECT p.project_key FROM projects p WHERE p.id = issues.project_id)`],
  issuetype: [sql`(SELECT t.position FROM issue_types t WHERE t.id = issues.issue_type_id)`],
  status: [sql`(SELECT s.position FROM statuses s WHERE s.id = issues.status_id)`],
  statusCategory: [sql`(SELECT CASE s.category_key WHEN 'new' THEN 1 WHEN 'indeterminate' THEN 2 ELSE 3 END FROM statuses s WHERE s.id = issues.status_id)`],
  assignee: [sql`(SELECT lower(u.display_name) FROM users u WHERE u.id = issues.assignee_id)`],
  reporter: [sql`(SELECT lower(u.display_name) FROM users u WHERE u.id = issues.reporter_id)`],
  creator: [sql`(SELECT lower(u.display_name) FROM users u WHERE u.id = issues.creator_id)`],
  // Position 1 is the highest priority; Jira sorts `priority DESC` highest first.
  priority: [sql`(SELECT -pr.position FROM priorities pr WHERE pr.id = issues.priority_id)`],
  created: [sql`issues.created_at`], updated: [sql`issues.updated_at`], resolved: [sql`issues.resolved_at`], due: [sql`issues.due_date`],
  resolution: [sql`(SELECT r.position FROM resolutions r WHERE r.id = issues.resolution_id)`],
  summary: [sql`lower(issues.summary)`],
  key: [sql`(SELECT p.project_key FROM projects p WHERE p.id = issues.project_id)`, sql`issues.number`],
  parent: [sql`issues.parent_id`],
};

function orderTerms(orderBy: readonly SortKey[]): RawBuilder<unknown>[] {
  if (orderBy.length === 0) return [sql`issues.created_at DESC`, sql`issues.id DESC`];
  const terms: RawBuilder<unknown>[] = [];
  let last = 'ASC';
  for (const key of orderBy) {
    const direction = key.direction === 'desc' ? 'DESC' : 'ASC'; // fixed keywords, never user text
    for (const expr of SORT_EXPRESSIONS[sortFieldOf(key).name] ?? []) {
      terms.push(sql`(${expr} IS NULL) ${sql.raw(direction)}`, sql`${expr} ${sql.raw(direction)}`);
    }
    last = direction;
  }
  terms.push(sql`issues.id ${sql.raw(last)}`);
  return terms;
}

export interface SearchPage {
  total: number;
  issues: IssueRecord[];
}

export async function searchIssues(db: Db, query: Query, ctx: JqlContext, startAt: number, maxResults: number): Promise<SearchPage> {
  const defs = checkQuery(query);
  const values = new JqlValues(db, ctx);
  const visible = ctx.visibleProjectIds.length === 0 ? sql<SqlBool>`1 = 0`
    : sql<SqlBool>`issues.project_id IN (${sql.join([...ctx.visibleProjectIds])})`;
  const where = query.where ? sql<SqlBool>`(${visible} AND ${await new JqlCompiler(values, defs).clause(query.where)})` : visible;
  const order = orderTerms(query.orderBy);
  if (ctx.visibleProjectIds.length === 0) return { total: 0, issues: [] };
  const countRow = await db.selectFrom('issues').select((eb) => eb.fn.countAll<number | string>().as('n')).where(where).executeTakeFirstOrThrow();
  const total = Number(countRow.n);
  if (maxResults <= 0 || startAt >= total) return { total, issues: [] };
  const rows = await db.selectFrom('issues').selectAll('issues').where(where)
    .orderBy(sql.join(order))
    .limit(maxResults).offset(startAt)
    .execute();
  return { total, issues: rows.map(toIssue) };
}
