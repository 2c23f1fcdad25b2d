// Create metadata, both generations: the old global `GET issue/createmeta` (removed in Jira 9, still used by
// python-jira 3.4 `createmeta()` and jira-client) and Jira 9's paged per-project
// `GET issue/createmeta/{projectIdOrKey}/issuetypes[/{issueTypeId}]`.
import { AppError } from '../../errors/app-error.js';
import type { IssueTypeRecord } from '../../services/issue-records.js';
import type { CreateMetaProject, IssueService } from '../../services/issues.js';
import { requireUser } from '../principal.js';
import { jiraIssueComponent, jiraIssueVersion } from './jira-issue-parts.js';
import { jiraIssueType, jiraPriority, jiraProject, type Links } from './jira-objects.js';
import { asQuery, queryCount, queryList } from './query-params.js';
import type { JiraRouteContext } from './route-context.js';

type Json = Record<string, unknown>;
type Catalogue = Awaited<ReturnType<IssueService['catalogue']>>;
const DEFAULT_PAGE = 50;

export function registerCreateMetaRoutes({ app, prefix, issues, links }: JiraRouteContext): void {
  app.get(`${prefix}/issue/createmeta`, async (request) => {
    const actor = requireUser(request);
    const query = asQuery(request.query);
    const withFields = queryList(query, 'expand').includes('projects.issuetypes.fields');
    const typeIds = queryList(query, 'issuetypeIds');
    const typeNames = queryList(query, 'issuetypeNames').map((n) => n.toLowerCase());
    const meta = await issues.createMeta(actor, [...queryList(query, 'projectKeys'), ...queryList(query, 'projectIds')]);
    const types = meta.catalogue.issueTypes.filter((t) => (typeIds.length === 0 && typeNames.length === 0)
      || typeIds.includes(t.id) || typeNames.includes(t.name.toLowerCase()));
    return {
      expand: 'projects',
      projects: meta.projects.map((p) => ({
        expand: 'issuetypes', ...jiraProject(links, p.project),
        issuetypes: types.map((t) => ({
          ...jiraIssueType(links, t), expand: 'fields',
          ...(withFields ? { fields: Object.fromEntries(fieldMeta(links, p, t, meta.catalogue).map((f) => [f['fieldId'], withoutId(f)])) } : {}),
        })),
      })),
    };
  });

  app.get<{ Params: { projectIdOrKey: string } }>(`${prefix}/issue/createmeta/:projectIdOrKey/issuetypes`, async (request) => {
    const { meta, project } = await oneProject(request.params.projectIdOrKey, requireUser(request));
    return page(asQuery(request.query), meta.catalogue.issueTypes.map((t) => jiraIssueType(links, t)));
  });

  app.get<{ Params: { projectIdOrKey: string; issueTypeId: string } }>(
    `${prefix}/issue/createmeta/:projectIdOrKey/issuetypes/:issueTypeId`, async (request) => {
      const { meta, project } = await oneProject(request.params.projectIdOrKey, requireUser(request));
      const type = meta.catalogue.issueTypes.find((t) => t.id === request.params.issueTypeId);
      if (!type) throw new AppError('not_found', 'not_found', `The issue type with id '${request.params.issueTypeId}' does not exist.`);
      return page(asQuery(request.query), fieldMeta(links, project, type, meta.catalogue));
    });

  async function oneProject(idOrKey: string, actor: ReturnType<typeof requireUser>) {
    const meta = await issues.createMeta(actor, [idOrKey]);
    const project = meta.projects[0];
    if (!project) throw new AppError('not_found', 'project_not_found', `No project could be found with key or id '${idOrKey}'.`);
    return { meta, project };
  }
}

function page(query: ReturnType<typeof asQuery>, values: Json[]): Json {
  const startAt = queryCount(query, 'startAt', 0);
  const maxResults = queryCount(query, 'maxResults', DEFAULT_PAGE);
  const slice = values.slice(startAt, startAt + maxResults);
  return { maxResults, startAt, total: values.length, isLast: startAt + slice.length >= values.length, values: slice };
}

function withoutId(field: Json): Json {
  const { fieldId: _fieldId, ...rest } = field;
  return rest;
}

/** Jira 9's FieldMetaBean for each field the create screen has. */
function fieldMeta(l: Links, p: CreateMetaProject, type: IssueTypeRecord, catalogue: Catalogue): Json[] {
  const field = (fieldId: string, name: string, required: boolean, schema: Json, operations: string[], extra: Json = {}): Json =>
    ({ required, schema: { ...schema, system: fieldId }, name, fieldId, hasDefaultValue: false, operations, ...extra });
  const userUrl = `${l.api}/user/assignable/search?project=${encodeURIComponent(p.project.key)}&username=`;
  const medium = catalogue.priorities.find((x) => x.name === 'Medium');
  return [
    field('summary', 'Summary', true, { type: 'string' }, ['set']),
    field('issuetype', 'Issue Type', true, { type: 'issuetype' }, [], { allowedValues: [jiraIssueType(l, type)] }),
    ...(type.subtask ? [field('parent', 'Parent', true, { type: 'issuelink' }, ['set'])] : []),
    field('project', 'Project', true, { type: 'project' }, ['set'], { allowedValues: [jiraProject(l, p.project)] }),
    field('description', 'Description', false, { type: 'string' }, ['set']),
    field('priority', 'Priority', false, { type: 'priority' }, ['set'], {
      allowedValues: catalogue.priorities.map((x) => jiraPriority(l, x)),
      ...(medium ? { hasDefaultValue: true, defaultValue: jiraPriority(l, medium) } : {}),
    }),
    field('assignee', 'Assignee', false, { type: 'user' }, ['set'], { autoCompleteUrl: userUrl }),
    field('reporter', 'Reporter', false, { type: 'user' }, ['set'], { autoCompleteUrl: `${l.api}/user/search?username=`, hasDefaultValue: true }),
    field('labels', 'Labels', false, { type: 'array', items: 'string' }, ['add', 'set', 'remove'],
      { autoCompleteUrl: `${l.base}/rest/api/1.0/labels/suggest?query=` }),
    field('components', 'Component/s', false, { type: 'array', items: 'component' }, ['add', 'set', 'remove'],
      { allowedValues: p.components.map((c) => jiraIssueComponent(l, c)) }),
    field('fixVersions', 'Fix Version/s', false, { type: 'array', items: 'version' }, ['set', 'add', 'remove'],
      { allowedValues: p.versions.filter((v) => !v.archived).map((v) => jiraIssueVersion(l, v)) }),
    field('duedate', 'Due Date', false, { type: 'date' }, ['set']),
    field('environment', 'Environment', false, { type: 'string' }, ['set']),
  ];
}
