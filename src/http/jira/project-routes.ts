// Projects, their components and versions, and the user picker, under /rest/api/2 and /rest/api/latest.
// Invisible projects (and their components and versions) answer 404 like missing ones; managing components
// and versions needs the project admin role (403 otherwise); creating a project needs a Tessera administrator.
import { AppError } from '../../errors/app-error.js';
import type { ProjectView } from '../../services/issue-records.js';
import type { ComponentView, VersionView } from '../../services/projects.js';
import { requireUser } from '../principal.js';
import { jiraIssueType, jiraProject, jiraProjectFull, jiraUser, type Links } from './jira-objects.js';
import { asQuery, parseBoolean, queryBoolean, queryCount, queryList, queryValue } from './query-params.js';
import type { JiraRouteContext } from './route-context.js';

type JsonObject = Record<string, unknown>;

const MAX_USER_RESULTS = 1000;

export function registerProjectRoutes({ app, prefix, issues, projects, links }: JiraRouteContext): void {
  app.get(`${prefix}/project`, async (request) => {
    const expand = new Set(queryList(asQuery(request.query), 'expand'));
    const list = await issues.listProjects(requireUser(request));
    return list.map((p) => listedProject(links, p, expand));
  });

  app.get<{ Params: { projectIdOrKey: string } }>(`${prefix}/project/:projectIdOrKey`, async (request) => {
    const actor = requireUser(request);
    const project = await issues.getProject(actor, request.params.projectIdOrKey);
    const [components, versions] = await Promise.all([
      projects.components(actor, String(project.id)), projects.versions(actor, String(project.id)),
    ]);
    return {
      ...jiraProjectFull(links, project),
      components: components.map((c) => jiraComponent(links, c)),
      versions: versions.map((v) => jiraVersion(links, v)),
    };
  });

  app.post(`${prefix}/project`, async (request, reply) => {
    const actor = requireUser(request);
    const body = objectBody(request.body, '{"key":"OPS","name":"Operations","projectTypeKey":"software","lead":"alice"}');
    const key = stringField(body, 'key', true);
    const name = stringField(body, 'name', true);
    const leadName = stringField(body, 'lead', false);
    const description = stringField(body, 'description', false);
    const lead = leadName ? await issues.getUserByName(leadName).catch(() => undefined) : await issues.getUser(actor.userId);
    if (!lead) throw new AppError('bad_request', 'invalid_fields', `projectLead: The user '${leadName}' does not exist.`, { projectLead: `The user '${leadName}' does not exist.` });
    const project = await projects.createProject(actor, { key, name, leadUserId: lead.id, description });
    return reply.code(201).send({ self: `${links.api}/project/${project.id}`, id: project.id, key: project.key });
  });

  app.get<{ Params: { projectIdOrKey: string } }>(`${prefix}/project/:projectIdOrKey/components`, async (request) => {
    const list = await projects.components(requireUser(request), request.params.projectIdOrKey);
    return list.map((c) => jiraComponent(links, c));
  });

  app.get<{ Params: { projectIdOrKey: string } }>(`${prefix}/project/:projectIdOrKey/versions`, async (request) => {
    const list = await projects.versions(requireUser(request), request.params.projectIdOrKey);
    return list.map((v) => jiraVersion(links, v));
  });

  app.post(`${prefix}/component`, async (request, reply) => {
    const actor = requireUser(request);
    const body = objectBody(request.body, '{"name":"Backend","project":"OPS"}');
    const component = await projects.createComponent(actor, {
      ...projectRef(body), name: stringField(body, 'name', true),
      description: stringField(body, 'description', false), leadUserName: stringField(body, 'leadUserName', false),
    });
    return reply.code(201).send(jiraComponent(links, component));
  });

  app.get<{ Params: { id: string } }>(`${prefix}/component/:id`, async (request) =>
    jiraComponent(links, await projects.getComponent(requireUser(request), request.params.id)));

  app.post(`${prefix}/version`, async (request, reply) => {
    const actor = requireUser(request);
    const body = objectBody(request.body, '{"name":"1.0","project":"OPS"}');
    const version = await projects.createVersion(actor, {
      ...projectRef(body), name: stringField(body, 'name', true), description: stringField(body, 'description', false),
      released: booleanField(body, 'released'), archived: booleanField(body, 'archived'),
      releaseDate: stringField(body, 'releaseDate', false),
    });
    return reply.code(201).send(jiraVersion(links, version));
  });

  app.get<{ Params: { id: string } }>(`${prefix}/version/:id`, async (request) =>
    jiraVersion(links, await projects.getVersion(requireUser(request), request.params.id)));

  // python-jira: ?username=bob&includeActive=True&includeInactive=False&maxResults=50; jira.js and
  // jira-client also send `query`. A JSON array, never a page object.
  app.get(`${prefix}/user/search`, async (request) => {
    const actor = requireUser(request);
    const query = asQuery(request.query);
    const text = queryValue(query, 'username') || queryValue(query, 'query');
    if (!text || text.trim() === '') {
      throw new AppError('bad_request', 'invalid_parameter', "The parameter 'username' is required.");
    }
    const users = await projects.searchUsers(actor, {
      text,
      includeActive: queryBoolean(query, 'includeActive', true),
      includeInactive: queryBoolean(query, 'includeInactive', false),
      startAt: queryCount(query, 'startAt', 0),
      maxResults: Math.min(queryCount(query, 'maxResults', 50), MAX_USER_RESULTS),
    });
    return users.map((u) => jiraUser(links, u));
  });
}

