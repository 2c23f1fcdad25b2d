// The system fields and functions JQL knows (notes §5.4, after IntelliJ's JqlStandardField/JqlStandardFunction
// and Atlassian's fields reference). The parser accepts any field or function name; these tables are what the
// compiler resolves names against (case-insensitively, aliases included) and checks operators with.
import type { Operator } from './ast.js';

export type FieldType =
  | 'project' | 'issuetype' | 'status' | 'statuscategory' | 'user' | 'priority' | 'labels' | 'date'
  | 'resolution' | 'text' | 'issue' | 'version' | 'component';

export interface FieldDefinition {
  /** The canonical JQL name, spelt as Jira spells it. */
  name: string;
  aliases: readonly string[];
  type: FieldType;
  operators: ReadonlySet<Operator>;
}

const EQUALITY: readonly Operator[] = ['=', '!='];
const ORDERING: readonly Operator[] = ['<', '>', '<=', '>='];
const LIST: readonly Operator[] = ['in', 'not in'];
const IS: readonly Operator[] = ['is', 'is not'];
const TEXT: readonly Operator[] = ['~', '!~'];
const HISTORY: readonly Operator[] = ['was', 'was not', 'was in', 'was not in', 'changed'];

const ops = (...groups: ReadonlyArray<readonly Operator[]>): ReadonlySet<Operator> => new Set(groups.flat());

function define(type: FieldType, operators: ReadonlySet<Operator>, ...names: Array<string | [string, ...string[]]>) {
  return names.map((entry): FieldDefinition => {
    const [name, ...aliases] = typeof entry === 'string' ? [entry] : entry;
    return { name, aliases, type, operators };
  });
}

export const STANDARD_FIELDS: readonly FieldDefinition[] = [
  ...define('project', ops(EQUALITY, LIST, IS), 'project'),
  ...define('issuetype', ops(EQUALITY, LIST, IS), ['issuetype', 'type']),
  ...define('status', ops(EQUALITY, LIST, IS, HISTORY), 'status'),
  ...define('statuscategory', ops(EQUALITY, LIST), 'statusCategory'),
  ...define('user', ops(EQUALITY, LIST, IS, HISTORY), 'assignee', 'reporter'),
  ...define('user', ops(EQUALITY, LIST, IS), 'creator', 'watcher', 'voter'),
  ...define('priority', ops(EQUALITY, ORDERING, LIST, IS, HISTORY), 'priority'),
  ...define('labels', ops(EQUALITY, LIST, IS), 'labels'),
  ...define('date', ops(EQUALITY, ORDERING, IS),
    ['created', 'createdDate'], ['updated', 'updatedDate'], ['resolved', 'resolutionDate'], ['due', 'dueDate'],
    'lastViewed'),
  ...define('resolution', ops(EQUALITY, LIST, IS, HISTORY), 'resolution'),
  ...define('text', ops(TEXT, IS), 'summary', 'description', 'environment', 'comment', 'text'),
  ...define('issue', ops(EQUALITY, ORDERING, LIST), ['key', 'issuekey', 'issue', 'id']),
  ...define('issue', ops(EQUALITY, LIST), 'parent'),
  ...define('version', ops(EQUALITY, ORDERING, LIST, IS), 'fixVersion', 'affectedVersion'),
  ...define('component', ops(EQUALITY, LIST, IS), 'component'),
];

const FIELDS_BY_NAME: ReadonlyMap<string, FieldDefinition> = new Map(
  STANDARD_FIELDS.flatMap((f) => [f.name, ...f.aliases].map((n): [string, FieldDefinition] => [n.toLowerCase(), f])),
);

/** The system field a JQL name refers to (`Type`, `createdDate`, `issuekey`…), or undefined (a custom field?). */
export const resolveField = (name: string): FieldDefinition | undefined => FIELDS_BY_NAME.get(name.toLowerCase());

/** What a function yields: one value for `=`, several for `IN`. */
export type FunctionResult = 'user' | 'users' | 'date' | 'issues' | 'issuetypes' | 'versions' | 'sprints';

export interface FunctionDefinition {
  name: string;
  result: FunctionResult;
  /** True when it yields a list (usable with IN / NOT IN). */
  list: boolean;
  minArgs: number;
  maxArgs: number;
}

function fn(name: string, result: FunctionResult, minArgs = 0, maxArgs = minArgs): FunctionDefinition {
  const list = result !== 'user' && result !== 'date';
  return { name, result, list, minArgs, maxArgs };
}

/** `startOfDay(-1d)`: one optional increment, `(+|-)nn(y|M|w|d|h|m)`. */
const DATE_BOUNDARIES = ['Day', 'Week', 'Month', 'Year'].flatMap((unit) => [
  fn(`startOf${unit}`, 'date', 0, 1), fn(`endOf${unit}`, 'date', 0, 1),
]);

export const STANDARD_FUNCTIONS: readonly FunctionDefinition[] = [
  fn('currentUser', 'user'),
  fn('membersOf', 'users', 1),
  fn('now', 'date'),
  ...DATE_BOUNDARIES,
  fn('currentLogin', 'date'),
  fn('lastLogin', 'date'),
  fn('issueHistory', 'issues'),
  fn('watchedIssues', 'issues'),
  fn('votedIssues', 'issues'),
  fn('linkedIssues', 'issues', 1, 2),
  fn('standardIssueTypes', 'issuetypes'),
  fn('subTaskIssueTypes', 'issuetypes'),
  fn('releasedVersions', 'versions', 0, 1),
  fn('unreleasedVersions', 'versions', 0, 1),
  fn('openSprints', 'sprints'),
  fn('closedSprints', 'sprints'),
  fn('futureSprints', 'sprints'),
];

const FUNCTIONS_BY_NAME: ReadonlyMap<string, FunctionDefinition> = new Map(
  STANDARD_FUNCTIONS.map((f): [string, FunctionDefinition] => [f.name.toLowerCase(), f]),
);

/** The function a JQL name refers to, case-insensitively (`currentuser()` is `currentUser()`), or undefined. */
export const resolveFunction = (name: string): FunctionDefinition | undefined =>
  FUNCTIONS_BY_NAME.get(name.toLowerCase());
