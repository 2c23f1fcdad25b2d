// Compiles a checked JQL query into a Kysely WHERE expression over `issues`. Every value the user wrote travels
// as a bound parameter (sql`${value}`); only fixed column names and keywords are SQL text. Negations follow
// Jira: `!=`, NOT IN and `!~` never return issues where the field is empty (`labels != x` skips unlabelled
// issues, `assignee != bob` skips unassigned ones), unless EMPTY is asked for explicitly.
// A query that is one label, component or fix version clause (ANDed with project or created clauses at most)
// compiles to a LinkScan instead: the link table carries project_id and created_at (migration 0006), so its
// index alone finds, counts and orders the matches.
import { sql, type RawBuilder, type SqlBool } from 'kysely';
import type { Clause, OperandTerminal, Terminal } from '../domain/jql/ast.js';
import { dayOf } from '../domain/jql/dates.js';
import type { FieldDefinition } from '../domain/jql/fields.js';
import { parseTextTerms } from '../domain/jql/text-terms.js';
import { compileHistory } from './jql-history-clause.js';
import { atomsOf, type Atom, type JqlValues } from './jql-values.js';
import { resolveDates, resolveIds, type IdSet } from './jql-resolve.js';
import { fullTextQuery, matchFullText, type FullTextColumn } from './sqlite-fts.js';

type Bool = RawBuilder<SqlBool>;
const FALSE: Bool = sql<SqlBool>`1 = 0`;
const TRUE: Bool = sql<SqlBool>`1 = 1`;

const SCALAR_COLUMNS: Readonly<Record<string, RawBuilder<unknown>>> = {
  project: sql`issues.project_id`, issuetype: sql`issues.issue_type_id`, status: sql`issues.status_id`,
  statusCategory: sql`issues.status_id`, assignee: sql`issues.assignee_id`, reporter: sql`issues.reporter_id`,
  creator: sql`issues.creator_id`, priority: sql`issues.priority_id`, resolution: sql`issues.resolution_id`,
  key: sql`issues.id`, parent: sql`issues.parent_id`,
};
const DATE_COLUMNS: Readonly<Record<string, RawBuilder<unknown>>> = {
  created: sql`issues.created_at`, updated: sql`issues.updated_at`, resolved: sql`issues.resolved_at`, due: sql`issues.due_date`,
};
/** Multi-valued fields: the link table, its value column, and how the clause's ids are matched. */
const SET_FIELDS: Readonly<Record<string, { table: string; column: string }>> = {
  labels: { table: 'issue_labels', column: 'label' },
  component: { table: 'issue_components', column: 'component_id' },
  fixVersion: { table: 'issue_fix_versions', column: 'version_id' },
};
const TEXT_COLUMNS: Readonly<Record<string, FullTextColumn[]>> = {
  summary: ['summary'], description: ['description'], environment: ['environment'], comment: ['comments'], text: [],
};

/** One set clause (=, IN) over its link table, aliased `l`, with any project or created clauses ANDed to it. */
export interface LinkScan {
  table: RawBuilder<unknown>;
  /** Over `l`; includes the visible projects. */
  where: Bool;
  /** The same for each value the clause names on its own (`l.label = x AND …`); an issue has a row for each. */
  eachValue: Bool[];
}
/** The columns a link table copies from its issue: clauses on them can join a LinkScan. */
const LINK_PROJECT = sql`l.project_id`;
const LINK_CREATED = sql`l.created_at`;
const LINK_COLUMNS: Readonly<Record<string, RawBuilder<unknown>>> = { project: LINK_PROJECT, created: LINK_CREATED };

const isNegative = (op: string) => op === '!=' || op === 'not in' || op === 'is not' || op === '!~';
const inList = (column: RawBuilder<unknown>, ids: readonly (string | number)[]): Bool =>
  ids.length === 0 ? FALSE : sql<SqlBool>`${column} IN (${sql.join([...ids])})`;
// `1 = 0 OR x` is x and `1 = 1 AND x` is x (also when x is NULL), so the constants are left out: the planner
// cannot use an index for a term OR-ed with anything, even a constant.
const any = (terms: Bool[]): Bool => {
  const parts = terms.filter((t) => t !== FALSE);
  return parts.length === 0 ? FALSE : parts.length === 1 ? parts[0]! : sql<SqlBool>`(${sql.join(parts, sql` OR `)})`;
};
const all = (terms: Bool[]): Bool => {
  const parts = terms.filter((t) => t !== TRUE);
  return parts.length === 0 ? TRUE : parts.length === 1 ? parts[0]! : sql<SqlBool>`(${sql.join(parts, sql` AND `)})`;
};

