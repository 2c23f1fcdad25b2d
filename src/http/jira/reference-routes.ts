// Read-only reference data, so that every `self` link in an issue is reachable: users by name, issue types,
// priorities, statuses and status categories (lists and single items by id; statuses also by name).
import { AppError } from '../../errors/app-error.js';
import { requireUser } from '../principal.js';
import { jiraIssueType, jiraPriority, jiraStatus, jiraStatusCategory, jiraUserFull, STATUS_CATEGORIES } from './jira-objects.js';
import { asQuery } from './query-params.js';
import type { JiraRouteContext } from './route-context.js';

const notFound = (what: string, id: string) => new AppError('not_found', 'not_found', `The ${what} '${id}' does not exist.`);

export function registerReferenceRoutes({ app, prefix, issues, links }: JiraRouteContext): void {
  app.get(`${prefix}/user`, async (request) => {
    requireUser(request);
    const username = asQuery(request.query)['username'];
    if (typeof username !== 'string' || username === '') {
      throw new AppError('bad_request', 'invalid_parameter', "The parameter 'username' is required.");
    }
    return jiraUserFull(links, await issues.getUserByName(username));
  });

  app.get(`${prefix}/issuetype`, async (request) => {
    requireUser(request);
    return (await issues.catalogue()).issueTypes.map((t) => jiraIssueType(links, t));
  });
  app.get<{ Params: { id: string } }>(`${prefix}/issuetype/:id`, async (request) => {
    requireUser(request);
    const type = (await issues.catalogue()).issueTypes.find((t) => t.id === request.params.id);
    if (!type) throw notFound('issue type', request.params.id);
    return jiraIssueType(links, type);
  });

  app.get(`${prefix}/priority`, async (request) => {
    requireUser(request);
    return (await issues.catalogue()).priorities.map((p) => jiraPriority(links, p));
  });
  app.get<{ Params: { id: string } }>(`${prefix}/priority/:id`, async (request) => {
    requireUser(request);
    const priority = (await issues.catalogue()).priorities.find((p) => p.id === request.params.id);
    if (!priority) throw notFound('priority', request.params.id);
    return jiraPriority(links, priority);
  });

  app.get(`${prefix}/status`, async (request) => {
    requireUser(request);
    return (await issues.catalogue()).statuses.map((s) => jiraStatus(links, s));
  });
  app.get<{ Params: { idOrName: string } }>(`${prefix}/status/:idOrName`, async (request) => {
    requireUser(request);
    const wanted = request.params.idOrName;
    const status = (await issues.catalogue()).statuses.find((s) => s.id === wanted || s.name.toLowerCase() === wanted.toLowerCase());
    if (!status) throw notFound('status', wanted);
    return jiraStatus(links, status);
  });

  app.get(`${prefix}/statuscategory`, async (request) => {
    requireUser(request);
    return Object.keys(STATUS_CATEGORIES).map((key) => jiraStatusCategory(links, key));
  });
  app.get<{ Params: { idOrKey: string } }>(`${prefix}/statuscategory/:idOrKey`, async (request) => {
    requireUser(request);
    const wanted = request.params.idOrKey;
    const key = Object.keys(STATUS_CATEGORIES).find((k) => k === wanted || String(STATUS_CATEGORIES[k]!.id) === wanted);
    if (!key) throw notFound('status category', wanted);
    return jiraStatusCategory(links, key);
  });
}
