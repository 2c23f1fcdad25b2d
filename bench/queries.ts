// The fixed query set: each JQL query with a hand-written SQL query doing the same job on the same database
// (the total, and the first page of 50 with summary, status, assignee and priority). Text queries use FTS5
// when the schema has a full-text table (migration 0003), else LIKE; each query says which.
import type BetterSqlite3 from 'better-sqlite3';

export const PAGE_SIZE = 50;
const DAY = 86_400_000;

export interface BenchQuery {
  name: string;
  kind: 'filter' | 'text';
  jql: string;
  /** How the hand-written SQL does it (FTS5 table, LIKE, …). */
  sqlNote: string;
  countSql: string;
  pageSql: string;
  params: unknown[];
}

export interface FtsSource {
  table: string;
  columns: string[];
  /** SQL selecting issue ids for a MATCH expression bound to the single `?`. */
  issueIdsFor(columnFilter: string | null): string | null;
  describe: string;
}

/** Finds the FTS5 tables a migration created and how their rows map to issues. */
export function detectFts(db: BetterSqlite3.Database): FtsSource[] {
  const tables = db.prepare(`SELECT name, sql FROM sqlite_master WHERE type = 'table' AND sql LIKE '%USING fts5%'`).all() as Array<{ name: string; sql: string }>;
  return tables.map(({ name, sql }) => {
    const columns = (db.prepare(`SELECT name FROM pragma_table_info(?)`).all(name) as Array<{ name: string }>).map((c) => c.name);
    const content = /content\s*=\s*['"]?([A-Za-z_][A-Za-z0-9_]*)/i.exec(sql)?.[1]?.toLowerCase() ?? '';
    const rowidColumn = /content_rowid\s*=\s*['"]?([A-Za-z_][A-Za-z0-9_]*)/i.exec(sql)?.[1] ?? 'id';
    const isComments = content === 'comments' || (/comment/i.test(name) && !columns.includes('summary'));
    let idSelect: (where: string) => string;
    let describe: string;
    if (columns.includes('issue_id')) {
      idSelect = (where) => `SELECT f.issue_id FROM "${name}" f WHERE ${where}`;
      describe = `${name}.issue_id`;
    } else if (isComments) {
      idSelect = (where) => `SELECT c.issue_id FROM "${name}" f JOIN comments c ON c.${rowidColumn} = f.rowid WHERE ${where}`;
      describe = `${name} → comments → issue`;
    } else {
      idSelect = (where) => `SELECT f.rowid FROM "${name}" f WHERE ${where}`;
      describe = `${name}.rowid = issues.id`;
    }
    return {
      table: name,
      columns,
      describe,
      issueIdsFor: (columnFilter) => {
        if (columnFilter !== null && !columns.includes(columnFilter)) return null;
        return idSelect(`"${name}" MATCH ?`);
      },
    };
  });
}

const PAGE_COLUMNS = `i.id, i.issue_key, i.summary, s.name AS status, s.category_key, u.username AS assignee, u.display_name AS assignee_name, p.name AS priority`;
const PAGE_JOINS = `JOIN statuses s ON s.id = i.status_id JOIN priorities p ON p.id = i.priority_id LEFT JOIN users u ON u.id = i.assignee_id`;
const BY_CREATED = `i.created_at DESC, i.id DESC`;

/**
 * Every hand-written query does the server's whole job: it is restricted to the caller's visible projects
 * (all of them for the benchmark's admin, as an IN list of ids, the way a permission filter must be), counts,
 * and fetches the first page with the joined names, in the order the JQL asks (ties on the id, as the server
 * breaks them). The page is found by id first and only then read in full ("deferred join"): finding and ordering
 * the matches then often needs an index alone. It is never slower here, and several times faster when a clause
 * yields thousands of ids (labels, full text), so it is what a careful hand-written query does.
 */
function query(ctx: QueryContext, name: string, kind: BenchQuery['kind'], jql: string, where: string, params: unknown[], order = BY_CREATED, sqlNote = 'B-tree indexes of the schema'): BenchQuery {
  const visible = `i.project_id IN (${ctx.visibleProjectIds.map((id) => String(Math.trunc(id))).join(', ')})`;
  const full = `${visible} AND ${where}`;
  // An order by priority needs its position in the inner query too.
  const innerJoin = /\bp\./.test(order) ? ' JOIN priorities p ON p.id = i.priority_id' : '';
  return {
    name, kind, jql, sqlNote, params,
    countSql: `SELECT count(*) AS n FROM issues i WHERE ${full}`,
    pageSql: `SELECT ${PAGE_COLUMNS} FROM issues i ${PAGE_JOINS} WHERE i.id IN ` +
      `(SELECT i.id FROM issues i${innerJoin} WHERE ${full} ORDER BY ${order} LIMIT ${PAGE_SIZE}) ORDER BY ${order}`,
  };
}

export interface QueryContext {
  projectKey: string;
  projectId: number;
  assignee: { id: number; username: string };
  labels: [string, string];
  now: number;
  visibleProjectIds: number[];
  /** Statuses whose category is not Done. */
  openStatusIds: string[];
}

/** Picks the query parameters from the data: the largest project, the busiest assignee. */
export function queryContext(db: BetterSqlite3.Database): QueryContext {
  const project = db.prepare(`SELECT p.id, p.project_key FROM projects p ORDER BY p.issue_counter DESC LIMIT 1`).get() as { id: number; project_key: string };
  const assignee = db.prepare(`SELECT u.id, u.username FROM users u WHERE u.id = (
      SELECT assignee_id FROM issues WHERE assignee_id IS NOT NULL AND resolution_id IS NULL GROUP BY assignee_id ORDER BY count(*) DESC LIMIT 1)`)
    .get() as { id: number; username: string };
  const visibleProjectIds = (db.prepare('SELECT id FROM projects ORDER BY id').pluck().all() as number[]);
  const openStatusIds = db.prepare(`SELECT id FROM statuses WHERE category_key <> 'done' ORDER BY id`).pluck().all() as string[];
  return { projectKey: project.project_key, projectId: project.id, assignee, labels: ['regression', 'performance'], now: Date.now(), visibleProjectIds, openStatusIds };
}

export function benchQueries(ctx: QueryContext, fts: FtsSource[]): BenchQuery[] {
  const since = ctx.now - 30 * DAY;
  const queries: BenchQuery[] = [
    query(ctx, 'project', 'filter', `project = ${ctx.projectKey}`, 'i.project_id = ?', [ctx.projectId]),
    query(ctx, 'project+status', 'filter', `project = ${ctx.projectKey} AND status = "In Progress"`,
      `i.project_id = ? AND i.status_id = '3'`, [ctx.projectId]),
    // priority DESC: highest (position 1) first; ties on the id, newest first, as the server breaks them.
    query(ctx, 'assignee+unresolved', 'filter', `assignee = "${ctx.assignee.username}" AND resolution = Unresolved ORDER BY priority DESC`,
      'i.assignee_id = ? AND i.resolution_id IS NULL', [ctx.assignee.id], 'p.position ASC, i.id DESC'),
    labelsQuery(ctx),
    query(ctx, 'created -30d', 'filter', 'created >= -30d ORDER BY created DESC', 'i.created_at >= ?', [since]),
    // The status ids of the other categories, looked up first, as the server resolves names before it searches.
    query(ctx, 'priority+category', 'filter', 'priority in (High, Highest) AND statusCategory != Done',
      `i.priority_id IN ('1', '2') AND i.status_id IN (${ctx.openStatusIds.map((id) => `'${id.replace(/'/g, "''")}'`).join(', ')})`, []),
  ];
  queries.push(textQuery(ctx, 'text word', 'text ~ "timeout"', 'text', 'timeout', 'timeout', fts));
  queries.push(textQuery(ctx, 'summary prefix', 'summary ~ "database*"', 'summary', 'database*', 'database', fts));
  queries.push(textQuery(ctx, 'text phrase', 'text ~ "\\"connection refused\\""', 'text', '"connection refused"', 'connection refused', fts));
  return queries;
}

/**
 * `labels in (a, b)` on the link table alone, which carries each issue's project_id and created_at (migration
 * 0006) and is indexed (label, project_id, created_at, issue_id). The same permission filter, on the link
 * row's copy of project_id. An issue with both labels has two rows, so:
 * - the count is of distinct issues: one index range per label, each already in (project_id, created_at,
 *   issue_id) order, merged by a UNION that drops the repeats (faster than DISTINCT's temporary B-tree);
 * - the page takes the newest 2 × 50 rows, which hold the newest 50 issues, then drops the repeats: each
 *   (label, project) range of the index is read newest first and left once the sorter has 100 newer rows.
 * Without those columns, each label's issue ids would be checked against issues one by one.
 */
function labelsQuery(ctx: QueryContext): BenchQuery {
  const jql = `labels in (${ctx.labels[0]}, ${ctx.labels[1]})`;
  const visible = `l.project_id IN (${ctx.visibleProjectIds.map((id) => String(Math.trunc(id))).join(', ')})`;
  const where = `l.label IN (?, ?) AND ${visible}`;
  const range = `SELECT l.project_id, l.created_at, l.issue_id FROM issue_labels l WHERE l.label = ? AND ${visible}`;
  const newest = `SELECT l.created_at, l.issue_id FROM issue_labels l WHERE ${where} ORDER BY l.created_at DESC, l.issue_id DESC LIMIT ${2 * PAGE_SIZE}`;
  return {
    name: 'labels in', kind: 'filter', jql, params: [...ctx.labels],
    sqlNote: 'covering index issue_labels (label, project_id, created_at, issue_id)',
    countSql: `SELECT count(*) AS n FROM (${range} UNION ${range} ORDER BY 1, 2, 3)`,
    pageSql: `SELECT ${PAGE_COLUMNS} FROM issues i ${PAGE_JOINS} WHERE i.id IN (SELECT issue_id FROM ` +
      `(SELECT DISTINCT r.created_at, r.issue_id FROM (${newest}) r ORDER BY r.created_at DESC, r.issue_id DESC LIMIT ${PAGE_SIZE})) ORDER BY ${BY_CREATED}`,
  };
}

function textQuery(ctx: QueryContext, name: string, jql: string, field: 'text' | 'summary', match: string, like: string, fts: FtsSource[]): BenchQuery {
  if (fts.length > 0) {
    const parts: string[] = [];
    const params: unknown[] = [];
    const used: string[] = [];
    for (const source of fts) {
      const select = source.issueIdsFor(field === 'summary' ? 'summary' : null);
      if (!select) continue;
      parts.push(select);
      params.push(field === 'summary' ? `summary : ${match}` : match);
      used.push(source.describe);
    }
    if (parts.length > 0) {
      return query(ctx, name, 'text', jql, `i.id IN (${parts.join(' UNION ')})`, params, BY_CREATED, `FTS5 MATCH via ${used.join(' + ')}`);
    }
  }
  const pattern = `%${like}%`;
  if (field === 'summary') {
    return query(ctx, name, 'text', jql, 'i.summary LIKE ?', [pattern], BY_CREATED, 'LIKE (no FTS5 table): full scan');
  }
  return query(ctx, name, 'text', jql,
    `(i.summary LIKE ? OR i.description LIKE ? OR i.environment LIKE ? OR EXISTS (SELECT 1 FROM comments c WHERE c.issue_id = i.id AND c.body LIKE ?))`,
    [pattern, pattern, pattern, pattern], BY_CREATED, 'LIKE over summary, description, environment, comments (no FTS5 table): full scan');
}

/** Reference tables of a handful of rows (and their aliases above): scanning them costs nothing. */
const SMALL_TABLES = new Set(['s', 'p', 'statuses', 'priorities', 'resolutions', 'issue_types', 'projects']);

export interface PlanLine {
  detail: string;
  depth: number;
}

/** EXPLAIN QUERY PLAN, indented, with the full scans called out. */
export function queryPlan(db: BetterSqlite3.Database, sqlText: string, params: unknown[]): { lines: PlanLine[]; fullScans: string[] } {
  const rows = db.prepare(`EXPLAIN QUERY PLAN ${sqlText}`).all(...params) as Array<{ id: number; parent: number; detail: string }>;
  const depth = new Map<number, number>([[0, -1]]);
  const lines = rows.map((r) => {
    const d = (depth.get(r.parent) ?? -1) + 1;
    depth.set(r.id, d);
    return { detail: r.detail, depth: d };
  });
  const fullScans: string[] = [];
  // A derived table (a co-routine or materialised subquery) is read whole by design: it is not a table scan.
  const derived = new Set(lines.flatMap(({ detail }) => /^(?:CO-ROUTINE|MATERIALIZE) (\S+)/.exec(detail)?.[1] ?? []));
  for (const { detail } of lines) {
    const m = /^SCAN (\S+)(.*)$/.exec(detail);
    if (!m) continue;
    const rest = m[2] ?? '';
    if (/VIRTUAL TABLE/.test(rest) || SMALL_TABLES.has(m[1] ?? '') || derived.has(m[1] ?? '')) continue;
    if (/USING (COVERING )?INDEX/.test(rest)) fullScans.push(`full index scan: ${detail}`);
    else fullScans.push(`FULL TABLE SCAN: ${detail}`);
  }
  return { lines, fullScans };
}