export class JqlCompiler {
  constructor(private readonly values: JqlValues, private readonly defs: ReadonlyMap<Terminal, FieldDefinition>) {}

  async clause(clause: Clause): Promise<Bool> {
    switch (clause.kind) {
      case 'and': return all(await Promise.all(clause.clauses.map((c) => this.clause(c))));
      case 'or': return any(await Promise.all(clause.clauses.map((c) => this.clause(c))));
      // NOT is the complement: an issue the clause does not match (SQL's unknown counts as not matching).
      case 'not': return sql<SqlBool>`NOT COALESCE(${await this.clause(clause.clause)}, 1 = 0)`;
      case 'terminal': return this.terminal(clause);
    }
  }

  /**
   * The query as a scan of one link table, when it is a positive set clause (`labels = x`, `component in (…)`,
   * no EMPTY) alone or ANDed with project and created clauses; otherwise undefined, having resolved nothing.
   */
  async linkScan(clause: Clause): Promise<LinkScan | undefined> {
    const parts = clause.kind === 'and' ? clause.clauses : [clause];
    const plain = (c: Clause): c is OperandTerminal => c.kind === 'terminal' && c.operator !== 'changed' && !c.operator.startsWith('was');
    if (!parts.every(plain)) return undefined;
    const sets = parts.filter((t) => SET_FIELDS[this.defs.get(t)!.name]);
    const set = sets[0];
    if (sets.length !== 1 || !set || (set.operator !== '=' && set.operator !== 'in')) return undefined;
    if (atomsOf(set.operand).some((a) => a.kind === 'empty')) return undefined;
    if (!parts.every((t) => t === set || LINK_COLUMNS[this.defs.get(t)!.name])) return undefined;

    const link = SET_FIELDS[this.defs.get(set)!.name]!;
    const column = sql.raw(`l.${link.column}`);
    let ids: Array<string | number> = [];
    const terms = [inList(LINK_PROJECT, this.values.ctx.visibleProjectIds)];
    for (const t of parts) { // in the query's order, as clause() resolves them (the first unknown value is the 400)
      const def = this.defs.get(t)!;
      if (t === set) ids = [...new Set((await this.setIds(def, t.operator, atomsOf(t.operand))).ids)];
      else if (def.name === 'created') terms.push(await this.date(def.name, t, LINK_CREATED));
      else terms.push(await this.scalar(def, t.operator, atomsOf(t.operand), LINK_PROJECT));
    }
    return {
      table: sql.raw(link.table),
      where: all([inList(column, ids), ...terms]),
      eachValue: ids.map((id) => all([sql<SqlBool>`${column} = ${id}`, ...terms])),
    };
  }

  private async terminal(t: Terminal): Promise<Bool> {
    const def = this.defs.get(t)!;
    if (t.operator === 'changed' || t.operator.startsWith('was')) return compileHistory(this.values, def, t);
    const clause = t as OperandTerminal;
    if (def.type === 'text') return this.text(def.name, clause);
    if (def.type === 'date') return this.date(def.name, clause);
    const atoms = atomsOf(clause.operand);
    const set = SET_FIELDS[def.name];
    if (set) return this.setMembership(def, clause.operator, atoms, set);
    return this.scalar(def, clause.operator, atoms);
  }

  /** Single-valued columns: project, type, status(Category), users, priority, resolution, key, parent. */
  private async scalar(def: FieldDefinition, operator: string, atoms: Atom[], column = SCALAR_COLUMNS[def.name]!): Promise<Bool> {
    if (def.name === 'key' && ['<', '>', '<=', '>='].includes(operator)) return this.keyOrder(operator, atoms);
    const ids: IdSet = await resolveIds(this.values, def, operator, atoms);
    const positive = any([inList(column, ids.ids), ...(ids.empty ? [sql<SqlBool>`${column} IS NULL`] : [])]);
    if (!isNegative(operator)) return positive;
    // A field whose values come from a short list: the negation is the rest of the list, which an index can
    // find (`status_id IN ('10000', '3')` for `statusCategory != Done`; `NOT status_id IN (…)` reads every
    // issue). The same issues: the column holds ids of that list or NULL, and a negation never matches NULL.
    const domain = await this.values.domain(def.name);
    if (domain) return inList(column, domain.filter((id) => !ids.ids.includes(id)));
    // Jira: a negation never matches an empty field, whatever the list says.
    return sql<SqlBool>`(${column} IS NOT NULL AND NOT ${positive})`;
  }

