// Browser login: password, then (for users with an authenticator) a push challenge bound to this login
// transaction. GET pages render; POST forms change state and carry the session's CSRF token.
import { readFileSync } from 'node:fs';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Accounts } from '../../services/accounts.js';
import type { Audit } from '../../services/audit.js';
import { PUSH_LIMIT_WINDOW_MS, type PushService } from '../../services/push.js';
import { AppError } from '../../errors/app-error.js';
import { randomAlphanumeric } from '../../services/secrets.js';
import type { Session, Sessions } from '../../services/sessions.js';
import { PAGE_HEADERS, renderPage, type Html } from '../web/html.js';
import {
  csrfValid, currentSession, ensureSession, parseForm, safeReturnPath, setSessionCookie,
} from '../web/session-cookie.js';
import { challengePage, errorPage, failedChallengePage, homePage, loginForm } from './login-pages.js';

export interface LoginDeps {
  accounts: Accounts;
  sessions: Sessions;
  push: PushService;
  audit: Audit;
  secureCookies: boolean;
  sessionLifetimeSeconds: number;
  /** The application a return URL is about (an OAuth authorize URL names its application link), for the push. */
  describeApplication(returnPath: string): Promise<string | null>;
}

const CHALLENGE_SCRIPT = readFileSync(new URL('../../../src/web/challenge.js', import.meta.url), 'utf8');

export function sendPage(reply: FastifyReply, status: number, title: string, body: Html, script?: string): FastifyReply {
  return reply.code(status).headers(PAGE_HEADERS).send(renderPage(title, body, script ? { script } : {}));
}

