// Browser login, step one: the password. Then, for a user with a second factor, the page of their default
// method (push first; the others under "use another method"); for a user the policy requires to have one
// and who has none, the enrolment pages only. GET pages render; POST forms change state and carry the
// session's CSRF token.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Session } from '../../services/sessions.js';
import { sendPage } from '../web/html.js';
import {
  csrfValid, currentSession, ensureSession, parseForm, safeReturnPath, setSessionCookie,
} from '../web/session-cookie.js';
import { errorPage, homePage, loginForm, methodsPage } from './login-pages.js';
import { randomAlphanumeric } from '../../services/secrets.js';
import { methodPath, SECURITY_PATH, startPush, type PendingCheck, type SecondFactorDeps } from './second-factor-flow.js';

export async function registerLoginRoutes(app: FastifyInstance, deps: SecondFactorDeps): Promise<void> {
  const { accounts, sessions } = deps;
  const session = (req: FastifyRequest, reply: FastifyReply) =>
    ensureSession(sessions, req, reply, deps.secureCookies, deps.sessionLifetimeSeconds);
  const passwordOnlyLogin = async (reply: FastifyReply, old: Session | undefined, userId: number, next: string, ip: string) => {
    const fresh = await sessions.completeLogin(old, userId);
    setSessionCookie(reply, fresh, deps.secureCookies, deps.sessionLifetimeSeconds);
    await deps.audit.record('login.succeeded', { actorId: userId, ip, method: 'password' });
    return reply.code(303).header('location', next).send();
  };

  app.get('/', async (req, reply) => {
    const s = await currentSession(sessions, req);
    if (s?.state === 'enrolment_required') return reply.code(303).header('location', SECURITY_PATH).send();
    if (s?.state !== 'authenticated' || s.user_id === null) return reply.code(303).header('location', '/login').send();
    const user = await accounts.findById(s.user_id);
    if (!user) return reply.code(303).header('location', '/login').send();
    // Signed in before the policy required a factor: enrolment first.
    if ((await deps.policy.requiresSecondFactor(user)) && (await deps.factors.kinds(user.id)).length === 0) {
      return reply.code(303).header('location', SECURITY_PATH).send();
    }
    return sendPage(reply, 200, 'Home', homePage({ displayName: user.display_name, username: user.username, csrf: s.csrf_token }));
  });

  app.get('/login', async (req, reply) => {
    const next = safeReturnPath((req.query as Record<string, unknown>)['next']);
    const s = await session(req, reply);
    if (s.state === 'authenticated') return reply.code(303).header('location', next).send();
    if (s.state === 'enrolment_required') return reply.code(303).header('location', `${SECURITY_PATH}?next=${encodeURIComponent(next)}`).send();
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
    const kinds = await deps.factors.kinds(user.id);
    if (kinds.length === 0) {
      if (!(await deps.policy.requiresSecondFactor(user))) return passwordOnlyLogin(reply, s, user.id, next, req.ip);
      const restricted = await sessions.requireEnrolment(s, user.id);
      setSessionCookie(reply, restricted, deps.secureCookies, deps.sessionLifetimeSeconds);
      await deps.audit.record('login.enrolment_required', { actorId: user.id, ip: req.ip });
      return reply.code(303).header('location', `${SECURITY_PATH}?next=${encodeURIComponent(next)}`).send();
    }

    // Password done: the session now waits for a second factor, in a transaction of its own, under a new
    // session id (a cookie planted before the password must not be the one the approval completes).
    const loginTx = randomAlphanumeric(32);
    const waiting = await sessions.beginSecondFactor(s, user.id, loginTx);
    setSessionCookie(reply, waiting, deps.secureCookies, deps.sessionLifetimeSeconds);
    const pending: PendingCheck = { session: waiting, userId: user.id, purpose: 'login' };
    const first = kinds[0]!;
    if (first === 'push') {
      const started = await startPush(deps, req, reply, pending, next);
      if (!started.ok) {
        return sendPage(reply, 429, 'Sign in', methodsPage({ purpose: 'login', kinds: kinds.filter((k) => k !== 'push'), next, csrf: waiting.csrf_token, error: started.message }));
      }
    }
    return reply.code(303).header('location', methodPath(first, next)).send();
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
