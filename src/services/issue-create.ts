// The fields of a new issue beyond project, type, summary, description and priority: people, labels,
// components, fix versions, due date, environment and the parent of a sub-task (same project, not itself a
// sub-task). Records every problem in `errors`; the caller refuses the create when there are any.
import type { IssueFieldRepository, NewIssueExtras } from '../storage/issue-field-repository.js';
import type { ReferenceRepository } from '../storage/reference-repository.js';
import { checkDueDate, checkLabels, checkRefs, checkUser, type EditContext } from './issue-edits.js';
import { MESSAGES, normaliseDescription, type CreateIssueInput, type Ref } from './issue-input.js';
import type { IssueRecord, IssueTypeRecord, ProjectRecord, UserRecord } from './issue-records.js';
import type { Catalogue } from '../storage/reference-repository.js';

export interface CreateExtras {
  assigneeId: number | null;
  reporterId: number | null;
  dueDate: string | null;
  environment: string | null;
  parentId: number | null;
  extras: NewIssueExtras;
}

export async function resolveCreateExtras(input: CreateIssueInput, actorId: number, project: ProjectRecord,
  issueType: IssueTypeRecord, catalogue: Catalogue, repos: { fields: IssueFieldRepository; reference: ReferenceRepository },
  findIssue: (ref: Ref) => Promise<IssueRecord | undefined>, errors: Record<string, string>): Promise<CreateExtras> {
  const names = [input.assignee, input.reporter].filter((n): n is string => typeof n === 'string' && n !== '-1');
  const [components, versions, named, lead] = await Promise.all([
    repos.fields.componentsOf(project.id), repos.fields.versionsOf(project.id),
    Promise.all(names.map((n) => repos.reference.userByName(n))), repos.reference.usersByIds([project.leadId]),
  ]);
  const ctx: EditContext = {
    catalogue, project, components, versions, usersById: lead,
    usersByName: new Map(named.filter((u): u is UserRecord => u !== undefined).map((u) => [u.username.toLowerCase(), u])),
  };
  const assignee = checkUser('assignee', input.assignee, ctx, errors);
  const reporter = input.reporter === undefined ? undefined : checkUser('reporter', input.reporter, ctx, errors);
  const parentId = await checkParent(input.parent, project, issueType, catalogue, findIssue, errors);
  return {
    assigneeId: assignee?.id ?? null,
    reporterId: reporter === undefined ? actorId : reporter?.id ?? null,
    dueDate: checkDueDate(input.dueDate, errors) ?? null,
    environment: normaliseDescription(input.environment) ?? null,
    parentId,
    extras: {
      labels: checkLabels(input.labels ?? [], errors),
      componentIds: [...new Set(checkRefs('components', input.components ?? [], components, errors).map((c) => c.id))],
      versionIds: [...new Set(checkRefs('fixVersions', input.fixVersions ?? [], versions, errors).map((v) => v.id))],
    },
  };
}

async function checkParent(ref: Ref | undefined, project: ProjectRecord, issueType: IssueTypeRecord, catalogue: Catalogue,
  findIssue: (ref: Ref) => Promise<IssueRecord | undefined>, errors: Record<string, string>): Promise<number | null> {
  const given = ref !== undefined && (ref.id !== undefined || ref.key !== undefined);
  if (!issueType.subtask) {
    if (given) errors['parent'] = MESSAGES.parentNotAllowed;
    return null;
  }
  if (!given) {
    errors['issuetype'] = MESSAGES.parentRequired;
    return null;
  }
  const parent = await findIssue(ref);
  const parentType = parent && catalogue.issueTypes.find((t) => t.id === parent.issueTypeId);
  if (!parent || parent.projectId !== project.id || !parentType || parentType.subtask) {
    errors['parent'] = MESSAGES.parentInvalid;
    return null;
  }
  return parent.id;
}
