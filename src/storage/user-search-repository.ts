// Finding users the way Jira Server's user picker does: a username prefix, a word of the display name,
// or an e-mail prefix, case-insensitive. `.` alone lists everyone (Jira Server's convention).
import { sql, type Selectable } from 'kysely';
import type { UserRecord } from '../services/issue-records.js';
import type { Db, UsersTable } from './schema.js';

export interface UserSearch {
  text: string;
  includeActive: boolean;
  includeInactive: boolean;
  startAt: number;
  maxResults: number;
}

export class UserSearchRepository {
  constructor(private readonly db: Db) {}

  async search(s: UserSearch): Promise<UserRecord[]> {
    const actives = [...(s.includeActive ? [1] : []), ...(s.includeInactive ? [0] : [])];
    if (actives.length === 0 || s.maxResults === 0) return [];
    let query = this.db.selectFrom('users').selectAll().where('active', 'in', actives);
    const text = s.text.trim().toLowerCase();
    if (text !== '.') {
      const prefix = `${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      query = query.where((eb) => eb.or([
        eb('username_lower', 'like', sql<string>`${prefix} escape '\\'`),
        eb(sql`lower(display_name)`, 'like', sql<string>`${prefix} escape '\\'`),
        eb(sql`lower(display_name)`, 'like', sql<string>`${`% ${prefix}`} escape '\\'`),
        eb(sql`lower(email)`, 'like', sql<string>`${prefix} escape '\\'`),
      ]));
    }
    const rows = await query.orderBy('username_lower').limit(s.maxResults).offset(s.startAt).execute();
    return rows.map(toUser);
  }
}

function toUser(row: Selectable<UsersTable>): UserRecord {
  return { id: row.id, username: row.username, displayName: row.display_name, email: row.email, active: row.active === 1 };
}
