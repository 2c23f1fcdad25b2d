// Turns the values a JQL clause names into the ids stored in the database (project keys, status names, user
// names, version names…). Only visible projects (and their components, versions and issues) are candidates, so
// an invisible project reads exactly like a missing one. An unknown value is a 400 or, with validateQuery=false,
// a warning and a value that matches nothing.
import { AppError } from '../errors/app-error.js';
import type { FunctionCall, Operand } from '../domain/jql/ast.js';
import { parseIssueKey } from '../domain/issue-key.js';
import type { Db } from './schema.js';

export interface JqlContext {
  now: number;
  actorId: number;
  visibleProjectIds: readonly number[];
  validate: boolean;
  warnings: string[];
}

/** One item of an operand with lists flattened. */
export type Atom = { kind: 'value'; text: string } | { kind: 'empty' } | { kind: 'function'; call: FunctionCall };

export function atomsOf(operand: Operand): Atom[] {
  switch (operand.kind) {
    case 'value': return [{ kind: 'value', text: String(operand.value) }];
    case 'empty': return [{ kind: 'empty' }];
    case 'function': return [{ kind: 'function', call: operand }];
    case 'list': return operand.items.flatMap(atomsOf);
  }
}

interface Named { id: string; name: string; position: number }
export interface IssueRef { id: number; projectId: number; number: number }
export interface UserRef { id: number; username: string }

const STATUS_CATEGORIES: ReadonlyArray<{ key: string; names: string[] }> = [
  { key: 'new', names: ['new', 'to do', '2'] },
  { key: 'indeterminate', names: ['indeterminate', 'in progress', '4'] },
  { key: 'done', names: ['done', '3'] },
];

export class JqlValues {
  private readonly cache = new Map<string, Promise<unknown>>();

  constructor(private readonly db: Db, readonly ctx: JqlContext) {}

  /** Reports a value that names nothing: a 400, or a warning when the query is not validated. */
  unknown(message: string): void {
    if (this.ctx.validate) throw new AppError('bad_request', 'jql_invalid_value', message);
    if (!this.ctx.warnings.includes(message)) this.ctx.warnings.push(message);
  }

  unknownValue(field: string, value: string): void {
    this.unknown(`The value '${value}' does not exist for the field '${field}'.`);
  }

  private once<T>(key: string, load: () => Promise<T>): Promise<T> {
    let p = this.cache.get(key) as Promise<T> | undefined;
    if (!p) this.cache.set(key, (p = load()));
    return p;
  }

  /** Matches by id or case-insensitive name, as Jira does for every named reference. */
  private static byIdOrName<T extends { id: string | number; name: string }>(rows: readonly T[], text: string): T[] {
    const wanted = text.trim().toLowerCase();
    const byId = rows.filter((r) => String(r.id) === wanted);
    return byId.length > 0 ? byId : rows.filter((r) => r.name.toLowerCase() === wanted);
  }

  async projectIds(text: string): Promise<number[] | undefined> {
    const rows = await this.once('projects', () => this.ctx.visibleProjectIds.length === 0 ? Promise.resolve([])
      : this.db.selectFrom('projects').select(['id', 'project_key', 'name']).where('id', 'in', [...this.ctx.visibleProjectIds]).execute());
    const wanted = text.trim().toLowerCase();
    const hit = rows.filter((p) => p.project_key.toLowerCase() === wanted || String(p.id) === wanted || p.name.toLowerCase() === wanted);
    return hit.length > 0 ? hit.map((p) => p.id) : undefined;
  }

  private named(table: 'statuses' | 'priorities' | 'issue_types' | 'resolutions'): Promise<Named[]> {
    return this.once(table, () => this.db.selectFrom(table).select(['id', 'name', 'position']).orderBy('position').execute());
  }

  async namedIds(table: 'statuses' | 'priorities' | 'issue_types' | 'resolutions', text: string): Promise<string[] | undefined> {
    const hit = JqlValues.byIdOrName(await this.named(table), text);
    return hit.length > 0 ? hit.map((r) => r.id) : undefined;
  }

  /**
   * Every id a field with a short list of values can hold, where a foreign key guarantees the column holds
   * nothing else (for `project`, the visible projects: the search sees no others); undefined for other fields.
   * Not `resolution`: issues.resolution_id has no foreign key (migration 0002).
   */
  async domain(field: string): Promise<Array<string | number> | undefined> {
    const ids = async (table: 'statuses' | 'priorities' | 'issue_types') => (await this.named(table)).map((r) => r.id);
    switch (field) {
      case 'project': return [...this.ctx.visibleProjectIds];
      case 'issuetype': return ids('issue_types');
      case 'status': case 'statusCategory': return ids('statuses');
      case 'priority': return ids('priorities');
      default: return undefined;
    }
  }

