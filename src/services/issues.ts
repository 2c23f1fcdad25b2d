// The issue tracker's use cases: projects, issues, comments and the (for now tiny) search, for one acting
// user. Permission questions go through canSee/canEdit only, so project membership (next issue) changes one
// place. Returns views free of any wire format; src/http/jira renders them as Jira JSON.
import { parseIdOrKey, isValidProjectKey } from '../domain/issue-key.js';
import { parseSearchQuery, type JqlQuery } from '../domain/search-query.js';
import { AppError } from '../errors/app-error.js';
import { CommentRepository } from '../storage/comment-repository.js';
import { IssueRepository, type IssueFilter, type IssueOrder } from '../storage/issue-repository.js';
import { ProjectRepository } from '../storage/project-repository.js';
import { ReferenceRepository, type Catalogue } from '../storage/reference-repository.js';
import type { ServiceContext } from './context.js';
import { seedDemoProject } from './demo-seed.js';
import {
  checkIssueType, checkPriority, checkSummary, MESSAGES, normaliseDescription, validationError,
  type CreateIssueInput, type EditIssueInput,
} from './issue-input.js';
import type { Actor, CommentView, IssueRecord, IssueView, Page, ProjectRecord, ProjectView, UserRecord } from './issue-records.js';
import { must, toCommentView, toIssueView } from './issue-views.js';

export type { CreateIssueInput, EditIssueInput, Ref } from './issue-input.js';

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
  /** false: an unknown project gives a warning and no results instead of a 400 (Jira's validateQuery). */
  validateQuery: boolean;
  withComments: boolean;
}

export interface SearchResult extends Page<IssueView> {
  warningMessages: string[];
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
  }

  now(): number {
    return this.ctx.clock();
  }

  // --- permissions: the one place the next issue (project membership) changes ---

  async canSee(_actor: Actor, _project: ProjectRecord): Promise<boolean> {
    return true; // every authenticated user sees every project until projects have members
  }

  async canEdit(actor: Actor, project: ProjectRecord): Promise<boolean> {
    return this.canSee(actor, project);
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
      return await this.projects.insert({
        key, name, description: input.description ?? '', leadId: input.leadUserId, createdAt: this.now(),
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
    return this.issues.create({
      projectId: project.id,
      issueTypeId: issueType.id,
      summary,
      description: normaliseDescription(input.description) ?? null,
      priorityId: priority.id,
      statusId: status.id,
      reporterId: actor.userId,
      creatorId: actor.userId,
      assigneeId: null,
      createdAt: this.now(),
    });
  }

  async getIssue(actor: Actor, idOrKey: string, options: { withComments: boolean }): Promise<IssueView> {
    const { issue } = await this.findVisibleIssue(actor, idOrKey);
    const [view] = await this.toIssueViews([issue], options.withComments);
    return view as IssueView;
  }

  async editIssue(actor: Actor, idOrKey: string, input: EditIssueInput): Promise<void> {
    const { issue } = await this.findEditableIssue(actor, idOrKey);
    const errors: Record<string, string> = {};
    const summary = input.summary === undefined ? undefined : checkSummary(input.summary, errors);
    const priority = input.priority === undefined ? undefined
      : checkPriority((await this.reference.catalogue()).priorities, input.priority, errors);
    if (Object.keys(errors).length > 0) throw validationError(errors);
    if (summary === undefined && input.description === undefined && priority === undefined) return;
    await this.issues.update(issue.id, {
      summary, description: normaliseDescription(input.description), priorityId: priority?.id,
    }, this.now());
  }

  async deleteIssue(actor: Actor, idOrKey: string): Promise<void> {
    const { issue } = await this.findEditableIssue(actor, idOrKey);
    await this.issues.delete(issue.id);
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

  // --- search ---

  async search(actor: Actor, request: SearchRequest): Promise<SearchResult> {
    const query = parseSearchQuery(request.jql);
    const warningMessages: string[] = [];
    const filter = await this.filterFor(actor, query, request.validateQuery, warningMessages);
    const order: IssueOrder = { field: 'created', direction: query.orderBy[0]?.direction ?? 'desc' };
    const [total, records] = await Promise.all([
      this.issues.count(filter),
      this.issues.page(filter, order, request.startAt, request.maxResults),
    ]);
    const items = await this.toIssueViews(records, request.withComments);
    return { startAt: request.startAt, maxResults: request.maxResults, total, items, warningMessages };
  }

  private async filterFor(actor: Actor, query: JqlQuery, validate: boolean, warnings: string[]): Promise<IssueFilter> {
    if (!query.where) return { projectIds: (await this.visibleProjects(actor)).map((p) => p.id) };
    const value = query.where.operand.value;
    const project = await this.findProjectForQuery(value);
    if (project && (await this.canSee(actor, project))) return { projectIds: [project.id] };
    // An invisible project reads exactly like a missing one.
    const message = `The value '${value}' does not exist for the field 'project'.`;
    if (validate) throw new AppError('bad_request', 'jql_invalid_value', message);
    warnings.push(message);
    return { projectIds: [] };
  }

  /** JQL's project clause takes a key, an id or a name. */
  private async findProjectForQuery(value: string): Promise<ProjectRecord | undefined> {
    const byKeyOrId = await this.findProject(value);
    if (byKeyOrId) return byKeyOrId;
    const wanted = value.trim().toLowerCase();
    return (await this.projects.list()).find((p) => p.name.toLowerCase() === wanted);
  }

  // --- helpers ---

  private async visibleProjects(actor: Actor): Promise<ProjectRecord[]> {
    const all = await this.projects.list();
    const visible = await Promise.all(all.map((p) => this.canSee(actor, p)));
    return all.filter((_, i) => visible[i]);
  }

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

  private async toIssueViews(records: IssueRecord[], withComments: boolean): Promise<IssueView[]> {
    if (records.length === 0) return [];
    const ids = records.map((r) => r.id);
    const [catalogue, projects, comments] = await Promise.all([
      this.reference.catalogue(),
      this.projects.findByIds(records.map((r) => r.projectId)),
      withComments ? this.comments.allForIssues(ids) : Promise.resolve(null),
    ]);
    const userIds = records.flatMap((r) => [r.reporterId, r.creatorId, r.assigneeId]).filter((id): id is number => id !== null);
    for (const list of comments?.values() ?? []) userIds.push(...list.map((c) => c.authorId));
    const users = await this.reference.usersByIds(userIds);
    return records.map((r) => toIssueView(r, catalogue, projects, users, comments));
  }
}
