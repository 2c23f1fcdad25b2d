// Which issue fields a response carries: Jira's `fields` parameter (`*all`, `*navigable`, field ids, `-id` to
// leave one out), given repeated, comma-separated or both. GET issue defaults to `*all`, search to `*navigable`.

export interface IssueFieldInfo {
  id: string;
  name: string;
  /** Navigable fields can be columns of the issue navigator; search returns only those by default. */
  navigable: boolean;
  /** The names JQL knows the field by (python-jira maps these to ids through `GET field`). */
  clauseNames: string[];
  /** Jira's JsonTypeBean: `type` and, for arrays, `items`. */
  schema: { type: string; items?: string };
}

type Row = [id: string, name: string, type: string, clauseNames?: string[], items?: string];

// Jira's system fields, in Jira's order of importance. Types and clause names follow Jira's `GET field`.
const ROWS: Row[] = [
  ['summary', 'Summary', 'string'], ['issuetype', 'Issue Type', 'issuetype', ['issuetype', 'type']],
  ['project', 'Project', 'project'], ['status', 'Status', 'status'], ['priority', 'Priority', 'priority'],
  ['description', 'Description', 'string'], ['reporter', 'Reporter', 'user'], ['creator', 'Creator', 'user'],
  ['assignee', 'Assignee', 'user'], ['created', 'Created', 'datetime', ['created', 'createdDate']],
  ['updated', 'Updated', 'datetime', ['updated', 'updatedDate']], ['lastViewed', 'Last Viewed', 'datetime'],
  ['resolution', 'Resolution', 'resolution'], ['resolutiondate', 'Resolved', 'datetime', ['resolutiondate', 'resolved']],
  ['labels', 'Labels', 'array', ['labels'], 'string'], ['components', 'Component/s', 'array', ['component'], 'component'],
  ['versions', 'Affects Version/s', 'array', ['affectedVersion'], 'version'],
  ['fixVersions', 'Fix Version/s', 'array', ['fixVersion'], 'version'], ['duedate', 'Due Date', 'date', ['due', 'duedate']],
  ['environment', 'Environment', 'string'], ['issuelinks', 'Linked Issues', 'array', ['issuelinks'], 'issuelinks'],
  ['parent', 'Parent', 'issuelink', ['parent']], ['subtasks', 'Sub-Tasks', 'array', ['subtasks'], 'issuelinks'], ['watches', 'Watchers', 'watches', ['watchers']],
  ['votes', 'Votes', 'votes', ['votes']], ['progress', 'Progress', 'progress', ['progress']],
  ['aggregateprogress', 'Σ Progress', 'progress', []], ['workratio', 'Work Ratio', 'number', ['workratio']],
  ['timespent', 'Time Spent', 'number', ['timespent']], ['timeestimate', 'Remaining Estimate', 'number', ['remainingEstimate', 'timeestimate']],
  ['timeoriginalestimate', 'Original Estimate', 'number', ['originalEstimate', 'timeoriginalestimate']],
  ['aggregatetimespent', 'Σ Time Spent', 'number', []], ['aggregatetimeestimate', 'Σ Remaining Estimate', 'number', []],
  ['aggregatetimeoriginalestimate', 'Σ Original Estimate', 'number', []],
  ['comment', 'Comment', 'comments-page', ['comment']], ['attachment', 'Attachment', 'array', ['attachments'], 'attachment'],
  ['worklog', 'Log Work', 'array', [], 'worklog'], ['timetracking', 'Time tracking', 'timetracking', []],
];

const NOT_NAVIGABLE = new Set(['comment', 'attachment', 'worklog', 'timetracking']);

export const ISSUE_FIELDS: readonly IssueFieldInfo[] = ROWS.map(([id, name, type, clauseNames, items]) => ({
  id, name, navigable: !NOT_NAVIGABLE.has(id), clauseNames: clauseNames ?? [id], schema: items ? { type, items } : { type },
}));

/** `GET field`: Jira's field list (system fields only until custom fields exist). */
export function jiraFieldList(): Array<Record<string, unknown>> {
  return ISSUE_FIELDS.map((f) => ({
    id: f.id, name: f.name, custom: false, orderable: !['project', 'status', 'created', 'updated', 'creator'].includes(f.id),
    navigable: f.navigable, searchable: f.clauseNames.length > 0, clauseNames: f.clauseNames,
    schema: { ...f.schema, system: f.id },
  }));
}

const BY_LOWER_ID = new Map(ISSUE_FIELDS.map((f) => [f.id.toLowerCase(), f.id]));
const ALL = ISSUE_FIELDS.map((f) => f.id);
const NAVIGABLE = ISSUE_FIELDS.filter((f) => f.navigable).map((f) => f.id);

export type DefaultFields = '*all' | '*navigable';

/** The set of field ids to render. Unknown ids are ignored, as Jira does. */
export function selectFields(tokens: readonly string[], fallback: DefaultFields): Set<string> {
  const included = tokens.filter((t) => !t.startsWith('-'));
  const excluded = tokens.filter((t) => t.startsWith('-')).map((t) => t.slice(1));
  const selected = new Set<string>(included.length === 0 ? expand(fallback) : included.flatMap(expand));
  for (const token of excluded) for (const id of expand(token)) selected.delete(id);
  return selected;
}

function expand(token: string): string[] {
  if (token === '*all') return ALL;
  if (token === '*navigable') return NAVIGABLE;
  const id = BY_LOWER_ID.get(token.toLowerCase());
  return id ? [id] : [];
}

/** `expand=names`: the display name of each rendered field. */
export function fieldNames(selected: ReadonlySet<string>): Record<string, string> {
  return Object.fromEntries(ISSUE_FIELDS.filter((f) => selected.has(f.id)).map((f) => [f.id, f.name]));
}