  /** Priorities above (`>`) or below (`<`) the named ones in the configured order: position 1 is the highest. */
  async priorityIdsBeyond(text: string, operator: '<' | '>' | '<=' | '>='): Promise<string[] | undefined> {
    const rows = await this.named('priorities');
    const hit = JqlValues.byIdOrName(rows, text)[0];
    if (!hit) return undefined;
    const test: Record<typeof operator, (p: number) => boolean> = {
      '>': (p) => p < hit.position, '>=': (p) => p <= hit.position, '<': (p) => p > hit.position, '<=': (p) => p >= hit.position,
    };
    return rows.filter((r) => test[operator](r.position)).map((r) => r.id);
  }

  async issueTypeIdsBySubtask(subtask: boolean): Promise<string[]> {
    const rows = await this.db.selectFrom('issue_types').select('id').where('subtask', '=', subtask ? 1 : 0).execute();
    return rows.map((r) => r.id);
  }

  async statusIdsInCategory(text: string): Promise<string[] | undefined> {
    const category = STATUS_CATEGORIES.find((c) => c.names.includes(text.trim().toLowerCase()));
    if (!category) return undefined;
    const rows = await this.db.selectFrom('statuses').select('id').where('category_key', '=', category.key).execute();
    return rows.map((r) => r.id);
  }

  /** A username, display name or e-mail address (case-insensitive), as Jira Server accepts. */
  async users(text: string): Promise<UserRef[] | undefined> {
    const wanted = text.trim().toLowerCase();
    const rows = await this.db.selectFrom('users').select(['id', 'username'])
      .where((eb) => eb.or([eb('username_lower', '=', wanted), eb(eb.fn('lower', ['display_name']), '=', wanted), eb(eb.fn('lower', ['email']), '=', wanted)]))
      .execute();
    return rows.length > 0 ? rows : undefined;
  }

  async currentUser(): Promise<UserRef[]> {
    return this.db.selectFrom('users').select(['id', 'username']).where('id', '=', this.ctx.actorId).execute();
  }

  async groupMembers(group: string): Promise<UserRef[] | undefined> {
    const exists = await this.db.selectFrom('user_groups').select('name').where('name', '=', group).executeTakeFirst();
    if (!exists) return undefined;
    return this.db.selectFrom('group_members').innerJoin('users', 'users.id', 'group_members.user_id')
      .select(['users.id', 'users.username']).where('group_members.group_name', '=', group).execute();
  }

  private versionRows() {
    return this.once('versions', () => this.ctx.visibleProjectIds.length === 0 ? Promise.resolve([])
      : this.db.selectFrom('versions').select(['id', 'name', 'project_id', 'position', 'released'])
        .where('project_id', 'in', [...this.ctx.visibleProjectIds]).execute());
  }

  async versionIds(text: string, operator: string = '='): Promise<number[] | undefined> {
    const rows = await this.versionRows();
    const hits = JqlValues.byIdOrName(rows, text);
    if (hits.length === 0) return undefined;
    if (!['<', '>', '<=', '>='].includes(operator)) return hits.map((v) => v.id);
    // Versions compare by their order within their own project.
    const cmp = (a: number, b: number) => operator === '<' ? a < b : operator === '>' ? a > b : operator === '<=' ? a <= b : a >= b;
    return rows.filter((v) => hits.some((h) => h.project_id === v.project_id && cmp(v.position, h.position))).map((v) => v.id);
  }

  async versionIdsReleased(released: boolean, projectText?: string): Promise<number[] | undefined> {
    const projects = projectText === undefined ? undefined : await this.projectIds(projectText);
    if (projectText !== undefined && !projects) return undefined;
    return (await this.versionRows()).filter((v) => (v.released === 1) === released && (!projects || projects.includes(v.project_id))).map((v) => v.id);
  }

  async componentIds(text: string): Promise<number[] | undefined> {
    const rows = await this.once('components', () => this.ctx.visibleProjectIds.length === 0 ? Promise.resolve([])
      : this.db.selectFrom('components').select(['id', 'name']).where('project_id', 'in', [...this.ctx.visibleProjectIds]).execute());
    const hit = JqlValues.byIdOrName(rows, text);
    return hit.length > 0 ? hit.map((c) => c.id) : undefined;
  }

  /** An issue key (any case) or id, in a visible project. */
  async issue(text: string): Promise<IssueRef | undefined> {
    if (this.ctx.visibleProjectIds.length === 0) return undefined;
    const trimmed = text.trim();
    const key = parseIssueKey(trimmed.toUpperCase());
    let query = this.db.selectFrom('issues').select(['id', 'project_id as projectId', 'number'])
      .where('project_id', 'in', [...this.ctx.visibleProjectIds]);
    if (key) query = query.where('issue_key', '=', trimmed.toUpperCase());
    else if (/^\d{1,15}$/.test(trimmed)) query = query.where('id', '=', Number(trimmed));
    else return undefined;
    return query.executeTakeFirst();
  }
}
