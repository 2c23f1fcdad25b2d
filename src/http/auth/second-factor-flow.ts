// What every second-factor page shares: which check a session is in (finishing a login, or a step-up check of
// a signed-in session before a security change), how a check ends (a new session id for a login; a fresh
// `verified_at` for a step-up), how wrong answers are counted, and which methods a user is offered.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../../errors/app-error.js';
import type { Accounts } from '../../services/accounts.js';
import type { Audit } from '../../services/audit.js';
import type { PolicyService } from '../../services/policy.js';
import { PUSH_LIMIT_WINDOW_MS, type PushService } from '../../services/push.js';
import type { RecoveryCodes } from '../../services/recovery-codes.js';
import { randomAlphanumeric } from '../../services/secrets.js';
import type { FactorKind, SecondFactors } from '../../services/second-factors.js';
import type { Session, Sessions } from '../../services/sessions.js';
import type { TotpService } from '../../services/totp.js';
import { currentSession, setSessionCookie } from '../web/session-cookie.js';

export interface SecondFactorDeps {
  accounts: Accounts;
  sessions: Sessions;
  push: PushService;
  factors: SecondFactors;
  totp: TotpService;
  recoveryCodes: RecoveryCodes;
  policy: PolicyService;
  audit: Audit;
  serviceName: string;
  secureCookies: boolean;
  sessionLifetimeSeconds: number;
  /** The application a return URL is about (an OAuth authorize URL names its application link), for the push. */
  describeApplication(returnPath: string): Promise<string | null>;
}

/** Wrong answers one transaction may give before it ends (the user starts again from the password). */
export const MAX_FACTOR_FAILURES = 5;

export const SECURITY_PATH = '/secure/security';

/** Where each method's page is. */
export const METHOD_PATHS: Record<FactorKind, string> = {
  push: '/login/challenge', passkey: '/login/passkey', totp: '/login/totp', recovery: '/login/recovery',
};
export const METHOD_LABELS: Record<FactorKind, string> = {
  push: 'Approve on my authenticator', passkey: 'Use a passkey', totp: 'Enter a code from my authenticator app', recovery: 'Use a recovery code',
};

export interface PendingCheck {
  session: Session;
  userId: number;
  /** login: password done, second factor pending. step-up: a signed-in session proving its user again. */
  purpose: 'login' | 'step-up';
}

export function pendingCheckOf(session: Session | undefined): PendingCheck | undefined {
  if (!session || session.user_id === null) return undefined;
  if (session.state === 'second_factor' && session.login_tx !== null) return { session, userId: session.user_id, purpose: 'login' };
  if (session.state === 'authenticated') return { session, userId: session.user_id, purpose: 'step-up' };
  return undefined;
}

export async function pendingCheck(deps: SecondFactorDeps, req: FastifyRequest): Promise<PendingCheck | undefined> {
  return pendingCheckOf(await currentSession(deps.sessions, req));
}

export const loginPath = (next: string) => `/login?next=${encodeURIComponent(next)}`;
export const methodPath = (kind: FactorKind, next: string) => `${METHOD_PATHS[kind]}?next=${encodeURIComponent(next)}`;

/**
 * Starts a push challenge for this check (bound to a new transaction id kept in the session). Returns the
 * refusal message when the user's push limit is reached.
 */
export async function startPush(deps: SecondFactorDeps, req: FastifyRequest, reply: FastifyReply, check: PendingCheck, next: string):
  Promise<{ ok: true } | { ok: false; message: string }> {
  const loginTx = randomAlphanumeric(32);
  try {
    await deps.push.createChallenge({
      userId: check.userId, loginTx, service: deps.serviceName, ip: req.ip,
      application: check.purpose === 'login' ? await deps.describeApplication(next) : 'Security settings',
    });
  } catch (err) {
    if (!(err instanceof AppError) || err.code !== 'push_rate_limited') throw err;
    await deps.audit.record('push.rate_limited', { actorId: check.userId, ip: req.ip });
    reply.header('retry-after', String(PUSH_LIMIT_WINDOW_MS / 1000));
    return { ok: false, message: err.message };
  }
  if (check.purpose === 'login') await deps.sessions.awaitSecondFactor(check.session, check.userId, loginTx);
  else await deps.sessions.beginStepUp(check.session, loginTx);
  return { ok: true };
}

/** The check passed: a login gets a new session id; a step-up marks the session fresh. Then on to `next`. */
export async function completeCheck(deps: SecondFactorDeps, req: FastifyRequest, reply: FastifyReply, check: PendingCheck,
  next: string, method: FactorKind): Promise<FastifyReply> {
  await passCheck(deps, req, reply, check, method);
  return reply.code(303).header('location', next).send();
}

/** completeCheck without the redirect, for JSON endpoints (the passkey ceremony) that answer `{redirect}`. */
export async function passCheck(deps: SecondFactorDeps, req: FastifyRequest, reply: FastifyReply, check: PendingCheck, method: FactorKind): Promise<void> {
  await deps.accounts.clearSecondFactorAttempts(check.userId);
  if (check.purpose === 'login') {
    const fresh = await deps.sessions.completeLogin(check.session, check.userId);
    setSessionCookie(reply, fresh, deps.secureCookies, deps.sessionLifetimeSeconds);
    await deps.audit.record('login.succeeded', { actorId: check.userId, ip: req.ip, method });
  } else {
    await deps.sessions.markVerified(check.session);
    await deps.audit.record('step_up.succeeded', { actorId: check.userId, ip: req.ip, method });
  }
}

/**
 * A wrong answer. Returns true when the transaction may go on; after MAX_FACTOR_FAILURES a login starts over
 * from the password and a step-up signs the session out (a stolen session cannot keep guessing).
 */
export async function countFailure(deps: SecondFactorDeps, req: FastifyRequest, check: PendingCheck, method: FactorKind): Promise<boolean> {
  const failures = await deps.sessions.countFactorFailure(check.session);
  await deps.audit.record('login.second_factor_failed', { actorId: check.userId, ip: req.ip, method, purpose: check.purpose });
  if (failures < MAX_FACTOR_FAILURES) return true;
  if (check.purpose === 'login') await deps.sessions.reset(check.session);
  else await deps.sessions.destroy(check.session);
  return false;
}

export const TOO_MANY_FAILURES = 'Too many wrong answers. Sign in again to start over.';
