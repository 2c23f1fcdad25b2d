// Project administration use cases: creating projects (administrators), members and their roles, the
// project's components and versions, groups, and finding users. Who may do what is PermissionService's
// answer (IssueService.permissions); an invisible project reads exactly like a missing one (404).
import { parseIdOrKey } from '../domain/issue-key.js';
import { AppError } from '../errors/app-error.js';
import { ComponentVersionRepository, type ProjectComponent } from '../storage/component-version-repository.js';
import { MemberRepository, PROJECT_ROLES, type ProjectMemberRow, type ProjectRole } from '../storage/member-repository.js';
import { ReferenceRepository } from '../storage/reference-repository.js';
import { UserSearchRepository, type UserSearch } from '../storage/user-search-repository.js';
import type { ServiceContext } from './context.js';
import { validationError } from './issue-input.js';
import type { Actor, ProjectRecord, UserRecord, VersionRecord } from './issue-records.js';
import type { IssueService, NewProjectInput } from './issues.js';

export type { ProjectComponent } from '../storage/component-version-repository.js';
export type { ProjectMemberRow, ProjectRole } from '../storage/member-repository.js';
export { PROJECT_ROLES } from '../storage/member-repository.js';

/** A project named by key or id in a request body (`"project": "KEY"` or `"projectId": 10000`). */
export interface ProjectRef {
  project?: string | undefined;
  projectId?: string | undefined;
}

export interface NewComponentInput extends ProjectRef {
  name: string;
  description?: string | undefined;
  leadUserName?: string | undefined;
}

export interface NewVersionInput extends ProjectRef {
  name: string;
  description?: string | undefined;
  released?: boolean | undefined;
  archived?: boolean | undefined;
  releaseDate?: string | undefined;
}

export interface ComponentView extends ProjectComponent {
  project: ProjectRecord;
  lead: UserRecord | undefined;
}

export interface VersionView extends VersionRecord {
  project: ProjectRecord;
}

const GROUP_NAME = /^[A-Za-z0-9][A-Za-z0-9._ -]{0,99}$/;

export class ProjectService {
  private readonly members: MemberRepository;
  private readonly parts: ComponentVersionRepository;
  private readonly reference: ReferenceRepository;
  private readonly users: UserSearchRepository;

  constructor(private readonly ctx: ServiceContext, private readonly issues: IssueService) {
    this.members = new MemberRepository(ctx.db);
    this.parts = new ComponentVersionRepository(ctx.db);
    this.reference = new ReferenceRepository(ctx.db);
    this.users = new UserSearchRepository(ctx.db);
  }

  // --- projects ---

  /** `POST project`: Tessera administrators only. The lead becomes a project admin. */
  async createProject(actor: Actor, input: NewProjectInput): Promise<ProjectRecord> {
    if (!(await this.issues.permissions.isSystemAdmin(actor))) {
      throw new AppError('forbidden', 'admin_required', 'You must be a Tessera administrator to create projects.');
    }
    return this.issues.createProject(input);
  }

  // --- members (the CLI; an administrator's tool) ---

  async setMember(projectIdOrKey: string, username: string, role: ProjectRole): Promise<{ project: ProjectRecord; user: UserRecord }> {
    if (!PROJECT_ROLES.includes(role)) throw new AppError('bad_request', 'role_invalid', `The role must be one of: ${PROJECT_ROLES.join(', ')}.`);
    const project = await this.existingProject(projectIdOrKey);
    const user = await this.issues.getUserByName(username);
    await this.members.setRole(project.id, user.id, role);
    return { project, user };
  }

  /** False when the user was not a member. The lead stays a project admin whatever their row says. */
  async removeMember(projectIdOrKey: string, username: string): Promise<boolean> {
    const project = await this.existingProject(projectIdOrKey);
    const user = await this.issues.getUserByName(username);
    return this.members.remove(project.id, user.id);
  }

  async listMembers(projectIdOrKey: string): Promise<ProjectMemberRow[]> {
    return this.members.members((await this.existingProject(projectIdOrKey)).id);
  }

  // --- groups (membersOf() in JQL) ---

  /** False when the group exists already. */
  async addGroup(name: string): Promise<boolean> {
    if (!GROUP_NAME.test(name)) {
      throw new AppError('bad_request', 'group_name_invalid', 'A group name is 1 to 100 letters, digits, spaces, dots, underscores or hyphens.');
    }
    return this.members.addGroup(name, this.ctx.clock());
  }

  async addGroupMember(name: string, username: string): Promise<void> {
    if (!(await this.members.groupExists(name))) throw new AppError('not_found', 'group_not_found', `There is no group named '${name}'.`);
    await this.members.addGroupMember(name, (await this.issues.getUserByName(username)).id);
  }

  async removeGroupMember(name: string, username: string): Promise<boolean> {
    if (!(await this.members.groupExists(name))) throw new AppError('not_found', 'group_not_found', `There is no group named '${name}'.`);
    return this.members.removeGroupMember(name, (await this.issues.getUserByName(username)).id);
  }

  // --- components ---

  async components(actor: Actor, projectIdOrKey: string): Promise<ComponentView[]> {
    const project = await this.visibleProject(actor, projectIdOrKey);
    return this.componentViews(project, await this.parts.components(project.id));
  }

