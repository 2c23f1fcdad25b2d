// Jira's JSON for issues (IssueBean) and comments. Fields Tessera does not track yet are present with Jira's
// empty values (null, [], zero counters), so scripts that read them find what an empty Jira field looks like.
import { formatJiraDateTime } from '../../domain/jira-dates.js';
import type {
  ChangeGroupView, CommentView, IssueRecord, IssueView, Page, StatusRecord, TransitionRecord,
} from '../../services/issue-records.js';
import { fieldNames } from './field-selection.js';
import {
  fieldSchemas, jiraChangelog, jiraIssueComponent, jiraIssueLink, jiraIssueVersion, jiraResolution, jiraTransition, renderText,
} from './jira-issue-parts.js';
import { jiraIssueType, jiraPriority, jiraProject, jiraStatus, jiraUser, type Links } from './jira-objects.js';

const ISSUE_EXPAND = 'renderedFields,names,schema,operations,editmeta,changelog,versionedRepresentations';

export function jiraIssueRef(l: Links, issue: Pick<IssueRecord, 'id' | 'key'>): Record<string, string> {
  return { id: String(issue.id), key: issue.key, self: `${l.api}/issue/${issue.id}` };
}

/** What `expand=changelog` and `expand=transitions` need, loaded by the route only when asked for. */
export interface IssueExpansions {
  changelog?: ChangeGroupView[];
  transitions?: { transitions: TransitionRecord[]; statuses: StatusRecord[] };
}

export function jiraIssue(l: Links, issue: IssueView, fields: ReadonlySet<string>, expand: ReadonlySet<string>,
  expansions: IssueExpansions = {}): Record<string, unknown> {
  // Only the selected fields are rendered: a search page of 50 issues often asks for three or four of them.
  const selected: Record<string, unknown> = {};
  for (const [id, render] of FIELD_RENDERERS) {
    if (!fields.has(id)) continue;
    const value = render(l, issue);
    if (value !== undefined) selected[id] = value;
  }
  const transitions = expansions.transitions;
  return {
    expand: ISSUE_EXPAND,
    ...jiraIssueRef(l, issue),
    fields: selected,
    ...(expand.has('renderedFields') ? { renderedFields: renderedFields(l, issue, fields) } : {}),
    ...(expand.has('names') ? { names: fieldNames(fields) } : {}),
    ...(expand.has('schema') ? { schema: fieldSchemas(fields) } : {}),
    ...(transitions ? { transitions: transitions.transitions.map((t) => jiraTransition(l, t, transitions.statuses)) } : {}),
    ...(expansions.changelog ? { changelog: jiraChangelog(l, expansions.changelog) } : {}),
  };
}

/** Text fields as HTML; the other selected fields are null, as Jira renders fields it has no renderer for. */
function renderedFields(l: Links, issue: IssueView, fields: ReadonlySet<string>): Record<string, unknown> {
  const rendered: Record<string, unknown> = Object.fromEntries([...fields].map((id) => [id, null]));
  if (fields.has('description')) rendered['description'] = renderText(issue.description);
  if (fields.has('environment')) rendered['environment'] = renderText(issue.environment);
  if (fields.has('comment')) {
    const comments = (issue.comments ?? []).map((c) => ({ ...jiraComment(l, c), body: renderText(c.body) }));
    rendered['comment'] = { comments, maxResults: comments.length, total: comments.length, startAt: 0 };
  }
  return rendered;
}

type Render = (l: Links, issue: IssueView) => unknown;
const userOrNull = (l: Links, u: IssueView['reporter']) => (u ? jiraUser(l, u) : null);
const issueUrl = (l: Links, issue: IssueView) => `${l.api}/issue/${issue.key}`;

/** How each field renders, in Jira's order. `parent` is left out of an issue without one, as Jira does. */
const FIELD_RENDERERS: ReadonlyArray<[id: string, render: Render]> = [
  ['summary', (_l, issue) => issue.summary],
  ['issuetype', (l, issue) => jiraIssueType(l, issue.issueType)],
  ['project', (l, issue) => jiraProject(l, issue.project)],
  ['status', (l, issue) => jiraStatus(l, issue.status)],
  ['priority', (l, issue) => jiraPriority(l, issue.priority)],
  ['description', (_l, issue) => issue.description],
  ['reporter', (l, issue) => userOrNull(l, issue.reporter)],
  ['creator', (l, issue) => jiraUser(l, issue.creator)],
  ['assignee', (l, issue) => userOrNull(l, issue.assignee)],
  ['created', (_l, issue) => formatJiraDateTime(issue.createdAt)],
  ['updated', (_l, issue) => formatJiraDateTime(issue.updatedAt)],
  ['lastViewed', () => null],
  ['resolution', (l, issue) => (issue.resolution ? jiraResolution(l, issue.resolution) : null)],
  ['resolutiondate', (_l, issue) => (issue.resolvedAt === null ? null : formatJiraDateTime(issue.resolvedAt))],
  ['labels', (_l, issue) => issue.labels],
  ['components', (l, issue) => issue.components.map((c) => jiraIssueComponent(l, c))],
  ['versions', () => []],
  ['fixVersions', (l, issue) => issue.fixVersions.map((v) => jiraIssueVersion(l, v))],
  ['duedate', (_l, issue) => issue.dueDate],
  ['environment', (_l, issue) => issue.environment],
  ['issuelinks', () => []],
  ['parent', (l, issue) => (issue.parent ? jiraIssueLink(l, issue.parent) : undefined)],
  ['subtasks', (l, issue) => issue.subtasks.map((s) => jiraIssueLink(l, s))],
  ['watches', (l, issue) => ({ self: `${issueUrl(l, issue)}/watchers`, watchCount: 0, isWatching: false })],
  ['votes', (l, issue) => ({ self: `${issueUrl(l, issue)}/votes`, votes: 0, hasVoted: false })],
  ['progress', () => ({ progress: 0, total: 0 })],
  ['aggregateprogress', () => ({ progress: 0, total: 0 })],
  ['workratio', () => -1],
  ['timespent', () => null],
  ['timeestimate', () => null],
  ['timeoriginalestimate', () => null],
  ['aggregatetimespent', () => null],
  ['aggregatetimeestimate', () => null],
  ['aggregatetimeoriginalestimate', () => null],
  ['comment', (l, issue) => jiraCommentField(l, issue.comments ?? [])],
  ['attachment', () => []],
  ['worklog', () => ({ startAt: 0, maxResults: 20, total: 0, worklogs: [] })],
  ['timetracking', () => ({})],
];

/** The `comment` field of an issue: every comment, in one page. */
function jiraCommentField(l: Links, comments: CommentView[]): Record<string, unknown> {
  return { comments: comments.map((c) => jiraComment(l, c)), maxResults: comments.length, total: comments.length, startAt: 0 };
}

export function jiraComment(l: Links, comment: CommentView): Record<string, unknown> {
  const author = jiraUser(l, comment.author);
  return {
    self: `${l.api}/issue/${comment.issueId}/comment/${comment.id}`,
    id: String(comment.id),
    author,
    body: comment.body,
    updateAuthor: author,
    created: formatJiraDateTime(comment.createdAt),
    updated: formatJiraDateTime(comment.updatedAt),
  };
}

export function jiraCommentPage(l: Links, page: Page<CommentView>): Record<string, unknown> {
  return { startAt: page.startAt, maxResults: page.maxResults, total: page.total, comments: page.items.map((c) => jiraComment(l, c)) };
}
