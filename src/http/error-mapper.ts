// The one place errors become responses. The route group (by path) picks the wire format:
// Jira JSON under /rest, oauth_problem under the OAuth servlet paths, small JSON under /api, a page elsewhere.
// Unexpected errors are logged with their stack and answered with a generic 500 that carries no detail.
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../errors/app-error.js';
import { OAuthProblem, problemResponse } from '../protocol/oauth1/problems.js';
import { errorPage } from './auth/login-pages.js';
import { jiraErrorBody } from './jira/error-body.js';
import { PAGE_HEADERS, renderPage } from './web/html.js';

type Group = 'jira' | 'oauth' | 'api' | 'page';

export function routeGroup(url: string): Group {
  if (url.startsWith('/rest/')) return 'jira';
  if (url.startsWith('/plugins/servlet/oauth/') && !url.startsWith('/plugins/servlet/oauth/authorize')) return 'oauth';
  if (url.startsWith('/api/')) return 'api';
  return 'page';
}

/** A client error Fastify raised itself (bad JSON, unsupported content type, body too large, …). */
function asAppError(err: unknown): AppError | undefined {
  if (err instanceof AppError) return err;
  const fe = err as Partial<FastifyError>;
  if (typeof fe.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500) {
    const message = fe.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || err instanceof SyntaxError
      ? 'The request body is not valid JSON.'
      : fe.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE' ? 'Unsupported content type.'
        : fe.code === 'FST_ERR_CTP_BODY_TOO_LARGE' ? 'The request body is too large.'
          : fe.validation ? `Invalid request: ${fe.message ?? ''}`.trim() : 'The request could not be understood.';
    const kind = fe.statusCode === 404 ? 'not_found' : fe.statusCode === 413 || fe.statusCode === 415 ? 'bad_request' : 'bad_request';
    const e = new AppError(kind, fe.code ?? 'bad_request', message);
    (e as AppError & { statusOverride?: number }).statusOverride = fe.statusCode;
    return e;
  }
  return undefined;
}

export function makeErrorHandler(realm: string) {
  return function handleError(err: unknown, request: FastifyRequest, reply: FastifyReply): FastifyReply {
    const group = routeGroup(request.url);
    if (err instanceof OAuthProblem) {
      const r = problemResponse(err, realm);
      return reply.code(r.status).headers(r.headers).send(r.body);
    }
    const appError = asAppError(err);
    if (!appError) request.log.error({ err }, 'unexpected error');
    const e = appError ?? new AppError('internal', 'internal_error', 'Internal server error. The details are in the server log.');
    const status = (e as AppError & { statusOverride?: number }).statusOverride ?? e.status;
    switch (group) {
      case 'jira':
        return reply.code(status).header('content-type', 'application/json;charset=UTF-8').send(jiraErrorBody(e));
      case 'oauth':
        return reply.code(status).header('content-type', 'application/x-www-form-urlencoded')
          .send(`oauth_problem=${status >= 500 ? 'internal_error' : 'parameter_rejected'}&oauth_problem_advice=${encodeURIComponent(e.message)}`);
      case 'api':
        return reply.code(status).send({ error: e.code, message: e.message });
      default:
        return reply.code(status).headers(PAGE_HEADERS).send(renderPage('Error', errorPage(status >= 500 ? 'Something went wrong' : 'Request refused', e.message)));
    }
  };
}

export function notFoundHandler(request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const group = routeGroup(request.url);
  const message = group === 'jira' ? 'Null or not found: there is no REST resource at this path.' : 'There is nothing at this address.';
  const err = new AppError('not_found', 'not_found', message);
  switch (group) {
    case 'jira':
      return reply.code(404).header('content-type', 'application/json;charset=UTF-8').send(jiraErrorBody(err));
    case 'oauth':
      return reply.code(404).header('content-type', 'application/x-www-form-urlencoded').send('oauth_problem=parameter_rejected&oauth_problem_advice=Unknown%20OAuth%20endpoint');
    case 'api':
      return reply.code(404).send({ error: err.code, message });
    default:
      return reply.code(404).headers(PAGE_HEADERS).send(renderPage('Not found', errorPage('Not found', message)));
  }
}
