// Issue create / get / edit / delete and an issue's comments. The issue is named by key or numeric id.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../../errors/app-error.js';
import { requireUser } from '../principal.js';
import { selectFields } from './field-selection.js';
import { jiraComment, jiraCommentPage, jiraIssue, jiraIssueRef, type IssueExpansions } from './jira-issue.js';
import { asQuery, queryBoolean, queryCount, queryList, queryValue, type Query } from './query-params.js';
import { registerCreateMetaRoutes } from './createmeta-routes.js';
import { parseAssigneeBody, parseCreateIssueBody, parseEditIssueBody } from './issue-bodies.js';
import { parseCommentBody } from './request-bodies.js';
import { registerTransitionRoutes } from './transition-routes.js';
import type { IssueParams, JiraRouteContext } from './route-context.js';

/** GET comment without maxResults returns every comment (python-jira's `comments()` does not page), up to this. */
export const MAX_COMMENTS_PER_PAGE = 5000;

type IssueRequest = FastifyRequest<{ Params: IssueParams }>;

export function registerIssueRoutes(ctx: JiraRouteContext): void {
  const { app, prefix, issues, links } = ctx;
  const issuePath = `${prefix}/issue/:issueIdOrKey`;
  registerTransitionRoutes(ctx);
  registerCreateMetaRoutes(ctx);

  app.post(`${prefix}/issue`, async (request, reply) => {
    const actor = requireUser(request);
    const created = await issues.createIssue(actor, parseCreateIssueBody(request.body));
    return reply.code(201).send(jiraIssueRef(links, created));
  });

  app.get<{ Params: IssueParams }>(issuePath, async (request: IssueRequest) => {
    const query = asQuery(request.query);
    const fields = selectFields(queryList(query, 'fields'), '*all');
    const expand = new Set(queryList(query, 'expand'));
    const actor = requireUser(request);
    const issue = await issues.getIssue(actor, request.params.issueIdOrKey, { withComments: fields.has('comment') });
    const expansions: IssueExpansions = {};
    if (expand.has('changelog')) expansions.changelog = await issues.issueChangelog(actor, String(issue.id));
    if (expand.has('transitions')) {
      const { transitions, catalogue } = await issues.listTransitions(actor, String(issue.id));
      expansions.transitions = { transitions, statuses: catalogue.statuses };
    }
    return jiraIssue(links, issue, fields, expand, expansions);
  });

  app.put<{ Params: IssueParams }>(issuePath, async (request: IssueRequest, reply: FastifyReply) => {
    const actor = requireUser(request);
    queryBoolean(asQuery(request.query), 'notifyUsers', true); // accepted; Tessera sends no notifications yet
    await issues.editIssue(actor, request.params.issueIdOrKey, parseEditIssueBody(request.body));
    return reply.code(204).send();
  });

  app.delete<{ Params: IssueParams }>(issuePath, async (request: IssueRequest, reply: FastifyReply) => {
    const actor = requireUser(request);
    const deleteSubtasks = queryBoolean(asQuery(request.query), 'deleteSubtasks', false);
    await issues.deleteIssue(actor, request.params.issueIdOrKey, deleteSubtasks);
    return reply.code(204).send();
  });

  // {"name": "bob"}, {"name": null} (unassign), {"name": "-1"} (automatic: the project lead)
  app.put<{ Params: IssueParams }>(`${issuePath}/assignee`, async (request: IssueRequest, reply: FastifyReply) => {
    const actor = requireUser(request);
    await issues.assignIssue(actor, request.params.issueIdOrKey, parseAssigneeBody(request.body));
    return reply.code(204).send();
  });

  app.get<{ Params: IssueParams }>(`${issuePath}/comment`, async (request: IssueRequest) => {
    const actor = requireUser(request);
    const query = asQuery(request.query);
    const page = await issues.listComments(actor, request.params.issueIdOrKey, {
      startAt: queryCount(query, 'startAt', 0),
      maxResults: Math.min(queryCount(query, 'maxResults', MAX_COMMENTS_PER_PAGE), MAX_COMMENTS_PER_PAGE),
      order: commentOrder(query),
    });
    return jiraCommentPage(links, page);
  });

  app.get<{ Params: IssueParams & { commentId: string } }>(`${issuePath}/comment/:commentId`, async (request) => {
    const actor = requireUser(request);
    return jiraComment(links, await issues.getComment(actor, request.params.issueIdOrKey, request.params.commentId));
  });
  app.put<{ Params: IssueParams & { commentId: string } }>(`${issuePath}/comment/:commentId`, async (request) => {
    const actor = requireUser(request);
    const { issueIdOrKey, commentId } = request.params;
    const comment = await issues.changeComment(actor, issueIdOrKey, commentId, parseCommentBody(request.body));
    return jiraComment(links, comment!);
  });
  app.delete<{ Params: IssueParams & { commentId: string } }>(`${issuePath}/comment/:commentId`, async (request, reply) => {
    const actor = requireUser(request);
    await issues.changeComment(actor, request.params.issueIdOrKey, request.params.commentId, null);
    return reply.code(204).send();
  });

  // Watching and voting are not kept yet: the issue's `watches` and `votes` links answer honestly with none.
  app.get<{ Params: IssueParams }>(`${issuePath}/watchers`, async (request: IssueRequest) => {
    const actor = requireUser(request);
    const issue = await issues.getIssue(actor, request.params.issueIdOrKey, { withComments: false });
    return { self: `${links.api}/issue/${issue.id}/watchers`, isWatching: false, watchCount: 0, watchers: [] };
  });
  app.get<{ Params: IssueParams }>(`${issuePath}/votes`, async (request: IssueRequest) => {
    const actor = requireUser(request);
    const issue = await issues.getIssue(actor, request.params.issueIdOrKey, { withComments: false });
    return { self: `${links.api}/issue/${issue.id}/votes`, votes: 0, hasVoted: false, voters: [] };
  });

  app.post<{ Params: IssueParams }>(`${issuePath}/comment`, async (request: IssueRequest, reply: FastifyReply) => {
    const actor = requireUser(request);
    const comment = await issues.addComment(actor, request.params.issueIdOrKey, parseCommentBody(request.body));
    return reply.code(201).send(jiraComment(links, comment));
  });
}

/** `orderBy=created` (oldest first, the default), `+created` or `-created`. */
function commentOrder(query: Query): 'asc' | 'desc' {
  const orderBy = queryValue(query, 'orderBy')?.trim();
  if (orderBy === undefined || orderBy === '' || orderBy === 'created' || orderBy === '+created') return 'asc';
  if (orderBy === '-created') return 'desc';
  throw new AppError('bad_request', 'invalid_parameter', `Comments can be ordered by 'created' or '-created', not '${orderBy}'.`);
}
