// Turns an edit (fields and update operations) into one IssueWrite: the new column values, the new sets of
// labels / components / fix versions, comments to add, and the changelog items of every field that changed.
// Collects every field problem before answering, as Jira does. Pure over what the caller loaded.
import type { ChangeItem } from '../storage/changelog-repository.js';
import type { IssueColumns, IssueWrite } from '../storage/issue-field-repository.js';
import type { Catalogue } from '../storage/reference-repository.js';
import { checkPriority, checkSummary, findByIdOrName, MESSAGES, normaliseDescription, type EditIssueInput, type ListEdit, type Ref } from './issue-input.js';
import type { ComponentRecord, IssueExtras, IssueRecord, ProjectRecord, UserRecord, VersionRecord } from './issue-records.js';

/** What the planner needs to know, loaded by the caller. */
export interface EditContext {
  catalogue: Catalogue;
  project: ProjectRecord;
  components: ComponentRecord[];
  versions: VersionRecord[];
  /** Users named in the input and the issue's current assignee / reporter, by username (lower-case) and id. */
  usersByName: Map<string, UserRecord>;
  usersById: Map<number, UserRecord>;
}

type Errors = Record<string, string>;

export const LABEL_MAX_LENGTH = 255;

export function checkDueDate(value: string | null | undefined, errors: Errors): string | null | undefined {
  if (value === undefined || value === null) return value;
  const trimmed = value.trim();
  if (trimmed === '') return null;
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(trimmed);
  const date = match ? new Date(`${trimmed}T00:00:00Z`) : undefined;
  if (!date || Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== trimmed) {
    errors['duedate'] = MESSAGES.dueDateInvalid;
    return undefined;
  }
  return trimmed;
}

export function checkLabels(labels: string[], errors: Errors): string[] {
  for (const label of labels) {
    if (label.trim() === '' || /\s/.test(label)) errors['labels'] = `The label '${label}' contains spaces which is invalid.`;
    else if (label.length > LABEL_MAX_LENGTH) errors['labels'] = `The label '${label.slice(0, 20)}…' is longer than ${LABEL_MAX_LENGTH} characters.`;
  }
  return [...new Set(labels)].sort();
}

/** Usernames resolved; null keeps "nobody"; '-1' for the assignee is the project lead. */
export function checkUser(field: string, name: string | null | undefined, ctx: EditContext, errors: Errors): UserRecord | null | undefined {
  if (name === undefined || name === null) return name;
  if (field === 'assignee' && name === '-1') return ctx.usersById.get(ctx.project.leadId) ?? null;
  const user = ctx.usersByName.get(name.toLowerCase());
  if (!user || !user.active) errors[field] = `User '${name}' does not exist.`;
  return user && user.active ? user : undefined;
}

export function checkRefs<T extends { id: number; name: string }>(field: string, refs: Ref[], items: T[], errors: Errors): T[] {
  const found: T[] = [];
  for (const ref of refs) {
    const item = findByIdOrName(items.map((i) => ({ ...i, id: String(i.id) })), ref);
    const name = ref.name ?? ref.id ?? '';
    if (!item) errors[field] = ref.id !== undefined ? `${kind(field)} with id '${name}' does not exist.` : `${kind(field)} name '${name}' is not valid`;
    else found.push(items.find((i) => String(i.id) === item.id)!);
  }
  return found;
}

const kind = (field: string) => (field === 'components' ? 'Component' : 'Version');

function applyList<T>(current: T[], edit: ListEdit<T> | undefined, same: (a: T, b: T) => boolean): T[] | undefined {
  if (!edit) return undefined;
  let next = edit.set ? [...edit.set] : [...current];
  for (const item of edit.add) if (!next.some((n) => same(n, item))) next.push(item);
  next = next.filter((n) => !edit.remove.some((r) => same(n, r)));
  return next;
}

