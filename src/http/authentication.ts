// Authentication for the REST API: separate methods tried in order (OAuth 1.0a signature, Basic, session
// cookie), apart from the handlers. A request that presents credentials which fail gets a 401 at once; one
// that presents none goes on as anonymous and the route decides (requireUser).
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../errors/app-error.js';
import { OAuthProblem, problemResponse } from '../protocol/oauth1/problems.js';
import type { Accounts, User } from '../services/accounts.js';
import type { Audit } from '../services/audit.js';
import type { OAuthProvider } from '../services/oauth-provider.js';
import { ENROLMENT_REQUIRED_MESSAGE, type PolicyService } from '../services/policy.js';
import type { Sessions } from '../services/sessions.js';
import type { Principal } from './principal.js';
import { rawRequestOf } from './raw-request.js';
import { readCookie, SESSION_COOKIE } from './web/session-cookie.js';

export interface AuthenticationDeps {
  accounts: Accounts;
  policy: PolicyService;
  audit: Audit;
  sessions: Sessions;
  provider: OAuthProvider;
  baseUrl: string;
}

export const SECOND_FACTOR_MESSAGE =
  'This account uses two-factor authentication, so its password alone cannot be used for the REST API. ' +
  'Connect through an OAuth 1.0a application link instead.';

type Method = (request: FastifyRequest, reply: FastifyReply) => Promise<Principal | null | undefined>;

/**
 * The policy requires a second factor this user does not have yet: nothing on the API answers them (not
 * their password, not a token granted before the policy) until they enrol one on the web.
 */
export async function refuseUnenrolled(deps: Pick<AuthenticationDeps, 'accounts' | 'policy' | 'audit'>,
  user: { id: number; is_admin: number }, ip: string, via: string, knownWithoutFactor = false): Promise<void> {
  if (!(await deps.policy.requiresSecondFactor(user))) return;
  if (!knownWithoutFactor && (await deps.accounts.hasSecondFactor(user.id))) return;
  await deps.audit.record('login.enrolment_required', { actorId: user.id, ip, via });
  throw new AppError('unauthenticated', 'second_factor_enrolment_required', ENROLMENT_REQUIRED_MESSAGE);
}

/**
 * A password presented to the API (Basic auth, `POST /rest/auth/1/session`): the lockout first (403
 * AUTHENTICATION_DENIED); then a user with a second factor is refused whatever the password (never a way
 * around it); then a wrong password (401 AUTHENTICATED_FAILED, with the caller's error); then a
 * user the policy requires to enrol. Each refusal is audited with `via`.
 */
export async function checkApiPassword(deps: Pick<AuthenticationDeps, 'accounts' | 'policy' | 'audit'>, reply: FastifyReply,
  attempt: { username: string; password: string; ip: string; via: string }, wrongPassword: () => AppError): Promise<User> {
  const { username, ip, via } = attempt;
  const check = await deps.accounts.checkPassword(username, attempt.password);
  if (!check.ok && check.locked) {
    await deps.audit.record('login.locked', { ip, username: username.slice(0, 64), via });
    reply.header('x-seraph-loginreason', 'AUTHENTICATION_DENIED');
    throw new AppError('forbidden', 'login_locked',
      `Too many failed logins for this account. Try again in ${Math.ceil(check.retryAfterSeconds / 60)} minutes.`);
  }
  const user = check.ok ? check.user : undefined;
  const candidate = user ?? (await deps.accounts.findByUsername(username));
  if (candidate && (await deps.accounts.hasSecondFactor(candidate.id))) {
    await deps.audit.record('login.second_factor_bypass_refused', { actorId: candidate.id, ip, via });
    reply.header('x-seraph-loginreason', 'AUTHENTICATION_DENIED');
    throw new AppError('unauthenticated', 'second_factor_required', SECOND_FACTOR_MESSAGE);
  }
  if (!user) {
    await deps.audit.record('login.failed', { ip, username: username.slice(0, 64), via });
    reply.header('x-seraph-loginreason', 'AUTHENTICATED_FAILED');
    throw wrongPassword();
  }
  await refuseUnenrolled(deps, user, ip, via, true);
  return user;
}

export function authenticationHook(deps: AuthenticationDeps) {
  const oauth: Method = async (request, reply) => {
    const header = request.headers.authorization;
    if (!header || !/^OAuth\s/i.test(header)) return undefined;
    try {
      const { userId, consumerKey } = await deps.provider.verifyResourceRequest(rawRequestOf(request));
      const user = await deps.accounts.findById(userId);
      if (!user) return null;
      await refuseUnenrolled(deps, user, request.ip, 'oauth');
      return { userId, username: user.username, isAdmin: user.is_admin === 1, method: 'oauth', consumerKey };
    } catch (err) {
      if (!(err instanceof OAuthProblem)) throw err;
      const { headers } = problemResponse(err, deps.baseUrl);
      if (headers['WWW-Authenticate']) reply.header('www-authenticate', headers['WWW-Authenticate']);
      const advice = err.code === 'signature_invalid' && err.baseString ? ` Expected signature base string: ${err.baseString}` : '';
      throw new AppError(err.status === 400 ? 'bad_request' : 'unauthenticated', `oauth_${err.code}`,
        `OAuth request refused: ${err.code}.${advice}`);
    }
  };

  const basic: Method = async (request, reply) => {
    const header = request.headers.authorization;
    if (!header || !/^Basic\s/i.test(header)) return undefined;
    const decoded = Buffer.from(header.replace(/^Basic\s+/i, ''), 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    const username = colon === -1 ? decoded : decoded.slice(0, colon);
    const password = colon === -1 ? '' : decoded.slice(colon + 1);
    const user = await checkApiPassword(deps, reply, { username, password, ip: request.ip, via: 'basic' },
      () => new AppError('unauthenticated', 'basic_auth_failed', 'Basic authentication failed: wrong username or password.'));
    return { userId: user.id, username: user.username, isAdmin: user.is_admin === 1, method: 'basic' };
  };

  const session: Method = async (request) => {
    const s = await deps.sessions.load(readCookie(request, SESSION_COOKIE));
    // A half-finished login (password done, second factor pending) is not a login.
    if (!s || s.state !== 'authenticated' || s.user_id === null) return undefined;
    const user = await deps.accounts.findById(s.user_id);
    if (!user || user.active !== 1) return undefined;
    // Signed in before the policy changed: the session reaches nothing but enrolment now.
    await refuseUnenrolled(deps, user, request.ip, 'session');
    return { userId: user.id, username: user.username, isAdmin: user.is_admin === 1, method: 'session' };
  };

  const methods: Method[] = [oauth, basic, session];

  return async function authenticate(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    request.principal = null;
    for (const method of methods) {
      const principal = await method(request, reply);
      if (principal === undefined) continue;
      if (principal === null) throw new AppError('unauthenticated', 'not_authenticated', 'The credentials name a user that no longer exists.');
      request.principal = principal;
      break;
    }
    reply.header('x-ausername', request.principal?.username ?? 'anonymous');
  };
}
