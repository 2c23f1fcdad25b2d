// What the issue tracker works with, free of any wire format: rows as the storage layer returns them, and the
// joined views the issue service hands to its callers (the Jira REST routes render these as Jira JSON).

export interface UserRecord {
  id: number;
  username: string;
  displayName: string;
  email: string;
  active: boolean;
}

export interface ProjectRecord {
  id: number;
  key: string;
  name: string;
  description: string;
  leadId: number;
  createdAt: number;
}

export interface IssueTypeRecord {
  id: string;
  name: string;
  description: string;
  subtask: boolean;
  hierarchyLevel: number;
}

export interface PriorityRecord {
  id: string;
  name: string;
  description: string;
  color: string;
}

export interface StatusRecord {
  id: string;
  name: string;
  description: string;
  /** Jira's status category key: `new`, `indeterminate` or `done`. */
  categoryKey: string;
}

export interface IssueRecord {
  id: number;
  projectId: number;
  number: number;
  key: string;
  issueTypeId: string;
  summary: string;
  description: string | null;
  priorityId: string;
  statusId: string;
  reporterId: number | null;
  creatorId: number;
  assigneeId: number | null;
  createdAt: number;
  updatedAt: number;
  resolutionId: string | null;
  resolvedAt: number | null;
  /** YYYY-MM-DD. */
  dueDate: string | null;
  environment: string | null;
  /** The parent issue of a sub-task. */
  parentId: number | null;
}

export interface ResolutionRecord {
  id: string;
  name: string;
  description: string;
}

export interface ComponentRecord {
  id: number;
  projectId: number;
  name: string;
  description: string;
}

export interface VersionRecord {
  id: number;
  projectId: number;
  name: string;
  description: string;
  released: boolean;
  archived: boolean;
  releaseDate: string | null;
}

/** A workflow transition: to a status, from any status (fromStatusId null) or from one. */
export interface TransitionRecord {
  id: string;
  name: string;
  fromStatusId: string | null;
  toStatusId: string;
}

/** What an issue has besides its own row. */
export interface IssueExtras {
  labels: string[];
  components: ComponentRecord[];
  fixVersions: VersionRecord[];
}

export interface CommentRecord {
  id: number;
  issueId: number;
  authorId: number;
  body: string;
  createdAt: number;
  updatedAt: number;
}

export interface ProjectView extends ProjectRecord {
  lead: UserRecord;
  issueTypes: IssueTypeRecord[];
}

export interface CommentView {
  id: number;
  issueId: number;
  author: UserRecord;
  body: string;
  createdAt: number;
  updatedAt: number;
}

export interface IssueView {
  id: number;
  key: string;
  summary: string;
  description: string | null;
  createdAt: number;
  updatedAt: number;
  project: ProjectRecord;
  issueType: IssueTypeRecord;
  priority: PriorityRecord;
  status: StatusRecord;
  reporter: UserRecord | null;
  creator: UserRecord;
  assignee: UserRecord | null;
  /** null when the caller did not ask for comments (search results, field selections without `comment`). */
  comments: CommentView[] | null;
  resolution: ResolutionRecord | null;
  resolvedAt: number | null;
  dueDate: string | null;
  environment: string | null;
  labels: string[];
  components: ComponentRecord[];
  fixVersions: VersionRecord[];
  parent: IssueLinkView | null;
  subtasks: IssueLinkView[];
}

/** Another issue as a parent or sub-task link shows it. */
export interface IssueLinkView {
  id: number;
  key: string;
  summary: string;
  status: StatusRecord;
  priority: PriorityRecord;
  issueType: IssueTypeRecord;
}

export interface ChangeGroupView {
  id: number;
  author: UserRecord | null;
  createdAt: number;
  items: Array<{ field: string; fieldType: string; from: string | null; fromString: string | null; to: string | null; toString: string | null }>;
}

export interface Page<T> {
  startAt: number;
  maxResults: number;
  total: number;
  items: T[];
}

/** Who is acting. The HTTP layer's Principal fits this shape. */
export interface Actor {
  userId: number;
  isAdmin: boolean;
}
