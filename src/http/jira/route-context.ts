// What every Jira route group is registered with.
import type { FastifyInstance } from 'fastify';
import type { IssueService } from '../../services/issues.js';
import type { ProjectService } from '../../services/projects.js';
import type { Links } from './jira-objects.js';

export interface JiraRouteContext {
  app: FastifyInstance;
  /** `/rest/api/2` or `/rest/api/latest`. */
  prefix: string;
  issues: IssueService;
  projects: ProjectService;
  links: Links;
}

export interface IssueParams {
  issueIdOrKey: string;
}
