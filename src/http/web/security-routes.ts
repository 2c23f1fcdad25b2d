// The security page: each user's authenticators, TOTP apps, passkeys and recovery codes. Every change needs
// the session to have proved its user recently (a step-up check at /login/verify), and carries the session's
// CSRF token. A user the policy requires to have a second factor reaches only this page until they have one;
// then they sign in with it, as anyone else does.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import QRCode from 'qrcode';
import { methodPath, startPush, type SecondFactorDeps } from '../auth/second-factor-flow.js';
import { randomAlphanumeric } from '../../services/secrets.js';
import type { FactorKind, RemovableFactor } from '../../services/second-factors.js';
import { TOTP_MESSAGES } from '../../services/totp.js';
import type { Session } from '../../services/sessions.js';
import { errorPage } from '../auth/login-pages.js';
import { sendPage } from './html.js';
import { authenticatorEnrolmentPage, recoveryCodesPage, SECURITY, securityPage, totpEnrolmentPage } from './security-pages.js';
import { csrfValid, currentSession, parseForm, safeReturnPath, setSessionCookie } from './session-cookie.js';

export interface SecurityDeps extends SecondFactorDeps {
  enrollmentUri(code: string): string;
  /** Extra scripts the security page loads (the passkey ceremony). */
  securityScripts: string[];
}

/**
 * A user who had to enrol (the policy's `enrolment_required` session) has just proved possession of a new
 * factor in this session (a TOTP code, a passkey ceremony with user verification): the login completes, under
 * a new session id. An authenticator enrolled by link proves nothing here, so it signs in with a push instead.
 */
export async function finishRestrictedLogin(deps: SecondFactorDeps, req: FastifyRequest, reply: FastifyReply, session: Session,
  userId: number, next: string, method: FactorKind): Promise<FastifyReply> {
  await completeRestrictedLogin(deps, req, reply, session, userId, method);
  return reply.code(303).header('location', next).send();
}

/** finishRestrictedLogin without the redirect, for JSON endpoints (passkey registration) that answer `{redirect}`. */
export async function completeRestrictedLogin(deps: SecondFactorDeps, req: FastifyRequest, reply: FastifyReply, session: Session,
  userId: number, method: FactorKind): Promise<void> {
  const fresh = await deps.sessions.completeLogin(session, userId);
  setSessionCookie(reply, fresh, deps.secureCookies, deps.sessionLifetimeSeconds);
  await deps.audit.record('login.succeeded', { actorId: userId, ip: req.ip, method, enrolled: true });
}

const REMOVABLE: Record<string, RemovableFactor> = { authenticators: 'authenticator', totp: 'totp', passkeys: 'passkey' };

export const qrDataUrl = (text: string) => QRCode.toDataURL(text, { errorCorrectionLevel: 'M', margin: 2, scale: 6 });