  async getComponent(actor: Actor, id: string): Promise<ComponentView> {
    const component = /^\d{1,15}$/.test(id) ? await this.parts.findComponent(Number(id)) : undefined;
    const project = component ? await this.issues.findProject(String(component.projectId)) : undefined;
    if (!component || !project || !(await this.issues.canSee(actor, project))) {
      throw new AppError('not_found', 'component_not_found', `The component with id ${id} does not exist.`);
    }
    const [view] = await this.componentViews(project, [component]);
    return view as ComponentView;
  }

  async createComponent(actor: Actor, input: NewComponentInput): Promise<ComponentView> {
    const project = await this.administrableProject(actor, input);
    const name = input.name.trim();
    if (name === '' || name.length > 255) throw validationError({ name: 'The component name must be 1 to 255 characters.' });
    let leadId: number | null = null;
    if (input.leadUserName) {
      const lead = await this.reference.userByName(input.leadUserName);
      if (!lead) throw validationError({ leadUserName: `The user '${input.leadUserName}' does not exist.` });
      leadId = lead.id;
    }
    try {
      const component = await this.parts.insertComponent({
        projectId: project.id, name, description: input.description ?? '', leadId, createdAt: this.ctx.clock(),
      });
      const [view] = await this.componentViews(project, [component]);
      return view as ComponentView;
    } catch (err) {
      if (this.ctx.dialect.isUniqueViolation(err)) throw validationError({ name: `A component with the name ${name} already exists in this project.` });
      throw err;
    }
  }

  // --- versions ---

  async versions(actor: Actor, projectIdOrKey: string): Promise<VersionView[]> {
    const project = await this.visibleProject(actor, projectIdOrKey);
    return (await this.parts.versions(project.id)).map((v) => ({ ...v, project }));
  }

  async getVersion(actor: Actor, id: string): Promise<VersionView> {
    const version = /^\d{1,15}$/.test(id) ? await this.parts.findVersion(Number(id)) : undefined;
    const project = version ? await this.issues.findProject(String(version.projectId)) : undefined;
    if (!version || !project || !(await this.issues.canSee(actor, project))) {
      throw new AppError('not_found', 'version_not_found', `Could not find version for id '${id}'`);
    }
    return { ...version, project };
  }

  async createVersion(actor: Actor, input: NewVersionInput): Promise<VersionView> {
    const project = await this.administrableProject(actor, input);
    const errors: Record<string, string> = {};
    const name = input.name.trim();
    if (name === '' || name.length > 255) errors['name'] = 'The version name must be 1 to 255 characters.';
    const releaseDate = input.releaseDate?.trim() || null;
    if (releaseDate !== null && !/^\d{4}-\d{2}-\d{2}$/.test(releaseDate)) errors['releaseDate'] = 'The release date must be YYYY-MM-DD.';
    if (Object.keys(errors).length > 0) throw validationError(errors);
    try {
      const version = await this.parts.insertVersion({
        projectId: project.id, name, description: input.description ?? '', released: input.released ?? false,
        archived: input.archived ?? false, releaseDate, createdAt: this.ctx.clock(),
      });
      return { ...version, project };
    } catch (err) {
      if (this.ctx.dialect.isUniqueViolation(err)) throw validationError({ name: `A version with this name already exists in this project.` });
      throw err;
    }
  }

  // --- users ---

  /** `user/search`: any signed-in user may look users up (Jira's "Browse users"). */
  async searchUsers(_actor: Actor, search: UserSearch): Promise<UserRecord[]> {
    return this.users.search(search);
  }

  // --- helpers ---

  private async existingProject(idOrKey: string): Promise<ProjectRecord> {
    const project = await this.issues.findProject(idOrKey);
    if (!project) throw projectNotFound(idOrKey);
    return project;
  }

  private async visibleProject(actor: Actor, idOrKey: string): Promise<ProjectRecord> {
    const project = await this.issues.findProject(idOrKey);
    if (!project || !(await this.issues.canSee(actor, project))) throw projectNotFound(idOrKey);
    return project;
  }

  /** The project a component or version is for: 404 when invisible, 403 without the project admin role. */
  private async administrableProject(actor: Actor, ref: ProjectRef): Promise<ProjectRecord> {
    const idOrKey = ref.projectId?.trim() || ref.project?.trim();
    if (!idOrKey) throw validationError({ project: 'Specify the project by key (project) or id (projectId).' });
    const project = await this.visibleProject(actor, idOrKey);
    if (!(await this.issues.permissions.canAdminister(actor, project))) {
      throw new AppError('forbidden', 'project_admin_required', 'You must be an administrator of this project to change its components and versions.');
    }
    return project;
  }

  private async componentViews(project: ProjectRecord, components: ProjectComponent[]): Promise<ComponentView[]> {
    const leads = await this.reference.usersByIds(components.flatMap((c) => (c.leadId === null ? [] : [c.leadId])));
    return components.map((c) => ({ ...c, project, lead: c.leadId === null ? undefined : leads.get(c.leadId) }));
  }
}

function projectNotFound(idOrKey: string): AppError {
  const ref = parseIdOrKey(idOrKey);
  const what = ref.kind === 'id' ? `id '${ref.id}'` : `key '${ref.key}'`;
  return new AppError('not_found', 'project_not_found', `No project could be found with ${what}.`);
}
