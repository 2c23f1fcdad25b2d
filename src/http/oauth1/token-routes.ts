// The OAuth 1.0a token endpoints on Jira's servlet paths. Thin: build the raw request, let the provider
// answer, send its status, headers and form body. Only POST is served (Jira answers 405 with Allow: POST).
// An unexpected error is logged and answered 500 with a generic message: no stack, no oauth_problem (the
// client did nothing wrong that a problem code could name).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { formEncode } from '../../protocol/oauth1/percent-encoding.js';
import type { OAuthProvider, TokenResponse } from '../../services/oauth-provider.js';
import { rawRequestOf } from '../raw-request.js';

export const REQUEST_TOKEN_PATH = '/plugins/servlet/oauth/request-token';
export const ACCESS_TOKEN_PATH = '/plugins/servlet/oauth/access-token';

function send(reply: FastifyReply, response: TokenResponse): FastifyReply {
  return reply.code(response.status).headers(response.headers).send(response.body);
}

export async function registerOAuthTokenRoutes(app: FastifyInstance, deps: { provider: OAuthProvider }): Promise<void> {
  const endpoint = (step: (provider: OAuthProvider, request: FastifyRequest) => Promise<TokenResponse>) =>
    async (request: FastifyRequest, reply: FastifyReply) => {
      try {
        return send(reply, await step(deps.provider, request));
      } catch (err) {
        request.log.error({ err }, 'OAuth token endpoint failed');
        return reply.code(500).header('content-type', 'text/plain; charset=utf-8').header('cache-control', 'no-store')
          .send('The server could not answer this OAuth request. Try again later.');
      }
    };

  app.post(REQUEST_TOKEN_PATH, endpoint((provider, request) => provider.issueRequestToken(rawRequestOf(request))));
  app.post(ACCESS_TOKEN_PATH, endpoint((provider, request) => provider.exchangeAccessToken(rawRequestOf(request))));

  const notAllowed = async (request: FastifyRequest, reply: FastifyReply) => reply.code(405)
    .header('allow', 'POST')
    .header('content-type', 'application/x-www-form-urlencoded')
    .send(formEncode([
      ['oauth_problem', 'method_not_allowed'],
      ['oauth_problem_advice', `${request.method} is not allowed here: the token endpoints take POST.`],
    ]));
  for (const url of [REQUEST_TOKEN_PATH, ACCESS_TOKEN_PATH]) {
    // HEAD comes with GET (Fastify exposes HEAD routes for GET routes).
    app.route({ method: ['GET', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'], url, handler: notAllowed });
  }
}
