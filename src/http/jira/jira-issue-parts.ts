// Jira JSON for the parts of an issue added with issue 3: components and versions as issues embed them,
// resolutions, parent / sub-task links, the changelog (`expand=changelog`), transitions (the endpoint and
// `expand=transitions`), `expand=schema` and `expand=renderedFields` (text as escaped HTML paragraphs).
import { formatJiraDateTime } from '../../domain/jira-dates.js';
import type {
  ChangeGroupView, ComponentRecord, IssueLinkView, ResolutionRecord, StatusRecord, TransitionRecord, VersionRecord,
} from '../../services/issue-records.js';
import { ISSUE_FIELDS } from './field-selection.js';
import { jiraIssueType, jiraPriority, jiraStatus, jiraUser, type Links } from './jira-objects.js';

type Json = Record<string, unknown>;

export function jiraIssueComponent(l: Links, c: ComponentRecord): Json {
  return { self: `${l.api}/component/${c.id}`, id: String(c.id), name: c.name, ...(c.description ? { description: c.description } : {}) };
}

export function jiraIssueVersion(l: Links, v: VersionRecord): Json {
  return {
    self: `${l.api}/version/${v.id}`, id: String(v.id), name: v.name, ...(v.description ? { description: v.description } : {}),
    archived: v.archived, released: v.released, ...(v.releaseDate ? { releaseDate: v.releaseDate } : {}),
  };
}

export function jiraResolution(l: Links, r: ResolutionRecord): Json {
  return { self: `${l.api}/resolution/${r.id}`, id: r.id, description: r.description, iconUrl: '', name: r.name };
}

/** A parent or sub-task as Jira embeds it: id, key, self and a few fields. */
export function jiraIssueLink(l: Links, issue: IssueLinkView): Json {
  return {
    id: String(issue.id), key: issue.key, self: `${l.api}/issue/${issue.id}`,
    fields: {
      summary: issue.summary, status: jiraStatus(l, issue.status), priority: jiraPriority(l, issue.priority),
      issuetype: jiraIssueType(l, issue.issueType),
    },
  };
}

export function jiraChangelog(l: Links, groups: ChangeGroupView[]): Json {
  return {
    startAt: 0, maxResults: groups.length, total: groups.length,
    histories: groups.map((g) => ({
      id: String(g.id),
      ...(g.author ? { author: jiraUser(l, g.author) } : {}),
      created: formatJiraDateTime(g.createdAt),
      items: g.items.map((i) => ({ field: i.field, fieldtype: i.fieldType, from: i.from, fromString: i.fromString, to: i.to, toString: i.toString })),
    })),
  };
}

export function jiraTransition(l: Links, t: TransitionRecord, statuses: StatusRecord[]): Json {
  const to = statuses.find((s) => s.id === t.toStatusId);
  return {
    id: t.id, name: t.name, ...(to ? { to: jiraStatus(l, to) } : {}),
    hasScreen: false, isGlobal: t.fromStatusId === null, isInitial: false, isConditional: false, fields: {},
  };
}

/** `expand=schema`: each rendered field's JsonTypeBean. */
export function fieldSchemas(selected: ReadonlySet<string>): Json {
  return Object.fromEntries(ISSUE_FIELDS.filter((f) => selected.has(f.id)).map((f) => [f.id, { ...f.schema, system: f.id }]));
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Plain text as HTML: escaped, blank lines make paragraphs, single newlines `<br/>`. Wiki markup is not rendered. */
export function renderText(text: string | null): string | null {
  if (text === null) return null;
  const escaped = text.replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);
  return escaped.split(/\r?\n\s*\r?\n/).map((p) => `<p>${p.replace(/\r?\n/g, '<br/>\n')}</p>`).join('\n');
}
