// The issue tracker's use cases: projects, issues, comments and JQL search, for one acting
// user. Permission questions go through canSee/canEdit only, so project membership (next issue) changes one
// place. Returns views free of any wire format; src/http/jira renders them as Jira JSON.
import { parseIdOrKey, isValidProjectKey } from '../domain/issue-key.js';
import { parseJql } from '../domain/jql/parser.js';
import { AppError } from '../errors/app-error.js';
import { CommentRepository } from '../storage/comment-repository.js';
import { IssueRepository, toIssue } from '../storage/issue-repository.js';
import { searchIssues } from '../storage/issue-search.js';
import { MemberRepository } from '../storage/member-repository.js';
import { ProjectRepository } from '../storage/project-repository.js';
import { ReferenceRepository, type Catalogue } from '../storage/reference-repository.js';
import type { ServiceContext } from './context.js';
import { seedDemoProject } from './demo-seed.js';
import { IssueChangeService, type TransitionInput } from './issue-changes.js';
import { resolveCreateExtras } from './issue-create.js';
import { PermissionService } from './permissions.js';
import {
  checkIssueType, checkPriority, checkSummary, MESSAGES, normaliseDescription, validationError,
  type CreateIssueInput, type EditIssueInput,
} from './issue-input.js';
import type {
  Actor, ChangeGroupView, CommentView, ComponentRecord, IssueRecord, IssueView, Page, ProjectRecord, ProjectView, ResolutionRecord, TransitionRecord,
  UserRecord, VersionRecord,
} from './issue-records.js';
import { must, toCommentView, toIssueView, type IssueRelations } from './issue-views.js';

export type { CreateIssueInput, EditIssueInput, Ref } from './issue-input.js';
export type { TransitionInput } from './issue-changes.js';

export interface NewProjectInput {
  key: string;
  name: string;
  leadUserId: number;
  description?: string;
}

export interface SearchRequest {
  jql: string;
  startAt: number;
  maxResults: number;
  /** false: an unknown JQL value gives a warning and matches nothing instead of a 400 (Jira's validateQuery). */
  validateQuery: boolean;
  withComments: boolean;
  /** Description and environment (default true); false leaves them null, for callers that show neither. */
  withText?: boolean;
  /** Labels, components and fix versions (default true); false leaves them empty, for callers that show none. */
  withSets?: boolean;
  /** Parent and sub-task links (default true); false leaves them empty, for callers that show neither. */
  withLinks?: boolean;
}

/** What an issue view is built with beyond its row and the reference data it points at. */
interface ViewParts {
  comments: boolean;
  sets: boolean;
  links: boolean;
}

const FULL_VIEW: ViewParts = { comments: false, sets: true, links: true };

export interface SearchResult extends Page<IssueView> {
  warningMessages: string[];
}

export interface CreateMetaProject {
  project: ProjectRecord;
  components: ComponentRecord[];
  versions: VersionRecord[];
}

export interface PageRequest {
  startAt: number;
  maxResults: number;
}

export class IssueService {
  private readonly projects: ProjectRepository;
  private readonly issues: IssueRepository;
  private readonly comments: CommentRepository;
  private readonly reference: ReferenceRepository;

  constructor(private readonly ctx: ServiceContext) {
    this.projects = new ProjectRepository(ctx.db);
    this.issues = new IssueRepository(ctx.db);
    this.comments = new CommentRepository(ctx.db);
    this.reference = new ReferenceRepository(ctx.db);
    this.permissions = new PermissionService(ctx);
    this.changes = new IssueChangeService(ctx, {
      findVisible: (actor, idOrKey) => this.findVisibleIssue(actor, idOrKey),
      findEditable: (actor, idOrKey) => this.findEditableIssue(actor, idOrKey),
    });
  }

  /** Edits, transitions, assignment, sub-task deletes and the changelog (src/services/issue-changes.ts). */
  readonly changes: IssueChangeService;

