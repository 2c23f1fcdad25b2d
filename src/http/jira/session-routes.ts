// Jira's cookie login for scripts, /rest/auth/1/session and its alias /rest/auth/latest/session:
// GET (who am I; 401 without a login), POST {"username","password"} (a new session, the browser login's
// cookie and lifetime), DELETE (log out). A user with a second factor is refused whatever the password, with
// the same message as Basic auth: a password alone never reaches the API for them (they use OAuth or a token).
import type { FastifyInstance } from 'fastify';
import { AppError } from '../../errors/app-error.js';
import type { Accounts } from '../../services/accounts.js';
import type { Audit } from '../../services/audit.js';
import type { PolicyService } from '../../services/policy.js';
import type { Sessions } from '../../services/sessions.js';
import { checkApiPassword } from '../authentication.js';
import { requireUser } from '../principal.js';
import { currentSession, SESSION_COOKIE, setSessionCookie } from '../web/session-cookie.js';
import { linksFor } from './jira-objects.js';

export const JIRA_AUTH_PREFIXES = ['/rest/auth/1', '/rest/auth/latest'] as const;

export interface SessionRouteDeps {
  accounts: Accounts;
  policy: PolicyService;
  sessions: Sessions;
  audit: Audit;
  baseUrl: string;
  secureCookies: boolean;
  sessionLifetimeSeconds: number;
}

export async function registerSessionRoutes(app: FastifyInstance, deps: SessionRouteDeps): Promise<void> {
  const links = linksFor(deps.baseUrl);
  for (const prefix of JIRA_AUTH_PREFIXES) {
    app.get(`${prefix}/session`, async (request) => {
      const principal = requireUser(request);
      return { self: `${links.api}/user?username=${encodeURIComponent(principal.username)}`, name: principal.username, loginInfo: {} };
    });

    app.post(`${prefix}/session`, async (request, reply) => {
      const { username, password } = credentials(request.body);
      const user = await checkApiPassword(deps, reply, { username, password, ip: request.ip, via: 'rest_session' },
        () => new AppError('unauthenticated', 'login_failed', 'Login failed: wrong username or password.'));
      // Always a new session id (no fixation); an existing cookie's session ends here.
      const fresh = await deps.sessions.completeLogin(await currentSession(deps.sessions, request), user.id);
      setSessionCookie(reply, fresh, deps.secureCookies, deps.sessionLifetimeSeconds);
      await deps.audit.record('login.succeeded', { actorId: user.id, ip: request.ip, via: 'rest_session' });
      reply.header('x-ausername', user.username);
      // The cookie's real name: clients that build the Cookie header from this answer send the right one.
      return { session: { name: SESSION_COOKIE, value: fresh.cookie }, loginInfo: {} };
    });

    app.delete(`${prefix}/session`, async (request, reply) => {
      requireUser(request);
      const session = await currentSession(deps.sessions, request);
      if (session) await deps.sessions.destroy(session);
      const attributes = [`${SESSION_COOKIE}=`, 'Path=/', 'HttpOnly', 'SameSite=Lax', 'Max-Age=0'];
      if (deps.secureCookies) attributes.push('Secure');
      return reply.header('set-cookie', attributes.join('; ')).code(204).send();
    });
  }
}

function credentials(body: unknown): { username: string; password: string } {
  const b = typeof body === 'object' && body !== null && !Array.isArray(body) ? body as Record<string, unknown> : undefined;
  const username = b?.['username'];
  const password = b?.['password'];
  if (typeof username !== 'string' || typeof password !== 'string' || username === '') {
    throw new AppError('bad_request', 'invalid_body', 'The request body must be a JSON object: {"username":"…","password":"…"}.');
  }
  return { username, password };
}
