// Jira Server REST API v2 under /rest/api/2 and its alias /rest/api/latest. The routes are thin: read the
// request (query-params, request-bodies), call the issue service, render Jira JSON (jira-objects, jira-issue).
// Authentication (the principal) and the AppError → Jira error body mapping are installed by the caller.
import type { FastifyInstance } from 'fastify';
import { formatJiraDateTime } from '../../domain/jira-dates.js';
import type { IssueService } from '../../services/issues.js';
import type { ProjectService } from '../../services/projects.js';
import { requireUser } from '../principal.js';
import { jiraFieldList } from './field-selection.js';
import { registerIssueRoutes } from './issue-routes.js';
import { jiraUserFull, linksFor, type Links } from './jira-objects.js';
import type { JiraRouteContext } from './route-context.js';
import { registerSearchRoutes } from './search-routes.js';
import { registerReferenceRoutes } from './reference-routes.js';
import { registerProjectRoutes } from './project-routes.js';

export const JIRA_API_PREFIXES = ['/rest/api/2', '/rest/api/latest'] as const;

/** The Jira version Tessera answers as: clients check `versionNumbers`; it must not say Cloud. */
export const EMULATED_JIRA_VERSION = [9, 12, 0] as const;

export interface JiraRouteDeps {
  issues: IssueService;
  projects: ProjectService;
  /** The configured public base URL: every `self` link starts with it. */
  baseUrl: string;
}

export async function registerJiraRoutes(app: FastifyInstance, deps: JiraRouteDeps): Promise<void> {
  const links = linksFor(deps.baseUrl);
  for (const prefix of JIRA_API_PREFIXES) {
    const ctx: JiraRouteContext = { app, prefix, issues: deps.issues, projects: deps.projects, links };
    registerServerRoutes(ctx);
    registerProjectRoutes(ctx);
    registerIssueRoutes(ctx);
    registerSearchRoutes(ctx);
    registerReferenceRoutes(ctx);
  }
}

function registerServerRoutes({ app, prefix, issues, links }: JiraRouteContext): void {
  // Jira answers serverInfo to anonymous callers too; clients call it first to learn the version.
  app.get(`${prefix}/serverInfo`, async () => serverInfo(links, issues.now()));

  // python-jira's search_issues() reads this first, to map JQL clause names to field ids.
  app.get(`${prefix}/field`, async (request) => {
    requireUser(request);
    return jiraFieldList();
  });

  app.get(`${prefix}/myself`, async (request) => {
    const principal = requireUser(request);
    return jiraUserFull(links, await issues.getUser(principal.userId));
  });
}

function serverInfo(links: Links, now: number): Record<string, unknown> {
  return {
    baseUrl: links.base,
    version: EMULATED_JIRA_VERSION.join('.'),
    versionNumbers: [...EMULATED_JIRA_VERSION],
    deploymentType: 'Server',
    buildNumber: EMULATED_JIRA_VERSION[0] * 100000 + EMULATED_JIRA_VERSION[1] * 1000 + EMULATED_JIRA_VERSION[2],
    buildDate: '2023-12-07T00:00:00.000+0000',
    serverTime: formatJiraDateTime(now),
    scmInfo: 'tessera',
    serverTitle: 'Tessera',
  };
}
