// Passkeys in the browser. Sign-in (and the step-up check before a security change): the passkey page, then
// two JSON calls its script makes, options and the signed answer. Enrolment on the security page: the same
// pair. WebAuthn has no plain-form way, so these endpoints speak JSON: the session's CSRF token travels in the
// `x-csrf-token` header, and every refusal is a small `{error, message}` body with its 4xx status (plus
// `redirect` when the browser should go elsewhere), which the page shows as it is. A wrong answer at sign-in
// counts like a wrong code: per user before it is checked, and per transaction (five end it).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../../errors/app-error.js';
import { PASSKEY_MESSAGES, type PasskeyProblem, type PasskeyService } from '../../services/passkeys.js';
import type { Session } from '../../services/sessions.js';
import { sendPage } from '../web/html.js';
import { completeRestrictedLogin } from '../web/security-routes.js';
import { SECURITY } from '../web/security-pages.js';
import { csrfValid, currentSession, safeReturnPath } from '../web/session-cookie.js';
import { passkeyPage } from './login-pages.js';
import {
  countFailure, loginPath, passCheck, pendingCheck, TOO_MANY_FAILURES, type PendingCheck, type SecondFactorDeps,
} from './second-factor-flow.js';

// Read once at start-up. The browser half of SimpleWebAuthn (its UMD bundle, global SimpleWebAuthnBrowser)
// turns the JSON options into WebAuthn calls and the answers back into the JSON the server library reads;
// using the same project on both sides keeps the encodings in step. Our own script only drives the pages.
const requireFrom = createRequire(import.meta.url);
const BROWSER_LIBRARY = readFileSync(join(dirname(requireFrom.resolve('@simplewebauthn/browser')), '../dist/bundle/index.umd.min.js'), 'utf8');
const PASSKEY_SCRIPT = readFileSync(new URL('../../../src/web/passkeys.js', import.meta.url), 'utf8');

/** The scripts a page with a passkey ceremony loads, in order. */
export const PASSKEY_SCRIPTS = ['/static/simplewebauthn-browser.js', '/static/passkeys.js'];

export interface PasskeyDeps extends SecondFactorDeps {
  passkeys: PasskeyService;
}

type Body = Record<string, unknown>;