  now(): number {
    return this.ctx.clock();
  }

  // --- permissions: the rules live in PermissionService (src/services/permissions.ts) ---

  /** Project membership and roles; also used by the project, component and version use cases. */
  readonly permissions: PermissionService;

  /** Any role in the project (or a lead, or an administrator): read. */
  async canSee(actor: Actor, project: ProjectRecord): Promise<boolean> {
    return this.permissions.canSee(actor, project);
  }

  /** The member role or more: create, edit, comment, transition. */
  async canEdit(actor: Actor, project: ProjectRecord): Promise<boolean> {
    return this.permissions.canEdit(actor, project);
  }

  /** The projects the actor can see, by key: searches restrict themselves to these. */
  async visibleProjects(actor: Actor): Promise<ProjectRecord[]> {
    return this.permissions.visibleProjects(actor);
  }

  // --- users and projects ---

  async getUser(userId: number): Promise<UserRecord> {
    const user = await this.reference.userById(userId);
    if (!user) throw new AppError('not_found', 'user_not_found', 'The user does not exist.');
    return user;
  }

  /** A user by name (Jira Server names users by username). Unknown and inactive-hidden alike: 404. */
  async getUserByName(username: string): Promise<UserRecord> {
    const user = await this.reference.userByName(username);
    if (!user) throw new AppError('not_found', 'user_not_found', `The user named '${username}' does not exist.`);
    return user;
  }

  /** Issue types, priorities and statuses: the reference data every issue points at. */
  catalogue(): Promise<Catalogue> {
    return this.reference.catalogue();
  }

  async listProjects(actor: Actor): Promise<ProjectView[]> {
    const visible = await this.visibleProjects(actor);
    return this.toProjectViews(visible);
  }

  async getProject(actor: Actor, idOrKey: string): Promise<ProjectView> {
    const project = await this.findProject(idOrKey);
    if (!project || !(await this.canSee(actor, project))) {
      const ref = parseIdOrKey(idOrKey);
      const what = ref.kind === 'id' ? `id '${ref.id}'` : `key '${ref.key}'`;
      throw new AppError('not_found', 'project_not_found', `No project could be found with ${what}.`);
    }
    const [view] = await this.toProjectViews([project]);
    return view as ProjectView;
  }

  async createProject(input: NewProjectInput): Promise<ProjectRecord> {
    const errors: Record<string, string> = {};
    const key = input.key.trim();
    if (!isValidProjectKey(key)) {
      errors['projectKey'] = 'Project keys must start with an uppercase letter, followed by 1 to 9 uppercase letters, digits or underscores.';
    }
    const name = input.name.trim();
    if (name === '') errors['projectName'] = 'You must specify a valid project name.';
    if (!(await this.reference.userById(input.leadUserId))) errors['projectLead'] = 'The project lead does not exist.';
    if (Object.keys(errors).length > 0) throw validationError(errors);
    try {
      // The lead is a project admin: the membership row is written with the project, in one transaction.
      return await this.ctx.db.transaction().execute(async (trx) => {
        const project = await new ProjectRepository(trx).insert({
          key, name, description: input.description ?? '', leadId: input.leadUserId, createdAt: this.now(),
        });
        await new MemberRepository(trx).setRole(project.id, project.leadId, 'admin');
        return project;
      });
    } catch (err) {
      if (this.ctx.dialect.isUniqueViolation(err)) throw validationError({ projectKey: `Project '${key}' uses this project key.` });
      throw err;
    }
  }

  /** Creates project DEMO with a few issues and a comment, once; later calls return the existing project. */
  async seedDemo(adminUserId: number): Promise<ProjectRecord> {
    return seedDemoProject(this, adminUserId);
  }

  async findProject(idOrKey: string): Promise<ProjectRecord | undefined> {
    const ref = parseIdOrKey(idOrKey);
    return ref.kind === 'id' ? this.projects.findById(ref.id) : this.projects.findByKey(ref.key);
  }