export async function registerLoginRoutes(app: FastifyInstance, deps: LoginDeps): Promise<void> {
  const { accounts, sessions, push } = deps;
  const session = (req: FastifyRequest, reply: FastifyReply) =>
    ensureSession(sessions, req, reply, deps.secureCookies, deps.sessionLifetimeSeconds);
  const finishLogin = async (reply: FastifyReply, old: Session | undefined, userId: number, next: string, ip: string) => {
    const fresh = await sessions.completeLogin(old, userId);
    setSessionCookie(reply, fresh, deps.secureCookies, deps.sessionLifetimeSeconds);
    await deps.audit.record('login.succeeded', { actorId: userId, ip });
    return reply.code(303).header('location', next).send();
  };

  app.get('/static/challenge.js', async (_req, reply) =>
    reply.header('content-type', 'text/javascript; charset=utf-8').header('cache-control', 'no-cache').send(CHALLENGE_SCRIPT));

  app.get('/', async (req, reply) => {
    const s = await currentSession(sessions, req);
    if (s?.state !== 'authenticated' || s.user_id === null) return reply.code(303).header('location', '/login').send();
    const user = await accounts.findById(s.user_id);
    if (!user) return reply.code(303).header('location', '/login').send();
    return sendPage(reply, 200, 'Home', homePage({ displayName: user.display_name, username: user.username, csrf: s.csrf_token }));
  });

  app.get('/login', async (req, reply) => {
    const next = safeReturnPath((req.query as Record<string, unknown>)['next']);
    const s = await session(req, reply);
    if (s.state === 'authenticated') return reply.code(303).header('location', next).send();
    return sendPage(reply, 200, 'Sign in', loginForm({ csrf: s.csrf_token, next }));
  });

  app.post('/login', async (req, reply) => {
    const form = parseForm(req.body);
    const next = safeReturnPath(form.get('next'));
    const s = await currentSession(sessions, req);
    if (!csrfValid(s, form.get('csrf'))) {
      const fresh = await session(req, reply);
      return sendPage(reply, 403, 'Sign in', loginForm({ csrf: fresh.csrf_token, next, error: 'Your sign-in form expired. Please try again.' }));
    }
    const username = form.get('username') ?? '';
    const check = await accounts.checkPassword(username, form.get('password') ?? '');
    if (!check.ok && check.locked) {
      await deps.audit.record('login.locked', { ip: req.ip, username: username.slice(0, 64) });
      reply.header('retry-after', String(check.retryAfterSeconds));
      return sendPage(reply, 429, 'Sign in', loginForm({ csrf: s!.csrf_token, next, username,
        error: `Too many failed sign-ins for this account. Try again in ${Math.ceil(check.retryAfterSeconds / 60)} minutes.` }));
    }
    const user = check.ok ? check.user : undefined;
    if (!user) {
      await deps.audit.record('login.failed', { ip: req.ip, username: username.slice(0, 64) });
      return sendPage(reply, 401, 'Sign in', loginForm({ csrf: s!.csrf_token, next, username, error: 'Wrong username or password.' }));
    }
    if (!(await accounts.hasSecondFactor(user.id))) return finishLogin(reply, s, user.id, next, req.ip);

    const loginTx = randomAlphanumeric(32);
    try {
      await push.createChallenge({
        userId: user.id, loginTx, service: 'Tessera', application: await deps.describeApplication(next), ip: req.ip,
      });
    } catch (err) {
      if (!(err instanceof AppError) || err.code !== 'push_rate_limited') throw err;
      await deps.audit.record('push.rate_limited', { actorId: user.id, ip: req.ip });
      reply.header('retry-after', String(PUSH_LIMIT_WINDOW_MS / 1000));
      return sendPage(reply, 429, 'Sign in', loginForm({ csrf: s!.csrf_token, next, username, error: err.message }));
    }
    await sessions.awaitSecondFactor(s!, user.id, loginTx);
    return reply.code(303).header('location', `/login/challenge?next=${encodeURIComponent(next)}`).send();
  });

  app.get('/login/challenge', async (req, reply) => {
    const next = safeReturnPath((req.query as Record<string, unknown>)['next']);
    const s = await currentSession(sessions, req);
    if (s?.state !== 'second_factor' || s.user_id === null || s.login_tx === null) {
      return reply.code(303).header('location', `/login?next=${encodeURIComponent(next)}`).send();
    }
    const challenge = await push.challengeFor(s.user_id, s.login_tx);
    if (!challenge) return reply.code(303).header('location', '/login').send();
    return sendPage(reply, 200, 'Approve sign-in',
      challengePage({ csrf: s.csrf_token, next, symbol: challenge.symbol, application: challenge.application }), '/static/challenge.js');
  });

  // Live updates for the challenge page: one event when the authenticator has decided (or the challenge ended).
  app.get('/login/challenge/events', async (req, reply) => {
    const s = await currentSession(sessions, req);
    if (s?.state !== 'second_factor' || s.user_id === null || s.login_tx === null) return reply.code(401).send();
    const challenge = await push.challengeFor(s.user_id, s.login_tx);
    if (!challenge) return reply.code(404).send();
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive', 'x-accel-buffering': 'no' });
    res.write('retry: 1000\n\n');
    const userId = s.user_id;
    const loginTx = s.login_tx;
    let done = false;
    const finish = (state: string) => {
      if (done) return;
      done = true;
      clearInterval(poll);
      push.events.off(`decided:${challenge.id}`, onDecided);
      res.end(`event: decided\ndata: ${JSON.stringify({ state })}\n\n`);
    };
    const onDecided = (state: string) => finish(state);
    push.events.on(`decided:${challenge.id}`, onDecided);
    // Other processes (and expiry) are noticed by polling the database once a second.
    const poll = setInterval(() => {
      push.challengeFor(userId, loginTx).then((c) => {
        if (!c || c.state !== 'pending') finish(c?.state ?? 'expired');
      }).catch(() => finish('error'));
    }, 1000);
    req.raw.on('close', () => {
      done = true;
      clearInterval(poll);
      push.events.off(`decided:${challenge.id}`, onDecided);
    });
    if (challenge.state !== 'pending') finish(challenge.state);
  });

  app.post('/login/challenge', async (req, reply) => {
    const form = parseForm(req.body);
    const next = safeReturnPath(form.get('next'));
    const s = await currentSession(sessions, req);
    if (!csrfValid(s, form.get('csrf'))) {
      return sendPage(reply, 403, 'Sign-in not approved', failedChallengePage('This form is no longer valid. Please sign in again.'));
    }
    if (s!.state !== 'second_factor' || s!.user_id === null || s!.login_tx === null) {
      return reply.code(303).header('location', `/login?next=${encodeURIComponent(next)}`).send();
    }
    const userId = s!.user_id;
    const challenge = await push.challengeFor(userId, s!.login_tx);
    if (challenge?.state === 'pending') {
      return sendPage(reply, 200, 'Approve sign-in', challengePage({
        csrf: s!.csrf_token, next, symbol: challenge.symbol, application: challenge.application,
        message: 'Not approved yet. Pick the symbol above on your authenticator, then continue.',
      }), '/static/challenge.js');
    }
    if (challenge?.state === 'approved' && (await push.consumeApproval(userId, s!.login_tx, challenge.id))) {
      return finishLogin(reply, s, userId, next, req.ip);
    }
    await sessions.reset(s!);
    await deps.audit.record('login.second_factor_failed', { actorId: userId, ip: req.ip, state: challenge?.state ?? 'missing' });
    const reason = challenge?.state === 'suspended'
      ? 'A newer sign-in replaced this one.'
      : challenge?.state === 'expired' ? 'The request on your authenticator expired.' : 'The request was denied on your authenticator.';
    return sendPage(reply, 401, 'Sign-in not approved', failedChallengePage(reason));
  });

  app.post('/logout', async (req, reply) => {
    const form = parseForm(req.body);
    const s = await currentSession(sessions, req);
    if (!csrfValid(s, form.get('csrf'))) return sendPage(reply, 403, 'Sign out', errorPage('Sign out failed', 'This form is no longer valid.'));
    await sessions.destroy(s!);
    reply.header('set-cookie', 'tessera_session=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0');
    return reply.code(303).header('location', '/login').send();
  });
}