export function planEdit(issue: IssueRecord, extras: IssueExtras, input: EditIssueInput, ctx: EditContext, errors: Errors):
  Omit<IssueWrite, 'actorId' | 'at'> {
  const columns: IssueColumns = {};
  const changes: ChangeItem[] = [];
  const text = (field: string, from: string | null, to: string | null) =>
    changes.push({ field, fieldType: 'jira', from: null, fromString: from, to: null, toString: to });

  if (input.summary !== undefined) {
    const summary = checkSummary(input.summary, errors);
    if (summary !== undefined && summary !== issue.summary) { columns.summary = summary; text('summary', issue.summary, summary); }
  }
  const description = normaliseDescription(input.description);
  if (description !== undefined && description !== issue.description) {
    columns.description = description;
    text('description', issue.description, description);
  }
  const environment = normaliseDescription(input.environment);
  if (environment !== undefined && environment !== issue.environment) {
    columns.environment = environment;
    text('environment', issue.environment, environment);
  }
  const dueDate = checkDueDate(input.dueDate, errors);
  if (dueDate !== undefined && dueDate !== issue.dueDate) {
    columns.due_date = dueDate;
    changes.push({ field: 'duedate', fieldType: 'jira', from: issue.dueDate, fromString: issue.dueDate, to: dueDate, toString: dueDate });
  }
  if (input.priority !== undefined) {
    const priority = checkPriority(ctx.catalogue.priorities, input.priority, errors);
    if (priority && priority.id !== issue.priorityId) {
      const old = ctx.catalogue.priorities.find((p) => p.id === issue.priorityId);
      columns.priority_id = priority.id;
      changes.push({ field: 'priority', fieldType: 'jira', from: issue.priorityId, fromString: old?.name ?? null, to: priority.id, toString: priority.name });
    }
  }
  for (const field of ['assignee', 'reporter'] as const) {
    const user = checkUser(field, input[field], ctx, errors);
    const currentId = field === 'assignee' ? issue.assigneeId : issue.reporterId;
    if (user === undefined || (user?.id ?? null) === currentId) continue;
    columns[field === 'assignee' ? 'assignee_id' : 'reporter_id'] = user?.id ?? null;
    changes.push(userChange(field, currentId === null ? undefined : ctx.usersById.get(currentId), user));
  }

  const labels = input.labels ? applyList(extras.labels, {
    set: input.labels.set && checkLabels(input.labels.set, errors),
    add: checkLabels(input.labels.add, errors), remove: input.labels.remove,
  }, (a, b) => a === b) : undefined;
  const sortedLabels = labels ? [...new Set(labels)].sort() : undefined;
  if (sortedLabels && sortedLabels.join(' ') !== extras.labels.join(' ')) {
    changes.push({ field: 'labels', fieldType: 'jira', from: null, fromString: extras.labels.join(' ') || null, to: null, toString: sortedLabels.join(' ') || null });
  }
  const components = setEdit('components', 'Component', extras.components, input.components, ctx.components, errors, changes);
  const versions = setEdit('fixVersions', 'Fix Version', extras.fixVersions, input.fixVersions, ctx.versions, errors, changes);
  for (const body of input.comments ?? []) if (body.trim() === '') errors['comment'] = MESSAGES.commentEmpty;
  return {
    columns, changes, comments: input.comments ?? [],
    labels: sortedLabels && sortedLabels.join(' ') !== extras.labels.join(' ') ? sortedLabels : undefined,
    componentIds: components?.map((c) => c.id), versionIds: versions?.map((v) => v.id),
  };
}

export function userChange(field: string, from: UserRecord | undefined, to: UserRecord | null): ChangeItem {
  return { field, fieldType: 'jira', from: from?.username ?? null, fromString: from?.displayName ?? null, to: to?.username ?? null, toString: to?.displayName ?? null };
}

/** The new set (undefined when unchanged), with one changelog item per entry added or removed. */
function setEdit<T extends { id: number; name: string }>(field: string, logName: string, current: T[], edit: ListEdit<Ref> | undefined,
  available: T[], errors: Errors, changes: ChangeItem[]): T[] | undefined {
  if (!edit) return undefined;
  const resolved = {
    set: edit.set && checkRefs(field, edit.set, available, errors),
    add: checkRefs(field, edit.add, available, errors),
    remove: checkRefs(field, edit.remove, available, errors),
  };
  const next = applyList(current, resolved, (a, b) => a.id === b.id) ?? current;
  const removed = current.filter((c) => !next.some((n) => n.id === c.id));
  const added = next.filter((n) => !current.some((c) => c.id === n.id));
  for (const r of removed) changes.push({ field: logName, fieldType: 'jira', from: String(r.id), fromString: r.name, to: null, toString: null });
  for (const a of added) changes.push({ field: logName, fieldType: 'jira', from: null, fromString: null, to: String(a.id), toString: a.name });
  return removed.length + added.length > 0 ? next : undefined;
}
