// buildApp(services): a Fastify instance with every route group, never listening (tests use inject()).
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import { pino } from 'pino';
import { authenticationHook } from './http/authentication.js';
import { registerDeviceRoutes } from './http/authenticator/device-routes.js';
import { registerWebAuthenticatorRoutes } from './http/authenticator/web-app-routes.js';
import { registerIconRoutes } from './http/web/icon-routes.js';
import { registerSecurityRoutes } from './http/web/security-routes.js';
import { registerCodeLoginRoutes } from './http/auth/code-login-routes.js';
import { registerLoginRoutes } from './http/auth/login-routes.js';
import { PASSKEY_SCRIPTS, registerPasskeyRoutes } from './http/auth/passkey-routes.js';
import { registerPushLoginRoutes } from './http/auth/push-login-routes.js';
import type { SecondFactorDeps } from './http/auth/second-factor-flow.js';
import { makeErrorHandler, notFoundHandler } from './http/error-mapper.js';
import { registerJiraRoutes } from './http/jira/routes.js';
import { registerSessionRoutes } from './http/jira/session-routes.js';
import { AUTHORIZE_PATH, registerAuthorizeRoutes } from './http/oauth1/authorize-routes.js';
import { registerOAuthTokenRoutes } from './http/oauth1/token-routes.js';
import type { Services } from './services/index.js';

export interface AppOptions {
  /** pino level, or false for no logging (tests). */
  logLevel?: string | false;
}

/** Log lines never carry query strings: they hold request tokens and other one-time values. */
export function redactedUrl(url: string | undefined): string {
  const u = url ?? '/';
  const q = u.indexOf('?');
  return q === -1 ? u : `${u.slice(0, q)}?…`;
}

export async function buildApp(services: Services, options: AppOptions = {}): Promise<FastifyInstance> {
  const { config } = services.context;
  const errorHandler = makeErrorHandler(config.baseUrl);
  const app = Fastify({
    logger: options.logLevel ? {
      level: options.logLevel,
      serializers: {
        // No headers (Authorization, cookies) and no query strings in log lines.
        req: (req: { method: string; url?: string; ip?: string }) => ({ method: req.method, url: redactedUrl(req.url), remoteAddress: req.ip }),
        // Fastify's client-error line carries the raw request bytes (rawPacket), credentials included: drop them.
        err: (err: Error) => {
          const { rawPacket: _raw, ...rest } = pino.stdSerializers.err(err) as ReturnType<typeof pino.stdSerializers.err> & { rawPacket?: unknown };
          return rest;
        },
      },
    } : false,
    bodyLimit: 1024 * 1024,
    trustProxy: false,
    // Errors Fastify raises before routing (a malformed URL, …) go through the same mapper as the rest.
    frameworkErrors: (err, request, reply) => errorHandler(err, request, reply),
  });

  app.decorateRequest('principal', null);
  app.decorateRequest('rawBody', undefined);

  // JSON: tolerate an empty body (python-jira sends Content-Type: application/json on GET and DELETE), keep
  // the raw text (device signatures cover it), answer bad JSON with a client error.
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser(['application/json', 'application/*+json'], { parseAs: 'string' }, (req, body, done) => {
    const text = body as string;
    (req as FastifyRequest & { rawBody?: string }).rawBody = text;
    if (text.trim() === '') return done(null, undefined);
    try {
      done(null, JSON.parse(text));
    } catch {
      const err = new SyntaxError('The request body is not valid JSON.') as SyntaxError & { statusCode: number; code: string };
      err.statusCode = 400;
      err.code = 'FST_ERR_CTP_INVALID_JSON_BODY';
      done(err, undefined);
    }
  });
  // Forms stay raw text: OAuth signs the body parameters exactly as sent.
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) => done(null, body));

  app.setErrorHandler(errorHandler);
  app.setNotFoundHandler(notFoundHandler);

  app.addHook('onSend', async (_req, reply) => {
    if (!reply.hasHeader('x-content-type-options')) reply.header('x-content-type-options', 'nosniff');
  });

  const secondFactorDeps: SecondFactorDeps = {
    accounts: services.accounts, sessions: services.sessions, push: services.push, factors: services.factors,
    totp: services.totp, recoveryCodes: services.recoveryCodes, policy: services.policy, audit: services.audit,
    serviceName: config.serviceName,
    secureCookies: config.baseUrl.startsWith('https:'), sessionLifetimeSeconds: config.sessionLifetimeSeconds,
    describeApplication: async (returnPath) => {
      const url = new URL(returnPath, 'http://local');
      if (url.pathname !== AUTHORIZE_PATH) return null;
      const token = url.searchParams.get('oauth_token');
      return token ? (await services.oauth.findPendingRequestToken(token))?.consumerName ?? null : null;
    },
  };
  await registerLoginRoutes(app, secondFactorDeps);
  await registerPushLoginRoutes(app, secondFactorDeps);
  await registerCodeLoginRoutes(app, secondFactorDeps);
  await registerPasskeyRoutes(app, { ...secondFactorDeps, passkeys: services.passkeys });
  await registerSecurityRoutes(app, {
    ...secondFactorDeps, enrollmentUri: (code) => services.push.enrollmentUri(code), securityScripts: PASSKEY_SCRIPTS,
  });
  await registerAuthorizeRoutes(app, { provider: services.oauth, accounts: services.accounts, policy: services.policy, sessions: services.sessions, audit: services.audit });
  await registerOAuthTokenRoutes(app, { provider: services.oauth });
  await registerDeviceRoutes(app, { push: services.push, serviceName: config.serviceName, basePath: new URL(config.baseUrl).pathname.replace(/\/$/, '') });
  await registerWebAuthenticatorRoutes(app);
  await registerIconRoutes(app);

  // The Jira REST API, in its own context so the authentication hook covers exactly these routes.
  await app.register(async (jira) => {
    jira.addHook('preHandler', authenticationHook({
      accounts: services.accounts, policy: services.policy, audit: services.audit, sessions: services.sessions, provider: services.oauth, baseUrl: config.baseUrl,
    }));
    await registerJiraRoutes(jira, { issues: services.issues, projects: services.projects, baseUrl: config.baseUrl });
    await registerSessionRoutes(jira, {
      accounts: services.accounts, policy: services.policy, sessions: services.sessions, audit: services.audit, baseUrl: config.baseUrl,
      secureCookies: config.baseUrl.startsWith('https:'), sessionLifetimeSeconds: config.sessionLifetimeSeconds,
    });
  });

  return app;
}