/** `GET project` items: the short form, plus what `expand` asks for. */
function listedProject(links: Links, project: ProjectView, expand: ReadonlySet<string>): JsonObject {
  return {
    expand: 'description,lead,url,projectKeys',
    ...jiraProject(links, project),
    archived: false,
    ...(expand.has('description') ? { description: project.description } : {}),
    ...(expand.has('lead') ? { lead: jiraUser(links, project.lead) } : {}),
    ...(expand.has('issueTypes') ? { issueTypes: project.issueTypes.map((t) => jiraIssueType(links, t)) } : {}),
    ...(expand.has('projectKeys') ? { projectKeys: [project.key] } : {}),
  };
}

/** Jira's Component bean (`GET component/{id}`, `project/{key}/components`). */
export function jiraComponent(l: Links, c: ComponentView): JsonObject {
  return {
    self: `${l.api}/component/${c.id}`,
    id: String(c.id),
    name: c.name,
    description: c.description,
    ...(c.lead ? { lead: jiraUser(l, c.lead), leadUserName: c.lead.username } : {}),
    assigneeType: 'PROJECT_DEFAULT',
    realAssigneeType: 'PROJECT_DEFAULT',
    isAssigneeTypeValid: false,
    project: c.project.key,
    projectId: c.project.id,
    archived: false,
  };
}

/** Jira's Version bean (`GET version/{id}`, `project/{key}/versions`). */
export function jiraVersion(l: Links, v: VersionView): JsonObject {
  return {
    self: `${l.api}/version/${v.id}`,
    id: String(v.id),
    name: v.name,
    description: v.description,
    archived: v.archived,
    released: v.released,
    ...(v.releaseDate ? { releaseDate: v.releaseDate } : {}),
    projectId: v.project.id,
  };
}

function objectBody(body: unknown, example: string): JsonObject {
  if (typeof body === 'object' && body !== null && !Array.isArray(body)) return body as JsonObject;
  throw new AppError('bad_request', 'invalid_body', `The request body must be a JSON object, for example ${example}.`);
}

function stringField(body: JsonObject, name: string, required: true): string;
function stringField(body: JsonObject, name: string, required: false): string | undefined;
function stringField(body: JsonObject, name: string, required: boolean): string | undefined {
  const value = body[name];
  if (value === undefined || value === null) {
    if (!required) return undefined;
    throw new AppError('bad_request', 'invalid_fields', `${name}: This field is required.`, { [name]: 'This field is required.' });
  }
  if (typeof value !== 'string') {
    throw new AppError('bad_request', 'invalid_fields', `${name}: This field must be a string.`, { [name]: 'This field must be a string.' });
  }
  return value;
}

function booleanField(body: JsonObject, name: string): boolean | undefined {
  const value = body[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'boolean' || typeof value === 'string') return parseBoolean(name, value, false);
  throw new AppError('bad_request', 'invalid_fields', `${name}: This field must be true or false.`, { [name]: 'This field must be true or false.' });
}

/** `"project": "KEY"` and/or `"projectId": 10000` (a number or a string). */
function projectRef(body: JsonObject): { project?: string; projectId?: string } {
  const id = body['projectId'];
  const projectId = typeof id === 'number' && Number.isInteger(id) ? String(id) : typeof id === 'string' ? id : undefined;
  if (id !== undefined && id !== null && projectId === undefined) {
    throw new AppError('bad_request', 'invalid_fields', 'projectId: The project id must be a number.', { projectId: 'The project id must be a number.' });
  }
  const project = stringField(body, 'project', false);
  return { ...(project === undefined ? {} : { project }), ...(projectId === undefined ? {} : { projectId }) };
}
