// The typed second factors (a TOTP code, a recovery code), the method list, and the step-up entry page that
// security changes send a signed-in user to. Every attempt is counted per user before it is checked, so a
// stolen password cannot buy unlimited guesses across login transactions, and per transaction (five wrong
// answers end it).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { FactorKind } from '../../services/second-factors.js';
import { TOTP_MESSAGES } from '../../services/totp.js';
import { sendPage } from '../web/html.js';
import { csrfValid, currentSession, parseForm, safeReturnPath } from '../web/session-cookie.js';
import { codeForm, errorPage, failedChallengePage, methodsPage, verifyPasswordForm } from './login-pages.js';
import {
  completeCheck, countFailure, loginPath, MAX_FACTOR_FAILURES, pendingCheck, SECURITY_PATH, TOO_MANY_FAILURES, type PendingCheck,
  type SecondFactorDeps,
} from './second-factor-flow.js';

type CodeKind = 'totp' | 'recovery';

export async function registerCodeLoginRoutes(app: FastifyInstance, deps: SecondFactorDeps): Promise<void> {
  const nextOf = (req: FastifyRequest) => safeReturnPath((req.query as Record<string, unknown>)['next']);
  /** The check in progress, if the user has this kind of factor; otherwise where to send them. */
  const checkFor = async (req: FastifyRequest, kind: FactorKind | null) => {
    const check = await pendingCheck(deps, req);
    if (!check) return undefined;
    const kinds = await deps.factors.kinds(check.userId);
    if (kind !== null && !kinds.includes(kind)) return undefined;
    return { check, kinds };
  };

  app.get('/login/methods', async (req, reply) => {
    const next = nextOf(req);
    const found = await checkFor(req, null);
    if (!found) return reply.code(303).header('location', loginPath(next)).send();
    return sendPage(reply, 200, 'Sign in', methodsPage({ purpose: found.check.purpose, kinds: found.kinds, next, csrf: found.check.session.csrf_token }));
  });

  // Step-up: a signed-in user proves it is them again before a security change. Without a second factor
  // (yet), the password is what they have.
  app.get('/login/verify', async (req, reply) => {
    const next = nextOf(req);
    const s = await currentSession(deps.sessions, req);
    if (!s || s.user_id === null || (s.state !== 'authenticated' && s.state !== 'enrolment_required')) {
      return reply.code(303).header('location', loginPath(next)).send();
    }
    const kinds = await deps.factors.kinds(s.user_id);
    // An enrolment-only session whose user has a factor by now (an authenticator enrolled by link) signs in
    // with it; the security page starts that.
    if (s.state === 'enrolment_required' && kinds.length > 0) return reply.code(303).header('location', `${SECURITY_PATH}?next=${encodeURIComponent(next)}`).send();
    if (kinds.length === 0) return sendPage(reply, 200, "Confirm it's you", verifyPasswordForm({ next, csrf: s.csrf_token }));
    return sendPage(reply, 200, "Confirm it's you", methodsPage({ purpose: 'step-up', kinds, next, csrf: s.csrf_token }));
  });

  app.post('/login/verify', async (req, reply) => {
    const form = parseForm(req.body);
    const next = safeReturnPath(form.get('next'));
    const s = await currentSession(deps.sessions, req);
    if (!s || s.user_id === null || !csrfValid(s, form.get('csrf')) || (s.state !== 'authenticated' && s.state !== 'enrolment_required')) {
      return sendPage(reply, 403, "Confirm it's you", errorPage("Confirm it's you", 'This form is no longer valid. Sign in again.'));
    }
    // A password confirms only users without a second factor; the others must use one (an enrolment-only
    // session of a user who has one by now signs in with it).
    if ((await deps.factors.kinds(s.user_id)).length > 0) {
      const to = s.state === 'enrolment_required' ? SECURITY_PATH : '/login/verify';
      return reply.code(303).header('location', `${to}?next=${encodeURIComponent(next)}`).send();
    }
    const user = await deps.accounts.findById(s.user_id);
    const check = await deps.accounts.checkPassword(user?.username ?? '', form.get('password') ?? '');
    if (!check.ok || check.user.id !== s.user_id) {
      await deps.audit.record('step_up.failed', { actorId: s.user_id, ip: req.ip, method: 'password' });
      // Like a wrong code: five wrong step-up answers sign the session out (a stolen session cannot keep guessing).
      if ((await deps.sessions.countFactorFailure(s)) >= MAX_FACTOR_FAILURES) {
        await deps.sessions.destroy(s);
        return sendPage(reply, 401, "Confirm it's you", failedChallengePage(TOO_MANY_FAILURES, loginPath(next)));
      }
      const error = !check.ok && check.locked ? 'Too many failed attempts. Try again later.' : 'Wrong password.';
      return sendPage(reply, 401, "Confirm it's you", verifyPasswordForm({ next, csrf: s.csrf_token, error }));
    }
    await deps.sessions.markVerified(s);
    await deps.audit.record('step_up.succeeded', { actorId: s.user_id, ip: req.ip, method: 'password' });
    return reply.code(303).header('location', next).send();
  });

  for (const kind of ['totp', 'recovery'] as const) {
    const path = kind === 'totp' ? '/login/totp' : '/login/recovery';
    const page = (reply: FastifyReply, status: number, check: PendingCheck, kinds: FactorKind[], next: string, error?: string) =>
      sendPage(reply, status, 'Sign in', codeForm({ purpose: check.purpose, kind, kinds, next, csrf: check.session.csrf_token, ...(error ? { error } : {}) }));

    app.get(path, async (req, reply) => {
      const next = nextOf(req);
      const found = await checkFor(req, kind);
      if (!found) return reply.code(303).header('location', loginPath(next)).send();
      return page(reply, 200, found.check, found.kinds, next);
    });

    app.post(path, async (req, reply) => {
      const form = parseForm(req.body);
      const next = safeReturnPath(form.get('next'));
      const found = await checkFor(req, kind);
      if (!found) return reply.code(303).header('location', loginPath(next)).send();
      const { check, kinds } = found;
      if (!csrfValid(check.session, form.get('csrf'))) return page(reply, 403, check, kinds, next, 'This form expired. Please try again.');
      const throttle = await deps.accounts.countSecondFactorAttempt(check.userId);
      if (throttle.locked) {
        reply.header('retry-after', String(throttle.retryAfterSeconds));
        return page(reply, 429, check, kinds, next, `Too many wrong codes for this account. Try again in ${Math.ceil(throttle.retryAfterSeconds / 60)} minutes.`);
      }
      const error = await checkCode(deps, kind, check.userId, form.get('code') ?? '');
      if (error === null) {
        if (kind === 'recovery') await deps.audit.record('second_factor.recovery_code_used', { actorId: check.userId, ip: req.ip });
        return completeCheck(deps, req, reply, check, next, kind);
      }
      if (!(await countFailure(deps, req, check, kind))) {
        return sendPage(reply, 401, 'Sign-in not approved', failedChallengePage(TOO_MANY_FAILURES, loginPath(next)));
      }
      return page(reply, 401, check, kinds, next, error);
    });
  }
}

/** null when the code is good (and now used); otherwise the message to show. */
async function checkCode(deps: SecondFactorDeps, kind: CodeKind, userId: number, code: string): Promise<string | null> {
  if (kind === 'totp') {
    const result = await deps.totp.verify(userId, code);
    return result.ok ? null : TOTP_MESSAGES[result.problem];
  }
  return (await deps.recoveryCodes.consume(userId, code)) ? null : 'That recovery code is not valid, or was already used.';
}
