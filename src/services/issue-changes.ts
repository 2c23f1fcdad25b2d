// Changes to existing issues beyond create: edit (fields and update operations), assign, workflow
// transitions (the workflow is data: table workflow_transitions), delete with sub-tasks, comment edits, the
// changelog. Every change is one transaction that also writes its changelog group (IssueFieldRepository.apply).
import { AppError } from '../errors/app-error.js';
import { ChangelogRepository } from '../storage/changelog-repository.js';
import { IssueFieldRepository } from '../storage/issue-field-repository.js';
import { ReferenceRepository } from '../storage/reference-repository.js';
import type { ServiceContext } from './context.js';
import { planEdit, type EditContext } from './issue-edits.js';
import { findByIdOrName, validationError, type EditIssueInput, type Ref } from './issue-input.js';
import type { Actor, ChangeGroupView, IssueRecord, ProjectRecord, TransitionRecord, UserRecord } from './issue-records.js';

export interface IssueFinder {
  findVisible(actor: Actor, idOrKey: string): Promise<{ issue: IssueRecord; project: ProjectRecord }>;
  findEditable(actor: Actor, idOrKey: string): Promise<{ issue: IssueRecord; project: ProjectRecord }>;
}

export interface TransitionInput {
  transitionId: string;
  resolution?: Ref;
  edit: EditIssueInput;
}

export class IssueChangeService {
  readonly fields: IssueFieldRepository;
  private readonly reference: ReferenceRepository;
  private readonly changelog: ChangelogRepository;

  constructor(private readonly ctx: ServiceContext, private readonly finder: IssueFinder) {
    this.fields = new IssueFieldRepository(ctx.db);
    this.reference = new ReferenceRepository(ctx.db);
    this.changelog = new ChangelogRepository(ctx.db);
  }

  async edit(actor: Actor, idOrKey: string, input: EditIssueInput): Promise<void> {
    const { issue, project } = await this.finder.findEditable(actor, idOrKey);
    await this.applyEdit(actor, issue, project, input, undefined);
  }

  async assign(actor: Actor, idOrKey: string, username: string | null): Promise<void> {
    const { issue, project } = await this.finder.findEditable(actor, idOrKey);
    await this.applyEdit(actor, issue, project, { assignee: username }, undefined);
  }

  /** The transitions available from the issue's status, in workflow order. */
  async transitionsFor(actor: Actor, idOrKey: string): Promise<TransitionRecord[]> {
    const { issue } = await this.finder.findVisible(actor, idOrKey);
    return this.available(issue);
  }

  async transition(actor: Actor, idOrKey: string, input: TransitionInput): Promise<void> {
    const { issue, project } = await this.finder.findEditable(actor, idOrKey);
    const transition = (await this.available(issue)).find((t) => t.id === input.transitionId);
    if (!transition) {
      throw validationError({ transition: `Transition id '${input.transitionId}' is not valid for this issue.` });
    }
    await this.applyEdit(actor, issue, project, input.edit, { transition, resolution: input.resolution });
  }

  async changelogOf(issueId: number): Promise<ChangeGroupView[]> {
    const groups = await this.changelog.forIssue(issueId);
    const users = await this.reference.usersByIds(groups.flatMap((g) => (g.authorId === null ? [] : [g.authorId])));
    return groups.map((g) => ({ id: g.id, author: g.authorId === null ? null : users.get(g.authorId) ?? null, createdAt: g.createdAt, items: g.items }));
  }

  /** Jira refuses to delete an issue with sub-tasks unless deleteSubtasks is true. */
  async delete(actor: Actor, idOrKey: string, deleteSubtasks: boolean): Promise<void> {
    const { issue } = await this.finder.findEditable(actor, idOrKey);
    const subtasks = (await this.fields.subtaskIdsOf([issue.id])).get(issue.id) ?? [];
    if (subtasks.length > 0 && !deleteSubtasks) {
      throw new AppError('bad_request', 'issue_has_subtasks',
        `The issue '${issue.key}' has sub-tasks: delete them first, or pass deleteSubtasks=true.`);
    }
    await this.fields.deleteIssues([...subtasks, issue.id]);
  }

