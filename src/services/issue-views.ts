// Joins issue and comment rows with the reference data they point at, into the views the service returns.
import type { Catalogue } from '../storage/reference-repository.js';
import type {
  CommentRecord, CommentView, IssueExtras, IssueLinkView, IssueRecord, IssueView, ProjectRecord, ResolutionRecord, UserRecord,
} from './issue-records.js';

/** What an issue view shows beyond its row: sets, resolution names, parent and sub-task links. */
export interface IssueRelations {
  extras: Map<number, IssueExtras>;
  resolutions: ResolutionRecord[];
  /** Parents and sub-tasks of the issues, by id. */
  linked: Map<number, IssueRecord>;
  subtaskIds: Map<number, number[]>;
}

export function toIssueView(r: IssueRecord, catalogue: Catalogue, projects: Map<number, ProjectRecord>,
  users: Map<number, UserRecord>, comments: Map<number, CommentRecord[]> | null, relations?: IssueRelations): IssueView {
  const user = (id: number | null) => (id === null ? null : must(users.get(id), 'user'));
  const extras = relations?.extras.get(r.id);
  const link = (id: number): IssueLinkView[] => {
    const other = relations?.linked.get(id);
    return other ? [toIssueLinkView(other, catalogue)] : [];
  };
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
    resolution: relations?.resolutions.find((x) => x.id === r.resolutionId) ?? null,
    resolvedAt: r.resolvedAt,
    dueDate: r.dueDate,
    environment: r.environment,
    labels: extras?.labels ?? [],
    components: extras?.components ?? [],
    fixVersions: extras?.fixVersions ?? [],
    parent: r.parentId === null ? null : link(r.parentId)[0] ?? null,
    subtasks: (relations?.subtaskIds.get(r.id) ?? []).flatMap(link),
  };
}

export function toIssueLinkView(r: IssueRecord, catalogue: Catalogue): IssueLinkView {
  return {
    id: r.id, key: r.key, summary: r.summary,
    status: must(catalogue.statuses.find((s) => s.id === r.statusId), 'status'),
    priority: must(catalogue.priorities.find((p) => p.id === r.priorityId), 'priority'),
    issueType: must(catalogue.issueTypes.find((t) => t.id === r.issueTypeId), 'issue type'),
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