  // --- issues ---

  async createIssue(actor: Actor, input: CreateIssueInput): Promise<IssueRecord> {
    const errors: Record<string, string> = {};
    const catalogue = await this.reference.catalogue();
    const project = await this.checkProjectForCreate(actor, input, errors);
    const issueType = checkIssueType(catalogue.issueTypes, input.issueType, errors);
    const summary = checkSummary(input.summary, errors);
    const priority = checkPriority(catalogue.priorities, input.priority, errors);
    const status = catalogue.statuses[0]; // the first status by position: "To Do"
    if (!project || !issueType || !summary || !priority || !status) throw validationError(errors);
    const more = await resolveCreateExtras(input, actor.userId, project, issueType, catalogue,
      { fields: this.changes.fields, reference: this.reference }, (ref) => this.findIssueByRef(ref), errors);
    if (Object.keys(errors).length > 0) throw validationError(errors);
    return this.issues.create({
      projectId: project.id,
      issueTypeId: issueType.id,
      summary,
      description: normaliseDescription(input.description) ?? null,
      priorityId: priority.id,
      statusId: status.id,
      reporterId: more.reporterId,
      creatorId: actor.userId,
      assigneeId: more.assigneeId,
      createdAt: this.now(),
      dueDate: more.dueDate,
      environment: more.environment,
      parentId: more.parentId,
    }, more.extras);
  }

  private async findIssueByRef(ref: { id?: string; key?: string }): Promise<IssueRecord | undefined> {
    if (ref.id !== undefined) return /^[0-9]{1,15}$/.test(ref.id.trim()) ? this.issues.findById(Number(ref.id.trim())) : undefined;
    return ref.key === undefined ? undefined : this.issues.findByKey(ref.key.trim().toUpperCase());
  }

  async getIssue(actor: Actor, idOrKey: string, options: { withComments: boolean }): Promise<IssueView> {
    const { issue } = await this.findVisibleIssue(actor, idOrKey);
    const [view] = await this.toIssueViews([issue], { ...FULL_VIEW, comments: options.withComments });
    return view as IssueView;
  }

  async editIssue(actor: Actor, idOrKey: string, input: EditIssueInput): Promise<void> {
    await this.changes.edit(actor, idOrKey, input);
  }

  /** `name` null: unassign; '-1': the project lead (Jira's automatic assignee). */
  async assignIssue(actor: Actor, idOrKey: string, username: string | null): Promise<void> {
    await this.changes.assign(actor, idOrKey, username);
  }

  async deleteIssue(actor: Actor, idOrKey: string, deleteSubtasks = false): Promise<void> {
    await this.changes.delete(actor, idOrKey, deleteSubtasks);
  }

  async listTransitions(actor: Actor, idOrKey: string): Promise<{ transitions: TransitionRecord[]; catalogue: Catalogue }> {
    const transitions = await this.changes.transitionsFor(actor, idOrKey);
    return { transitions, catalogue: await this.reference.catalogue() };
  }

  async transitionIssue(actor: Actor, idOrKey: string, input: TransitionInput): Promise<void> {
    await this.changes.transition(actor, idOrKey, input);
  }

  async issueChangelog(actor: Actor, idOrKey: string): Promise<ChangeGroupView[]> {
    const { issue } = await this.findVisibleIssue(actor, idOrKey);
    return this.changes.changelogOf(issue.id);
  }

  resolutions(): Promise<ResolutionRecord[]> {
    return this.changes.fields.resolutions();
  }