  /** The author, a project admin or a Tessera admin may change or delete a comment. */
  checkCommentOwner(actor: Actor, authorId: number, administers: boolean): void {
    if (actor.userId === authorId || administers) return; // administers: project admin or Tessera admin, as the database says
    throw new AppError('forbidden', 'comment_not_editable', 'You do not have the permission to edit or delete this comment.');
  }

  private async available(issue: IssueRecord): Promise<TransitionRecord[]> {
    return (await this.fields.transitions()).filter((t) => t.fromStatusId === null || t.fromStatusId === issue.statusId);
  }

  private async applyEdit(actor: Actor, issue: IssueRecord, project: ProjectRecord, input: EditIssueInput,
    move: { transition: TransitionRecord; resolution: Ref | undefined } | undefined): Promise<void> {
    const [catalogue, components, versions, extras] = await Promise.all([
      this.reference.catalogue(), this.fields.componentsOf(project.id), this.fields.versionsOf(project.id),
      this.fields.extrasFor([issue.id]),
    ]);
    const names = [input.assignee, input.reporter].filter((n): n is string => typeof n === 'string' && n !== '-1');
    const named = await Promise.all(names.map((n) => this.reference.userByName(n)));
    const usersById = await this.reference.usersByIds([project.leadId, issue.assigneeId, issue.reporterId]
      .filter((id): id is number => id !== null));
    const ctx: EditContext = {
      catalogue, project, components, versions, usersById,
      usersByName: new Map(named.filter((u): u is UserRecord => u !== undefined).map((u) => [u.username.toLowerCase(), u])),
    };
    const errors: Record<string, string> = {};
    const plan = planEdit(issue, extras.get(issue.id) ?? { labels: [], components: [], fixVersions: [] }, input, ctx, errors);
    if (move) await this.planMove(issue, move.transition, move.resolution, plan, errors);
    if (Object.keys(errors).length > 0) throw validationError(errors);
    const touched = plan.changes.length > 0 || plan.comments.length > 0;
    if (!touched) return;
    await this.fields.apply(issue, { ...plan, actorId: actor.userId, at: this.ctx.clock() });
  }

  /** Status change; into a `done` status sets the resolution (default Done), out of one clears it. */
  private async planMove(issue: IssueRecord, transition: TransitionRecord, resolutionRef: Ref | undefined,
    plan: ReturnType<typeof planEdit>, errors: Record<string, string>): Promise<void> {
    const { statuses } = await this.reference.catalogue();
    const resolutions = await this.fields.resolutions();
    const from = statuses.find((s) => s.id === issue.statusId);
    const to = statuses.find((s) => s.id === transition.toStatusId);
    if (!to) throw new Error(`integrity: transition ${transition.id} leads to a missing status`);
    if (to.id !== issue.statusId) {
      plan.columns.status_id = to.id;
      plan.changes.unshift({ field: 'status', fieldType: 'jira', from: issue.statusId, fromString: from?.name ?? null, to: to.id, toString: to.name });
    }
    const current = resolutions.find((r) => r.id === issue.resolutionId);
    let next = to.categoryKey === 'done' ? current : undefined;
    if (to.categoryKey === 'done' && (resolutionRef || !current)) {
      next = findByIdOrName(resolutions, resolutionRef ?? { name: 'Done' });
      if (!next) errors['resolution'] = `The resolution '${resolutionRef?.name ?? resolutionRef?.id ?? ''}' does not exist.`;
    } else if (resolutionRef) {
      errors['resolution'] = 'A resolution can only be set on a move into a done status.';
    }
    if ((next?.id ?? null) !== issue.resolutionId) {
      plan.columns.resolution_id = next?.id ?? null;
      plan.columns.resolved_at = next ? this.ctx.clock() : null;
      plan.changes.push({ field: 'resolution', fieldType: 'jira', from: current?.id ?? null, fromString: current?.name ?? null, to: next?.id ?? null, toString: next?.name ?? null });
    }
  }
}
