// Joins issue and comment rows with the reference data they point at, into the views the service returns.
import type { Catalogue } from '../storage/reference-repository.js';
import type { CommentRecord, CommentView, IssueRecord, IssueView, ProjectRecord, UserRecord } from './issue-records.js';

export function toIssueView(r: IssueRecord, catalogue: Catalogue, projects: Map<number, ProjectRecord>,
  users: Map<number, UserRecord>, comments: Map<number, CommentRecord[]> | null): IssueView {
  const user = (id: number | null) => (id === null ? null : must(users.get(id), 'user'));
  return {
    id: r.id,
    key: r.key,
    summary: r.summary,
    description: r.description,
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
    project: must(projects.get(r.projectId), 'project'),
    issueType: must(catalogue.issueTypes.find((t) => t.id === r.issueTypeId), 'issue type'),
    priority: must(catalogue.priorities.find((p) => p.id === r.priorityId), 'priority'),
    status: must(catalogue.statuses.find((s) => s.id === r.statusId), 'status'),
    reporter: user(r.reporterId),
    creator: must(users.get(r.creatorId), 'creator'),
    assignee: user(r.assigneeId),
    comments: comments ? (comments.get(r.id) ?? []).map((c) => toCommentView(c, users)) : null,
  };
}

export function toCommentView(c: CommentRecord, users: Map<number, UserRecord>): CommentView {
  return { id: c.id, issueId: c.issueId, author: must(users.get(c.authorId), 'comment author'), body: c.body,
    createdAt: c.createdAt, updatedAt: c.updatedAt };
}

/** A row the foreign keys promise is there; its absence is a bug, not a client error. */
export function must<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`integrity: missing ${what}`);
  return value;
}
