// The semantic checks of issue input (required fields, references that must resolve), collecting every field
// problem before answering, as Jira does: `{"errors":{"summary":"You must specify a summary of the issue."}}`.
// Type checks of the wire format belong to the HTTP layer; this module sees typed values only.
import { AppError } from '../errors/app-error.js';
import type { IssueTypeRecord, PriorityRecord } from './issue-records.js';

/** A reference as Jira clients send it: `{"id": "10004"}`, `{"name": "Bug"}`, `{"key": "DEMO"}`. */
export interface Ref {
  id?: string;
  key?: string;
  name?: string;
}

/** Operations on a multi-valued field: `set` replaces (applied first), then `add` and `remove`. */
export interface ListEdit<T> {
  set?: T[];
  add: T[];
  remove: T[];
}

export interface CreateIssueInput {
  project?: Ref;
  issueType?: Ref;
  summary?: string;
  description?: string | null;
  priority?: Ref;
  /** Usernames; null: nobody; '-1' (assignee): the project lead, Jira's automatic assignee. */
  assignee?: string | null;
  reporter?: string | null;
  labels?: string[];
  components?: Ref[];
  fixVersions?: Ref[];
  /** YYYY-MM-DD. */
  dueDate?: string | null;
  environment?: string | null;
  /** The parent of a sub-task: `{"key"}` or `{"id"}`. */
  parent?: Ref;
}

export interface EditIssueInput {
  summary?: string;
  description?: string | null;
  priority?: Ref;
  assignee?: string | null;
  reporter?: string | null;
  dueDate?: string | null;
  environment?: string | null;
  labels?: ListEdit<string>;
  components?: ListEdit<Ref>;
  fixVersions?: ListEdit<Ref>;
  /** `update.comment: [{"add": {"body"}}]`: comments added with the change. */
  comments?: string[];
}

export const SUMMARY_MAX_LENGTH = 255;

/** Jira's messages, word for word where Jira's wording is known. */
export const MESSAGES = {
  summaryRequired: 'You must specify a summary of the issue.',
  summaryTooLong: `Summary must be less than ${SUMMARY_MAX_LENGTH} characters.`,
  summaryNewline: 'The summary is invalid because it contains newline characters.',
  projectRequired: 'project is required',
  projectInvalid: 'valid project is required',
  issueTypeRequired: 'issue type is required',
  issueTypeInvalid: 'valid issue type is required',
  parentRequired: 'Issue type is a sub-task but parent issue key or id not specified.',
  parentNotAllowed: 'Only sub-tasks have a parent: choose a sub-task issue type or leave out the parent.',
  parentInvalid: 'The parent issue does not exist, is in another project, or is itself a sub-task.',
  dueDateInvalid: "Error parsing date string: use the format 'yyyy-MM-dd'.",
  priorityInvalid: 'The priority selected is invalid.',
  commentEmpty: 'Comment body can not be empty!',
} as const;

/** A 400 whose message repeats the field errors, so clients that only show `errorMessages` say what is wrong. */
export function validationError(fields: Record<string, string>): AppError {
  const sentence = Object.entries(fields).map(([field, message]) => `${field}: ${message}`).join('; ');
  return new AppError('bad_request', 'invalid_fields', sentence, fields);
}

/** The trimmed summary, or records why it cannot be used. */
export function checkSummary(summary: string | undefined, errors: Record<string, string>): string | undefined {
  const trimmed = summary?.trim() ?? '';
  if (trimmed === '') errors['summary'] = MESSAGES.summaryRequired;
  else if (/[\r\n]/.test(trimmed)) errors['summary'] = MESSAGES.summaryNewline;
  else if (trimmed.length > SUMMARY_MAX_LENGTH) errors['summary'] = MESSAGES.summaryTooLong;
  else return trimmed;
  return undefined;
}

/** Jira stores an empty description as no description. */
export function normaliseDescription(description: string | null | undefined): string | null | undefined {
  if (description === undefined) return undefined;
  return description === null || description.trim() === '' ? null : description;
}

/** Finds by id first, then by name (case-insensitive). */
export function findByIdOrName<T extends { id: string; name: string }>(items: readonly T[], ref: Ref): T | undefined {
  if (ref.id !== undefined) return items.find((item) => item.id === ref.id);
  if (ref.name !== undefined) {
    const wanted = ref.name.trim().toLowerCase();
    return items.find((item) => item.name.toLowerCase() === wanted);
  }
  return undefined;
}

export function checkIssueType(types: readonly IssueTypeRecord[], ref: Ref | undefined, errors: Record<string, string>):
  IssueTypeRecord | undefined {
  if (!ref || (ref.id === undefined && ref.name === undefined)) {
    errors['issuetype'] = MESSAGES.issueTypeRequired;
    return undefined;
  }
  const type = findByIdOrName(types, ref);
  if (!type) errors['issuetype'] = MESSAGES.issueTypeInvalid;
  else return type;
  return undefined;
}

/** The named priority, the default (Medium) when none is named, or undefined with an error recorded. */
export function checkPriority(priorities: readonly PriorityRecord[], ref: Ref | undefined, errors: Record<string, string>):
  PriorityRecord | undefined {
  if (!ref) return defaultPriority(priorities);
  const priority = findByIdOrName(priorities, ref);
  if (!priority) errors['priority'] = MESSAGES.priorityInvalid;
  return priority;
}

function defaultPriority(priorities: readonly PriorityRecord[]): PriorityRecord | undefined {
  return priorities.find((p) => p.name === 'Medium') ?? priorities[Math.floor(priorities.length / 2)];
}