export async function registerSecurityRoutes(app: FastifyInstance, deps: SecurityDeps): Promise<void> {
  const { sessions } = deps;
  type Who = { session: Session; userId: number; restricted: boolean };
  const who = async (req: FastifyRequest): Promise<Who | undefined> => {
    const s = await currentSession(sessions, req);
    if (!s || s.user_id === null || (s.state !== 'authenticated' && s.state !== 'enrolment_required')) return undefined;
    return { session: s, userId: s.user_id, restricted: s.state === 'enrolment_required' };
  };
  const toLogin = (reply: FastifyReply, next: string) => reply.code(303).header('location', `/login?next=${encodeURIComponent(`${SECURITY}?next=${encodeURIComponent(next)}`)}`).send();
  const back = (next: string) => `${SECURITY}?next=${encodeURIComponent(next)}`;

  /** For a POST: the signed-in user, a valid CSRF token and a fresh check; else the reply already sent. */
  const guard = async (req: FastifyRequest, reply: FastifyReply): Promise<{ who: Who; form: URLSearchParams; next: string } | FastifyReply> => {
    const form = parseForm(req.body);
    const next = safeReturnPath(form.get('next'));
    const w = await who(req);
    if (!w) return toLogin(reply, next);
    if (!csrfValid(w.session, form.get('csrf'))) return sendPage(reply, 403, 'Security', errorPage('Security', 'This form is no longer valid. Go back and try again.'));
    // An enrolment-only session whose user has a factor by now (an authenticator enrolled by link) must sign
    // in with it: it may not add, confirm or remove anything around it. The security page starts that sign-in.
    if (w.restricted && (await deps.factors.kinds(w.userId)).length > 0) return reply.code(303).header('location', back(next)).send();
    if (!sessions.isFresh(w.session)) return reply.code(303).header('location', `/login/verify?next=${encodeURIComponent(back(next))}`).send();
    return { who: w, form, next };
  };
  const isReply = (x: unknown): x is FastifyReply => typeof x === 'object' && x !== null && 'sent' in x && 'code' in x;

  const render = async (reply: FastifyReply, w: Who, next: string, status = 200, extra: { notice?: string; error?: string } = {}) => {
    const user = await deps.accounts.findById(w.userId);
    if (!user) return toLogin(reply, next);
    return sendPage(reply, status, 'Security', securityPage({
      user: { username: user.username, displayName: user.display_name }, summary: await deps.factors.summary(w.userId),
      csrf: w.session.csrf_token, next, enrolmentRequired: w.restricted, fresh: sessions.isFresh(w.session), ...extra,
    }), deps.securityScripts);
  };

  app.get(SECURITY, async (req, reply) => {
    const next = safeReturnPath((req.query as Record<string, unknown>)['next']);
    const w = await who(req);
    if (!w) return toLogin(reply, next);
    // Enrolment done under the policy: now sign in with the new factor, like everyone else.
    if (w.restricted) {
      const kinds = await deps.factors.kinds(w.userId);
      if (kinds.length > 0) {
        const loginTx = randomAlphanumeric(32);
        await sessions.awaitSecondFactor(w.session, w.userId, loginTx);
        const check = { session: { ...w.session, state: 'second_factor' as const, login_tx: loginTx }, userId: w.userId, purpose: 'login' as const };
        if (kinds[0] === 'push' && !(await startPush(deps, req, reply, check, next)).ok) return reply.code(303).header('location', `/login/methods?next=${encodeURIComponent(next)}`).send();
        return reply.code(303).header('location', methodPath(kinds[0]!, next)).send();
      }
    }
    return render(reply, w, next);
  });

  app.post(`${SECURITY}/authenticators`, async (req, reply) => {
    const g = await guard(req, reply);
    if (isReply(g)) return g;
    const uri = deps.enrollmentUri(await deps.push.createEnrollmentCode(g.who.userId));
    await deps.audit.record('authenticator.enrollment_link_issued', { actorId: g.who.userId, ip: req.ip, via: 'security page' });
    return sendPage(reply, 200, 'Add an authenticator', authenticatorEnrolmentPage({ uri, qr: await qrDataUrl(uri), next: g.next }));
  });

  app.post(`${SECURITY}/totp`, async (req, reply) => {
    const g = await guard(req, reply);
    if (isReply(g)) return g;
    const user = await deps.accounts.findById(g.who.userId);
    const started = await deps.totp.begin(g.who.userId, user!.username, 'Authenticator app');
    return sendPage(reply, 200, 'Set up an authenticator app', totpEnrolmentPage({
      ...started, qr: await qrDataUrl(started.uri), csrf: g.who.session.csrf_token, next: g.next,
    }));
  });

  app.post<{ Params: { id: string } }>(`${SECURITY}/totp/:id/confirm`, async (req, reply) => {
    const g = await guard(req, reply);
    if (isReply(g)) return g;
    const result = await deps.totp.confirm(g.who.userId, req.params.id, g.form.get('code') ?? '', g.form.get('name') ?? undefined, req.ip);
    if (result.ok) {
      // The code just proved possession of the new factor: under the policy, that completes the sign-in.
      if (g.who.restricted) return finishRestrictedLogin(deps, req, reply, g.who.session, g.who.userId, g.next, 'totp');
      return render(reply, g.who, g.next, 200, { notice: 'Your authenticator app is set up.' });
    }
    if (result.problem === 'expired') return render(reply, g.who, g.next, 400, { error: 'That set-up expired. Start again.' });
    const user = await deps.accounts.findById(g.who.userId);
    const pending = await deps.totp.pending(g.who.userId, req.params.id, user!.username);
    if (!pending) return render(reply, g.who, g.next, 400, { error: 'That set-up expired. Start again.' });
    return sendPage(reply, 400, 'Set up an authenticator app', totpEnrolmentPage({
      ...pending, qr: await qrDataUrl(pending.uri), csrf: g.who.session.csrf_token, next: g.next, error: TOTP_MESSAGES[result.problem],
    }));
  });

  app.post<{ Params: { kind: string; id: string } }>(`${SECURITY}/:kind/:id/remove`, async (req, reply) => {
    const g = await guard(req, reply);
    if (isReply(g)) return g;
    // Own keys only: `constructor` or `__proto__` in the path must not reach the database layer as a kind.
    const kind = Object.hasOwn(REMOVABLE, req.params.kind) ? REMOVABLE[req.params.kind] : undefined;
    const removed = kind !== undefined && (await deps.factors.remove(g.who.userId, kind, req.params.id, req.ip));
    return removed
      ? render(reply, g.who, g.next, 200, { notice: 'Removed.' })
      : render(reply, g.who, g.next, 404, { error: 'There is no such device or credential on your account.' });
  });

  app.post(`${SECURITY}/recovery-codes`, async (req, reply) => {
    const g = await guard(req, reply);
    if (isReply(g)) return g;
    if ((await deps.factors.kinds(g.who.userId)).length === 0) {
      return render(reply, g.who, g.next, 400, { error: 'Set up a second factor first; recovery codes back it up.' });
    }
    const codes = await deps.recoveryCodes.regenerate(g.who.userId, req.ip);
    return sendPage(reply, 200, 'Your recovery codes', recoveryCodesPage({ codes, next: g.next }));
  });
}
