// WAS and CHANGED over the changelog. An issue's history of a field is a run of segments: the initial value (the
// earliest item's from_value, or the current value when the field never changed) from creation to the first
// change, then each item's to_value until the next change. WAS x [window] holds when a segment with value x
// overlaps the window; BY restricts to segments some user started. CHANGED looks at the items themselves.
// Values follow the changelog conventions: ids for status/priority/resolution, usernames for users.
import { sql, type RawBuilder, type SqlBool } from 'kysely';

/** The fields with history, and how to read their current value in the changelog's terms. */
export const HISTORY_FIELDS: Readonly<Record<string, RawBuilder<string | null>>> = {
  status: sql`issues.status_id`,
  priority: sql`issues.priority_id`,
  resolution: sql`issues.resolution_id`,
  assignee: sql`(SELECT u.username FROM users u WHERE u.id = issues.assignee_id)`,
  reporter: sql`(SELECT u.username FROM users u WHERE u.id = issues.reporter_id)`,
};

/** Far enough from any real instant to stand for "unbounded" in comparisons. */
export const NO_LOWER = -8.64e15;
export const NO_UPPER = 8.64e15;

export interface HistoryWindow {
  /** Inclusive bounds in ms. */
  lo: number;
  hi: number;
  /** Author ids (BY); undefined when not restricted. */
  by?: readonly number[];
}

export interface ValueSet {
  values: readonly string[];
  empty: boolean;
}

const inSet = (column: RawBuilder<unknown>, set: ValueSet): RawBuilder<SqlBool> => {
  const parts: RawBuilder<SqlBool>[] = [];
  if (set.values.length > 0) parts.push(sql<SqlBool>`${column} IN (${sql.join(set.values)})`);
  if (set.empty) parts.push(sql<SqlBool>`${column} IS NULL`);
  return parts.length === 0 ? sql<SqlBool>`1 = 0` : sql<SqlBool>`(${sql.join(parts, sql` OR `)})`;
};

const ITEMS = (alias: string, itemAlias: string) =>
  sql`changelog ${sql.raw(alias)} JOIN changelog_items ${sql.raw(itemAlias)} ON ${sql.raw(itemAlias)}.changelog_id = ${sql.raw(alias)}.id`;

const byClause = (by: readonly number[] | undefined): RawBuilder<SqlBool> =>
  by === undefined ? sql<SqlBool>`1 = 1` : by.length === 0 ? sql<SqlBool>`1 = 0` : sql<SqlBool>`c.author_id IN (${sql.join([...by])})`;

/** `field WAS (IN) set [predicates]`. */
export function wasClause(field: string, current: RawBuilder<string | null>, set: ValueSet, w: HistoryWindow): RawBuilder<SqlBool> {
  const nextChange = sql`COALESCE((SELECT MIN(c2.created_at) FROM ${ITEMS('c2', 'ci2')}
      WHERE c2.issue_id = c.issue_id AND ci2.field = ci.field
        AND (c2.created_at > c.created_at OR (c2.created_at = c.created_at AND ci2.id > ci.id))), ${NO_UPPER})`;
  const changed = sql<SqlBool>`EXISTS (SELECT 1 FROM ${ITEMS('c', 'ci')}
      WHERE c.issue_id = issues.id AND ci.field = ${field} AND ${inSet(sql`ci.to_value`, set)}
        AND c.created_at <= ${w.hi} AND ${nextChange} > ${w.lo} AND ${byClause(w.by)})`;
  if (w.by !== undefined) return changed; // the initial value was set by nobody's edit
  const hasItems = sql`EXISTS (SELECT 1 FROM ${ITEMS('c', 'ci')} WHERE c.issue_id = issues.id AND ci.field = ${field})`;
  const initialValue = sql`(CASE WHEN ${hasItems} THEN (SELECT ci.from_value FROM ${ITEMS('c', 'ci')}
      WHERE c.issue_id = issues.id AND ci.field = ${field} ORDER BY c.created_at, ci.id LIMIT 1) ELSE ${current} END)`;
  const firstChange = sql`COALESCE((SELECT MIN(c.created_at) FROM ${ITEMS('c', 'ci')}
      WHERE c.issue_id = issues.id AND ci.field = ${field}), ${NO_UPPER})`;
  const initial = sql<SqlBool>`(${inSet(initialValue, set)} AND issues.created_at <= ${w.hi} AND ${firstChange} > ${w.lo})`;
  return sql<SqlBool>`(${changed} OR ${initial})`;
}

/** `field CHANGED [FROM a] [TO b] [BY u] [window]`. */
export function changedClause(field: string, from: ValueSet | undefined, to: ValueSet | undefined, w: HistoryWindow): RawBuilder<SqlBool> {
  const conditions: RawBuilder<SqlBool>[] = [
    sql<SqlBool>`c.issue_id = issues.id`, sql<SqlBool>`ci.field = ${field}`,
    sql<SqlBool>`c.created_at >= ${w.lo}`, sql<SqlBool>`c.created_at <= ${w.hi}`, byClause(w.by),
  ];
  if (from) conditions.push(inSet(sql`ci.from_value`, from));
  if (to) conditions.push(inSet(sql`ci.to_value`, to));
  return sql<SqlBool>`EXISTS (SELECT 1 FROM ${ITEMS('c', 'ci')} WHERE ${sql.join(conditions, sql` AND `)})`;
}
