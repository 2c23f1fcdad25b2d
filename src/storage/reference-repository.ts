// Reference data an issue points at: issue types, priorities, statuses (small, seeded by migration 0001)
// and the users that issues and comments name.
import type { Selectable } from 'kysely';
import type { IssueTypeRecord, PriorityRecord, StatusRecord, UserRecord } from '../services/issue-records.js';
import type { Db, UsersTable } from './schema.js';

export interface Catalogue {
  issueTypes: IssueTypeRecord[];
  priorities: PriorityRecord[];
  statuses: StatusRecord[];
}

export class ReferenceRepository {
  /**
   * Issue types, priorities and statuses are written only by migrations (0001), never while the server runs,
   * so they are read once per repository: every issue view needs them. A feature that edits them must drop
   * this (or restart the server).
   */
  private cached: Promise<Catalogue> | undefined;

  constructor(private readonly db: Db) {}

  catalogue(): Promise<Catalogue> {
    if (!this.cached) {
      this.cached = this.loadCatalogue();
      this.cached.catch(() => { this.cached = undefined; }); // a failed read is not kept
    }
    return this.cached;
  }

  private async loadCatalogue(): Promise<Catalogue> {
    const [types, priorities, statuses] = await Promise.all([
      this.db.selectFrom('issue_types').selectAll().orderBy('position').execute(),
      this.db.selectFrom('priorities').selectAll().orderBy('position').execute(),
      this.db.selectFrom('statuses').selectAll().orderBy('position').execute(),
    ]);
    return Object.freeze({
      issueTypes: frozen(types.map((t) => ({
        id: t.id, name: t.name, description: t.description, subtask: t.subtask === 1, hierarchyLevel: t.hierarchy_level,
      }))),
      priorities: frozen(priorities.map((p) => ({ id: p.id, name: p.name, description: p.description, color: p.color }))),
      statuses: frozen(statuses.map((s) => ({ id: s.id, name: s.name, description: s.description, categoryKey: s.category_key }))),
    });
  }

  async userById(id: number): Promise<UserRecord | undefined> {
    const row = await this.db.selectFrom('users').select(USER_COLUMNS).where('id', '=', id).executeTakeFirst();
    return row ? toUser(row) : undefined;
  }

  async userByName(username: string): Promise<UserRecord | undefined> {
    const row = await this.db.selectFrom('users').select(USER_COLUMNS).where('username_lower', '=', username.toLowerCase()).executeTakeFirst();
    return row ? toUser(row) : undefined;
  }

  async usersByIds(ids: Iterable<number>): Promise<Map<number, UserRecord>> {
    const unique = [...new Set(ids)];
    if (unique.length === 0) return new Map();
    const rows = await this.db.selectFrom('users').select(USER_COLUMNS).where('id', 'in', unique).execute();
    return new Map(rows.map((row) => [row.id, toUser(row)]));
  }
}

/** Shared between requests, so nobody may change them in place. */
function frozen<T extends object>(rows: T[]): T[] {
  return Object.freeze(rows.map((row) => Object.freeze(row))) as T[];
}

/** What a UserRecord shows: never the password hash, and each column read costs (a search page names ~60 users). */
const USER_COLUMNS = ['id', 'username', 'display_name', 'email', 'active'] as const;

function toUser(row: Pick<Selectable<UsersTable>, (typeof USER_COLUMNS)[number]>): UserRecord {
  return { id: row.id, username: row.username, displayName: row.display_name, email: row.email, active: row.active === 1 };
}
