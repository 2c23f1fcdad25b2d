// Who may do what in a project: the one place these rules live (IssueService.canSee/canEdit/visibleProjects
// and the project, component and version use cases all ask here).
//
//   role     | read | create, edit, comment, transition | manage members, components, versions
//   viewer   |  ✓   |                                    |
//   member   |  ✓   |                 ✓                  |
//   admin    |  ✓   |                 ✓                  |                  ✓
//
// A Tessera administrator (users.is_admin) is an admin of every project; the project lead is an admin of
// their project; anyone else has the role their project_members row gives, or none (the project is invisible).
// The administrator flag is read from the database on each question, not taken from the caller: an OAuth
// token, a Basic-auth script or a session has exactly the rights its user has now.
import { MemberRepository, type ProjectRole } from '../storage/member-repository.js';
import { ProjectRepository } from '../storage/project-repository.js';
import type { ServiceContext } from './context.js';
import type { Actor, ProjectRecord } from './issue-records.js';

export type { ProjectRole } from '../storage/member-repository.js';

const RANK: Record<ProjectRole, number> = { viewer: 1, member: 2, admin: 3 };

export class PermissionService {
  private readonly members: MemberRepository;
  private readonly projects: ProjectRepository;

  constructor(private readonly ctx: ServiceContext) {
    this.members = new MemberRepository(ctx.db);
    this.projects = new ProjectRepository(ctx.db);
  }

  /** Whether the user is a Tessera administrator, as the database says now. */
  async isSystemAdmin(actor: Pick<Actor, 'userId'>): Promise<boolean> {
    const row = await this.ctx.db.selectFrom('users').select(['is_admin', 'active']).where('id', '=', actor.userId).executeTakeFirst();
    return row !== undefined && row.is_admin === 1 && row.active === 1;
  }

  /** The actor's effective role in the project, or undefined when they cannot even see it. */
  async roleIn(actor: Pick<Actor, 'userId'>, project: ProjectRecord): Promise<ProjectRole | undefined> {
    if (await this.isSystemAdmin(actor)) return 'admin';
    if (project.leadId === actor.userId) return 'admin';
    return this.members.roleOf(project.id, actor.userId);
  }

  async canSee(actor: Pick<Actor, 'userId'>, project: ProjectRecord): Promise<boolean> {
    return (await this.roleIn(actor, project)) !== undefined;
  }

  /** Create, edit, comment, transition: the member role or more. */
  async canEdit(actor: Pick<Actor, 'userId'>, project: ProjectRecord): Promise<boolean> {
    return atLeast(await this.roleIn(actor, project), 'member');
  }

  /** Manage the project's members, components and versions. */
  async canAdminister(actor: Pick<Actor, 'userId'>, project: ProjectRecord): Promise<boolean> {
    return atLeast(await this.roleIn(actor, project), 'admin');
  }

  /** The projects the actor can see, ordered by key (every project for an administrator). */
  async visibleProjects(actor: Pick<Actor, 'userId'>): Promise<ProjectRecord[]> {
    const all = await this.projects.list();
    if (await this.isSystemAdmin(actor)) return all;
    const roles = await this.members.rolesOf(actor.userId);
    return all.filter((p) => p.leadId === actor.userId || roles.has(p.id));
  }
}

function atLeast(role: ProjectRole | undefined, wanted: ProjectRole): boolean {
  return role !== undefined && RANK[role] >= RANK[wanted];
}
