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
  constructor(private readonly db: Db) {}

  async catalogue(): Promise<Catalogue> {
    const [types, priorities, statuses] = await Promise.all([
      this.db.selectFrom('issue_types').selectAll().orderBy('position').execute(),
      this.db.selectFrom('priorities').selectAll().orderBy('position').execute(),
      this.db.selectFrom('statuses').selectAll().orderBy('position').execute(),
    ]);
    return {
      issueTypes: types.map((t) => ({
        id: t.id, name: t.name, description: t.description, subtask: t.subtask === 1, hierarchyLevel: t.hierarchy_level,
      })),
      priorities: priorities.map((p) => ({ id: p.id, name: p.name, description: p.description, color: p.color })),
      statuses: statuses.map((s) => ({ id: s.id, name: s.name, description: s.description, categoryKey: s.category_key })),
    };
  }

  async userById(id: number): Promise<UserRecord | undefined> {
    const row = await this.db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? toUser(row) : undefined;
  }

  async userByName(username: string): Promise<UserRecord | undefined> {
    const row = await this.db.selectFrom('users').selectAll().where('username_lower', '=', username.toLowerCase()).executeTakeFirst();
    return row ? toUser(row) : undefined;
  }

  async usersByIds(ids: Iterable<number>): Promise<Map<number, UserRecord>> {
    const unique = [...new Set(ids)];
    if (unique.length === 0) return new Map();
    const rows = await this.db.selectFrom('users').selectAll().where('id', 'in', unique).execute();
    return new Map(rows.map((row) => [row.id, toUser(row)]));
  }
}

function toUser(row: Selectable<UsersTable>): UserRecord {
  return { id: row.id, username: row.username, displayName: row.display_name, email: row.email, active: row.active === 1 };
}
