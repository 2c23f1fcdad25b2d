// Project membership (project_members: viewer | member | admin) and user groups (user_groups, group_members),
// from migration 0002. Rules about what a role allows live in src/services/permissions.ts, not here.
import type { Db, ProjectMembersTable } from './schema.js';

export type ProjectRole = ProjectMembersTable['role'];

export const PROJECT_ROLES: readonly ProjectRole[] = ['viewer', 'member', 'admin'];

export interface ProjectMemberRow {
  userId: number;
  username: string;
  role: ProjectRole;
}

export class MemberRepository {
  constructor(private readonly db: Db) {}

  async roleOf(projectId: number, userId: number): Promise<ProjectRole | undefined> {
    const row = await this.db.selectFrom('project_members').select('role')
      .where('project_id', '=', projectId).where('user_id', '=', userId).executeTakeFirst();
    return row?.role;
  }

  /** The projects a user is a member of (any role), with the role. */
  async rolesOf(userId: number): Promise<Map<number, ProjectRole>> {
    const rows = await this.db.selectFrom('project_members').select(['project_id', 'role']).where('user_id', '=', userId).execute();
    return new Map(rows.map((r) => [r.project_id, r.role]));
  }

  async members(projectId: number): Promise<ProjectMemberRow[]> {
    const rows = await this.db.selectFrom('project_members')
      .innerJoin('users', 'users.id', 'project_members.user_id')
      .select(['project_members.user_id', 'users.username', 'project_members.role'])
      .where('project_members.project_id', '=', projectId).orderBy('users.username_lower').execute();
    return rows.map((r) => ({ userId: r.user_id, username: r.username, role: r.role }));
  }

  /** Adds the member or changes their role. */
  async setRole(projectId: number, userId: number, role: ProjectRole): Promise<void> {
    await this.db.insertInto('project_members').values({ project_id: projectId, user_id: userId, role })
      .onConflict((oc) => oc.columns(['project_id', 'user_id']).doUpdateSet({ role }))
      .execute();
  }

  /** True when there was such a member. */
  async remove(projectId: number, userId: number): Promise<boolean> {
    const result = await this.db.deleteFrom('project_members')
      .where('project_id', '=', projectId).where('user_id', '=', userId).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  /** False when the group exists already. */
  async addGroup(name: string, createdAt: number): Promise<boolean> {
    const result = await this.db.insertInto('user_groups').values({ name, created_at: createdAt })
      .onConflict((oc) => oc.column('name').doNothing()).executeTakeFirst();
    return Number(result.numInsertedOrUpdatedRows ?? 0n) > 0;
  }

  async groupExists(name: string): Promise<boolean> {
    return (await this.db.selectFrom('user_groups').select('name').where('name', '=', name).executeTakeFirst()) !== undefined;
  }

  async addGroupMember(name: string, userId: number): Promise<void> {
    await this.db.insertInto('group_members').values({ group_name: name, user_id: userId })
      .onConflict((oc) => oc.columns(['group_name', 'user_id']).doNothing()).execute();
  }

  async removeGroupMember(name: string, userId: number): Promise<boolean> {
    const result = await this.db.deleteFrom('group_members').where('group_name', '=', name).where('user_id', '=', userId).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }
}