  /** `key < ABC-10`: issues of the same project numbered below. */
  private async keyOrder(operator: string, atoms: Atom[]): Promise<Bool> {
    const parts: Bool[] = [];
    for (const atom of atoms) {
      if (atom.kind !== 'value') continue;
      const issue = await this.values.issue(atom.text);
      if (!issue) {
        this.values.unknown(`An issue with key '${atom.text}' does not exist for field 'key'.`);
        continue;
      }
      parts.push(sql<SqlBool>`(issues.project_id = ${issue.projectId} AND issues.number ${sql.raw(operator)} ${issue.number})`);
    }
    return any(parts);
  }

  /** Labels are free text; components and versions are resolved among the visible projects' own. */
  private setIds(def: FieldDefinition, operator: string, atoms: Atom[]): Promise<IdSet> {
    return def.name === 'labels'
      ? Promise.resolve({ ids: atoms.flatMap((a) => a.kind === 'value' ? [a.text] : []), empty: atoms.some((a) => a.kind === 'empty') })
      : resolveIds(this.values, def, operator, atoms);
  }

  private async setMembership(def: FieldDefinition, operator: string, atoms: Atom[], link: { table: string; column: string }): Promise<Bool> {
    const table = sql.raw(link.table);
    const column = sql.raw(`l.${link.column}`);
    const hasAny = sql<SqlBool>`EXISTS (SELECT 1 FROM ${table} l WHERE l.issue_id = issues.id)`;
    const ids = await this.setIds(def, operator, atoms);
    // `id IN (the value's issues)` rather than a correlated EXISTS: the planner can start from the value's
    // index (issue_labels_label_project_created, …) instead of testing every visible issue, and the visible
    // projects narrow those issues inside the index (the link rows carry project_id, migration 0006).
    const hasOne = ids.ids.length === 0 ? FALSE
      : sql<SqlBool>`issues.id IN (SELECT l.issue_id FROM ${table} l WHERE ${column} IN (${sql.join([...ids.ids])})
        AND ${inList(LINK_PROJECT, this.values.ctx.visibleProjectIds)})`;
    const positive = any([hasOne, ...(ids.empty ? [sql<SqlBool>`NOT ${hasAny}`] : [])]);
    return isNegative(operator) ? sql<SqlBool>`(${hasAny} AND NOT ${positive})` : positive;
  }

  private async date(name: string, t: OperandTerminal, column = DATE_COLUMNS[name]!): Promise<Bool> {
    if (t.operand.kind === 'empty') return t.operator === '!=' || t.operator === 'is not' ? sql<SqlBool>`${column} IS NOT NULL` : sql<SqlBool>`${column} IS NULL`;
    const instants = await resolveDates(this.values, name, atomsOf(t.operand));
    const op = t.operator === '=' ? '=' : t.operator === '!=' ? '<>' : t.operator;
    // due dates are calendar days: compare against the day the instant falls on.
    return any(instants.map((at) => sql<SqlBool>`${column} ${sql.raw(op)} ${name === 'due' ? dayOf(at) : at}`));
  }

  private text(name: string, t: OperandTerminal): Bool {
    const blank = (column: string) => sql<SqlBool>`(${sql.raw(column)} IS NULL OR ${sql.raw(column)} = '')`;
    if (t.operator === 'is' || t.operator === 'is not') {
      const empty: Bool = name === 'comment' ? sql<SqlBool>`NOT EXISTS (SELECT 1 FROM comments cm WHERE cm.issue_id = issues.id)`
        : name === 'description' || name === 'environment' ? blank(`issues.${name}`) : name === 'summary' ? FALSE
          : all([blank('issues.description'), blank('issues.environment'), sql<SqlBool>`NOT EXISTS (SELECT 1 FROM comments cm WHERE cm.issue_id = issues.id)`]);
      return t.operator === 'is' ? empty : sql<SqlBool>`NOT ${empty}`;
    }
    const operand = t.operand.kind === 'value' ? String(t.operand.value) : '';
    const terms = parseTextTerms(operand);
    const match = terms.length === 0 ? FALSE : matchFullText(sql<number>`issues.id`, fullTextQuery(terms, TEXT_COLUMNS[name] ?? []));
    if (t.operator === '~') return match;
    // Like the other negations, `!~` skips issues where the field is empty (Jira: no text, nothing to exclude).
    const present: Bool = name === 'comment' ? sql<SqlBool>`EXISTS (SELECT 1 FROM comments cm WHERE cm.issue_id = issues.id)`
      : name === 'description' || name === 'environment' ? sql<SqlBool>`NOT ${blank(`issues.${name}`)}` : TRUE;
    return all([present, sql<SqlBool>`NOT ${match}`]);
  }
}