  /** Create metadata: the visible projects asked for (all when none named), with what an issue there may use. */
  async createMeta(actor: Actor, projectIdsOrKeys: string[]): Promise<{ catalogue: Catalogue; projects: CreateMetaProject[] }> {
    const visible = await this.visibleProjects(actor);
    const wanted = projectIdsOrKeys.map((v) => v.trim().toUpperCase());
    const chosen = wanted.length === 0 ? visible : visible.filter((p) => wanted.includes(p.key) || wanted.includes(String(p.id)));
    const projects = await Promise.all(chosen.map(async (project) => ({
      project, components: await this.changes.fields.componentsOf(project.id), versions: await this.changes.fields.versionsOf(project.id),
    })));
    return { catalogue: await this.reference.catalogue(), projects };
  }

  // --- comments ---

  async listComments(actor: Actor, idOrKey: string, page: PageRequest & { order: 'asc' | 'desc' }):
    Promise<Page<CommentView>> {
    const { issue } = await this.findVisibleIssue(actor, idOrKey);
    const [total, records] = await Promise.all([
      this.comments.countForIssue(issue.id),
      this.comments.pageForIssue(issue.id, page.order, page.startAt, page.maxResults),
    ]);
    const users = await this.reference.usersByIds(records.map((c) => c.authorId));
    return { startAt: page.startAt, maxResults: page.maxResults, total, items: records.map((c) => toCommentView(c, users)) };
  }

  async getComment(actor: Actor, idOrKey: string, commentId: string): Promise<CommentView> {
    const { issue } = await this.findVisibleIssue(actor, idOrKey);
    const record = /^\d{1,15}$/.test(commentId) ? await this.comments.findInIssue(issue.id, Number(commentId)) : undefined;
    if (!record) throw new AppError('not_found', 'comment_not_found', `Can not find a comment for the id: ${commentId}.`);
    return toCommentView(record, await this.reference.usersByIds([record.authorId]));
  }

  async addComment(actor: Actor, idOrKey: string, body: string): Promise<CommentView> {
    const { issue } = await this.findEditableIssue(actor, idOrKey);
    if (body.trim() === '') throw validationError({ comment: MESSAGES.commentEmpty });
    const record = await this.comments.add({ issueId: issue.id, authorId: actor.userId, body, createdAt: this.now() });
    return toCommentView(record, await this.reference.usersByIds([record.authorId]));
  }

  /** Changes a comment's body (null: deletes it); the author, a project admin or an admin may. */
  async changeComment(actor: Actor, idOrKey: string, commentId: string, body: string | null): Promise<CommentView | undefined> {
    const { project } = await this.findEditableIssue(actor, idOrKey);
    const comment = await this.getComment(actor, idOrKey, commentId);
    this.changes.checkCommentOwner(actor, comment.author.id, await this.permissions.canAdminister(actor, project));
    if (body === null) {
      await this.changes.fields.deleteComment(comment.id);
      return undefined;
    }
    if (body.trim() === '') throw validationError({ comment: MESSAGES.commentEmpty });
    await this.changes.fields.updateComment(comment.id, body, this.now());
    return this.getComment(actor, idOrKey, commentId);
  }

  // --- search ---

  /** JQL over the projects the actor can see (src/storage/issue-search.ts); syntax errors are 400s with a position. */
  async search(actor: Actor, request: SearchRequest): Promise<SearchResult> {
    const query = parseJql(request.jql);
    const warningMessages: string[] = [];
    const visibleProjectIds = (await this.visibleProjects(actor)).map((p) => p.id);
    const page = await searchIssues(this.ctx.db, query, {
      now: this.now(), actorId: actor.userId, visibleProjectIds, validate: request.validateQuery, warnings: warningMessages,
    }, request.startAt, request.maxResults, { withText: request.withText ?? true });
    const items = await this.toIssueViews(page.issues, {
      comments: request.withComments, sets: request.withSets ?? true, links: request.withLinks ?? true,
    });
    return { startAt: request.startAt, maxResults: request.maxResults, total: page.total, items, warningMessages };
  }

  // --- helpers ---

