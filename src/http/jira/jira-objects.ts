// Jira's JSON for the small objects every response embeds: users, projects, issue types, priorities, statuses.
// Every object carries an absolute `self` built from the configured base URL (python-jira follows `self`, and
// picks the resource class from its path, so the paths are Jira's).
import type {
  IssueTypeRecord, PriorityRecord, ProjectRecord, ProjectView, StatusRecord, UserRecord,
} from '../../services/issue-records.js';

export interface Links {
  /** The public base URL, without a trailing slash. */
  base: string;
  /** `<base>/rest/api/2`. */
  api: string;
}

export function linksFor(baseUrl: string): Links {
  const base = baseUrl.replace(/\/+$/, '');
  return { base, api: `${base}/rest/api/2` };
}

const AVATAR_SIZES = [['48x48', 'large'], ['24x24', 'small'], ['16x16', 'xsmall'], ['32x32', 'medium']] as const;

function avatarUrls(make: (size: string) => string): Record<string, string> {
  return Object.fromEntries(AVATAR_SIZES.map(([dimensions, size]) => [dimensions, make(size)]));
}

/** The short user form embedded in issues and comments. */
export function jiraUser(l: Links, user: UserRecord): Record<string, unknown> {
  const name = encodeURIComponent(user.username);
  return {
    self: `${l.api}/user?username=${name}`,
    key: `JIRAUSER${user.id}`,
    name: user.username,
    emailAddress: user.email,
    avatarUrls: avatarUrls((size) => `${l.base}/secure/useravatar?size=${size}&ownerId=${name}`),
    displayName: user.displayName,
    active: user.active,
    timeZone: 'UTC',
  };
}

/** The full UserBean (`myself`, `user`). */
export function jiraUserFull(l: Links, user: UserRecord): Record<string, unknown> {
  return {
    ...jiraUser(l, user),
    deleted: false,
    locale: 'en_US',
    groups: { size: 0, items: [] },
    applicationRoles: { size: 0, items: [] },
    expand: 'groups,applicationRoles',
  };
}

/** The project as issues embed it and `GET project` lists it. */
export function jiraProject(l: Links, project: ProjectRecord): Record<string, unknown> {
  return {
    self: `${l.api}/project/${project.id}`,
    id: String(project.id),
    key: project.key,
    name: project.name,
    projectTypeKey: 'software',
    avatarUrls: avatarUrls((size) => `${l.base}/secure/projectavatar?size=${size}&pid=${project.id}`),
  };
}

/** `GET project/{key}`. */
export function jiraProjectFull(l: Links, project: ProjectView): Record<string, unknown> {
  return {
    expand: 'description,lead,url,projectKeys',
    ...jiraProject(l, project),
    description: project.description,
    lead: jiraUser(l, project.lead),
    components: [],
    issueTypes: project.issueTypes.map((t) => jiraIssueType(l, t)),
    assigneeType: 'UNASSIGNED',
    versions: [],
    archived: false,
    roles: {},
    projectKeys: [project.key],
  };
}

export function jiraIssueType(l: Links, type: IssueTypeRecord): Record<string, unknown> {
  return {
    self: `${l.api}/issuetype/${type.id}`,
    id: type.id,
    description: type.description,
    iconUrl: `${l.base}/images/icons/issuetypes/${type.name.toLowerCase().replace(/[^a-z]+/g, '')}.svg`,
    name: type.name,
    subtask: type.subtask,
  };
}

export function jiraPriority(l: Links, priority: PriorityRecord): Record<string, unknown> {
  return {
    self: `${l.api}/priority/${priority.id}`,
    statusColor: priority.color,
    description: priority.description,
    iconUrl: `${l.base}/images/icons/priorities/${priority.name.toLowerCase()}.svg`,
    name: priority.name,
    id: priority.id,
  };
}

/** Jira's fixed status categories. */
export const STATUS_CATEGORIES: Record<string, { id: number; colorName: string; name: string }> = {
  undefined: { id: 1, colorName: 'medium-gray', name: 'No Category' },
  new: { id: 2, colorName: 'blue-gray', name: 'To Do' },
  done: { id: 3, colorName: 'green', name: 'Done' },
  indeterminate: { id: 4, colorName: 'yellow', name: 'In Progress' },
};

export function jiraStatus(l: Links, status: StatusRecord): Record<string, unknown> {
  const key = status.categoryKey in STATUS_CATEGORIES ? status.categoryKey : 'undefined';
  return {
    self: `${l.api}/status/${status.id}`,
    description: status.description,
    iconUrl: `${l.base}/images/icons/statuses/generic.svg`,
    name: status.name,
    id: status.id,
    statusCategory: jiraStatusCategory(l, key),
  };
}

export function jiraStatusCategory(l: Links, key: string): Record<string, unknown> {
  const category = STATUS_CATEGORIES[key] ?? STATUS_CATEGORIES['undefined']!;
  return { self: `${l.api}/statuscategory/${category.id}`, id: category.id, key, colorName: category.colorName, name: category.name };
}
