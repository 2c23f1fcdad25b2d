// An issue's workflow transitions: `GET issue/{key}/transitions` (`?transitionId=` filters) and
// `POST issue/{key}/transitions` (`{"transition": {"id"}, "fields", "update"}` → 204). Also `GET resolution`.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../../errors/app-error.js';
import { requireUser } from '../principal.js';
import { parseTransitionBody } from './issue-bodies.js';
import { jiraResolution, jiraTransition } from './jira-issue-parts.js';
import { asQuery, queryValue } from './query-params.js';
import type { IssueParams, JiraRouteContext } from './route-context.js';

type IssueRequest = FastifyRequest<{ Params: IssueParams }>;

export function registerTransitionRoutes({ app, prefix, issues, links }: JiraRouteContext): void {
  const path = `${prefix}/issue/:issueIdOrKey/transitions`;

  app.get<{ Params: IssueParams }>(path, async (request: IssueRequest) => {
    const actor = requireUser(request);
    const wanted = queryValue(asQuery(request.query), 'transitionId')?.trim();
    const { transitions, catalogue } = await issues.listTransitions(actor, request.params.issueIdOrKey);
    const shown = wanted ? transitions.filter((t) => t.id === wanted) : transitions;
    return { expand: 'transitions', transitions: shown.map((t) => jiraTransition(links, t, catalogue.statuses)) };
  });

  app.post<{ Params: IssueParams }>(path, async (request: IssueRequest, reply: FastifyReply) => {
    const actor = requireUser(request);
    await issues.transitionIssue(actor, request.params.issueIdOrKey, parseTransitionBody(request.body));
    return reply.code(204).send();
  });

  app.get(`${prefix}/resolution`, async (request) => {
    requireUser(request);
    return (await issues.resolutions()).map((r) => jiraResolution(links, r));
  });
  app.get<{ Params: { id: string } }>(`${prefix}/resolution/:id`, async (request) => {
    requireUser(request);
    const resolution = (await issues.resolutions()).find((r) => r.id === request.params.id);
    if (!resolution) throw new AppError('not_found', 'not_found', `The resolution '${request.params.id}' does not exist.`);
    return jiraResolution(links, resolution);
  });
}