export async function registerPasskeyRoutes(app: FastifyInstance, deps: PasskeyDeps): Promise<void> {
  const script = (source: string) => async (_req: FastifyRequest, reply: FastifyReply) =>
    reply.header('content-type', 'text/javascript; charset=utf-8').header('cache-control', 'no-cache').send(source);
  app.get('/static/simplewebauthn-browser.js', script(BROWSER_LIBRARY));
  app.get('/static/passkeys.js', script(PASSKEY_SCRIPT));

  app.get('/login/passkey', async (req, reply) => {
    const next = safeReturnPath((req.query as Record<string, unknown>)['next']);
    const check = await pendingCheck(deps, req);
    const kinds = check ? await deps.factors.kinds(check.userId) : [];
    if (!check || !kinds.includes('passkey')) return reply.code(303).header('location', loginPath(next)).send();
    return sendPage(reply, 200, 'Sign in', passkeyPage({ purpose: check.purpose, kinds, next, csrf: check.session.csrf_token }), PASSKEY_SCRIPTS);
  });

  // The JSON endpoints, in a context of their own so that even a body Fastify cannot parse is answered in JSON.
  await app.register(async (api) => {
    api.setErrorHandler((err, req, reply) => {
      if (err instanceof AppError) return refuse(reply, err);
      const status = (err as { statusCode?: unknown }).statusCode;
      if (typeof status === 'number' && status >= 400 && status < 500) {
        return reply.code(status).header('cache-control', 'no-store').send({ error: 'invalid_body', message: 'The request is not the JSON this endpoint expects.' });
      }
      req.log.error({ err }, 'unexpected error');
      return reply.code(500).header('cache-control', 'no-store').send({ error: 'internal_error', message: 'Internal server error. The details are in the server log.' });
    });

    /** The sign-in (or step-up) check in progress, with a passkey to use and this session's CSRF token. */
    const signInCheck = async (req: FastifyRequest): Promise<{ check: PendingCheck; body: Body; next: string }> => {
      const body = bodyOf(req);
      const next = safeReturnPath(body['next']);
      const check = await pendingCheck(deps, req);
      if (!check || !(await deps.factors.kinds(check.userId)).includes('passkey')) {
        throw withRedirect(new AppError('unauthenticated', 'not_authenticated', 'Your sign-in expired. Sign in again.'), loginPath(next));
      }
      if (!csrfValid(check.session, req.headers['x-csrf-token'])) throw csrfRefusal();
      return { check, body, next };
    };

    api.post('/login/passkey/options', async (req, reply) => {
      const { check } = await signInCheck(req);
      return json(reply, await deps.passkeys.startAuthentication(check.session, check.userId));
    });

    api.post('/login/passkey', async (req, reply) => {
      const { check, body, next } = await signInCheck(req);
      const throttle = await deps.accounts.countSecondFactorAttempt(check.userId);
      if (throttle.locked) {
        reply.header('retry-after', String(throttle.retryAfterSeconds));
        return refuse(reply, new AppError('too_many_requests', 'second_factor_locked',
          `Too many failed sign-in checks for this account. Try again in ${Math.ceil(throttle.retryAfterSeconds / 60)} minutes.`));
      }
      const result = await deps.passkeys.finishAuthentication(check.session, check.userId, body['response']);
      if (result.ok) {
        await passCheck(deps, req, reply, check, 'passkey');
        return json(reply, { redirect: next });
      }
      await deps.audit.record('login.passkey_refused', { actorId: check.userId, ip: req.ip, problem: result.problem, purpose: check.purpose });
      // An expired challenge is no guess at anything: it does not use up one of the transaction's tries.
      if (result.problem !== 'expired' && !(await countFailure(deps, req, check, 'passkey'))) {
        const again = check.purpose === 'login' ? loginPath(next) : '/login';
        return refuse(reply, withRedirect(new AppError('unauthenticated', 'second_factor_failures', TOO_MANY_FAILURES), again));
      }
      return refuse(reply, problemError(result.problem));
    });

    /** A signed-in (or enrolling) user, this session's CSRF token, and a fresh check: else a refusal. */
    const securityCheck = async (req: FastifyRequest) => {
      const body = bodyOf(req);
      const next = safeReturnPath(body['next']);
      const back = `${SECURITY}?next=${encodeURIComponent(next)}`;
      const s: Session | undefined = await currentSession(deps.sessions, req);
      if (!s || s.user_id === null || (s.state !== 'authenticated' && s.state !== 'enrolment_required')) {
        throw withRedirect(new AppError('unauthenticated', 'not_authenticated', 'Your session ended. Sign in again.'), `/login?next=${encodeURIComponent(back)}`);
      }
      if (!csrfValid(s, req.headers['x-csrf-token'])) throw csrfRefusal();
      // An enrolment-only session whose user has a factor by now (enrolled meanwhile, perhaps by someone else)
      // proves nothing about that factor: it signs in with it first (the security page starts that).
      if (s.state === 'enrolment_required' && (await deps.factors.kinds(s.user_id)).length > 0) {
        throw withRedirect(new AppError('unauthenticated', 'not_authenticated', 'Your account has a second factor now: sign in with it first.'), back);
      }
      if (!deps.sessions.isFresh(s)) {
        throw withRedirect(new AppError('forbidden', 'step_up_required', "Adding a passkey needs a fresh check that it is you."),
          `/login/verify?next=${encodeURIComponent(back)}`);
      }
      return { session: s, userId: s.user_id, restricted: s.state === 'enrolment_required', body, next, back };
    };

    api.post(`${SECURITY}/passkeys/options`, async (req, reply) => {
      const w = await securityCheck(req);
      const user = await deps.accounts.findById(w.userId);
      if (!user) throw new AppError('unauthenticated', 'not_authenticated', 'Your session ended. Sign in again.');
      return json(reply, await deps.passkeys.startRegistration(w.session, { id: user.id, username: user.username, displayName: user.display_name }));
    });

    api.post(`${SECURITY}/passkeys`, async (req, reply) => {
      const w = await securityCheck(req);
      const name = typeof w.body['name'] === 'string' ? w.body['name'] : undefined;
      const result = await deps.passkeys.finishRegistration(w.session, w.userId, w.body['response'], name, req.ip);
      if (!result.ok) return refuse(reply, problemError(result.problem));
      // The ceremony verified the user on the new passkey: under the policy, that completes the sign-in.
      if (w.restricted) {
        await completeRestrictedLogin(deps, req, reply, w.session, w.userId, 'passkey');
        return json(reply, { redirect: w.next, id: result.id, name: result.name });
      }
      return json(reply, { redirect: w.back, id: result.id, name: result.name });
    });
  });
}

function bodyOf(req: FastifyRequest): Body {
  if (typeof req.body !== 'object' || req.body === null || Array.isArray(req.body)) {
    throw new AppError('bad_request', 'invalid_body', 'Send a JSON object (Content-Type: application/json).');
  }
  return req.body as Body;
}

const json = (reply: FastifyReply, body: unknown) => reply.code(200).header('cache-control', 'no-store').send(body);

const csrfRefusal = () => new AppError('forbidden', 'csrf_invalid', 'This page expired. Reload it and try again.');

/** A refusal that tells the page where to go next (sign in again, confirm it's you). */
function withRedirect(err: AppError, redirect: string): AppError {
  return Object.assign(err, { redirect });
}

function refuse(reply: FastifyReply, err: AppError): FastifyReply {
  const redirect = (err as AppError & { redirect?: string }).redirect;
  return reply.code(err.status).header('cache-control', 'no-store')
    .send({ error: err.code, message: err.message, ...(redirect ? { redirect } : {}) });
}

function problemError(problem: PasskeyProblem): AppError {
  const message = PASSKEY_MESSAGES[problem];
  switch (problem) {
    case 'expired': return new AppError('bad_request', 'passkey_ceremony_expired', message);
    case 'malformed':
    case 'wrong_ceremony':
    case 'challenge_mismatch': return new AppError('bad_request', 'passkey_response_invalid', message);
    case 'wrong_site': return new AppError('bad_request', 'passkey_wrong_site', message);
    case 'user_not_verified': return new AppError('unauthenticated', 'passkey_user_not_verified', message);
    case 'bad_signature': return new AppError('unauthenticated', 'passkey_signature_invalid', message);
    case 'counter_not_increased': return new AppError('unauthenticated', 'passkey_counter_refused', message);
    case 'unknown_credential': return new AppError('unauthenticated', 'passkey_unknown', message);
    case 'already_registered': return new AppError('conflict', 'passkey_exists', message);
  }
}