  private async checkProjectForCreate(actor: Actor, input: CreateIssueInput, errors: Record<string, string>):
    Promise<ProjectRecord | undefined> {
    const ref = input.project;
    if (!ref || (ref.id === undefined && ref.key === undefined)) {
      errors['project'] = MESSAGES.projectRequired;
      return undefined;
    }
    const project = ref.id !== undefined ? await this.findProjectById(ref.id) : await this.projects.findByKey(ref.key!.trim().toUpperCase());
    if (project && (await this.canEdit(actor, project))) return project;
    errors['project'] = MESSAGES.projectInvalid;
    return undefined;
  }

  private async findProjectById(id: string): Promise<ProjectRecord | undefined> {
    return /^[0-9]{1,15}$/.test(id.trim()) ? this.projects.findById(Number(id.trim())) : undefined;
  }

  private async findVisibleIssue(actor: Actor, idOrKey: string): Promise<{ issue: IssueRecord; project: ProjectRecord }> {
    const ref = parseIdOrKey(idOrKey);
    const issue = ref.kind === 'id' ? await this.issues.findById(ref.id) : await this.issues.findByKey(ref.key);
    const project = issue ? await this.projects.findById(issue.projectId) : undefined;
    if (!issue || !project || !(await this.canSee(actor, project))) {
      throw new AppError('not_found', 'issue_not_found', 'Issue Does Not Exist');
    }
    return { issue, project };
  }

  private async findEditableIssue(actor: Actor, idOrKey: string): Promise<{ issue: IssueRecord; project: ProjectRecord }> {
    const found = await this.findVisibleIssue(actor, idOrKey);
    if (!(await this.canEdit(actor, found.project))) {
      throw new AppError('forbidden', 'issue_not_editable', 'You do not have permission to edit issues in this project.');
    }
    return found;
  }

  private async toProjectViews(projects: ProjectRecord[]): Promise<ProjectView[]> {
    const [catalogue, users] = await Promise.all([
      this.reference.catalogue(),
      this.reference.usersByIds(projects.map((p) => p.leadId)),
    ]);
    return projects.map((p) => ({ ...p, lead: must(users.get(p.leadId), 'project lead'), issueTypes: catalogue.issueTypes }));
  }

  private async toIssueViews(records: IssueRecord[], parts: ViewParts): Promise<IssueView[]> {
    if (records.length === 0) return [];
    const ids = records.map((r) => r.id);
    const [catalogue, projects, comments] = await Promise.all([
      this.reference.catalogue(),
      this.projects.findByIds(records.map((r) => r.projectId)),
      parts.comments ? this.comments.allForIssues(ids) : Promise.resolve(null),
    ]);
    const userIds = records.flatMap((r) => [r.reporterId, r.creatorId, r.assigneeId]).filter((id): id is number => id !== null);
    for (const list of comments?.values() ?? []) userIds.push(...list.map((c) => c.authorId));
    const users = await this.reference.usersByIds(userIds);
    const relations = await this.issueRelations(records, parts);
    return records.map((r) => toIssueView(r, catalogue, projects, users, comments, relations));
  }

  /** Each part left out saves its queries: a search page showing a few columns needs none of them. */
  private async issueRelations(records: IssueRecord[], parts: ViewParts): Promise<IssueRelations> {
    const ids = records.map((r) => r.id);
    const [extras, resolutions, subtaskIds] = await Promise.all([
      parts.sets ? this.changes.fields.extrasFor(ids) : new Map(),
      this.changes.fields.resolutions(),
      parts.links ? this.changes.fields.subtaskIdsOf(ids) : new Map<number, number[]>(),
    ]);
    const parentIds = parts.links ? records.flatMap((r) => (r.parentId === null ? [] : [r.parentId])) : [];
    const linkedIds = [...parentIds, ...[...subtaskIds.values()].flat()];
    const linked = new Map((await this.changes.fields.issuesByIds(linkedIds)).map((row) => [row.id, toIssue(row)]));
    return { extras, resolutions, linked, subtaskIds };
  }
}
