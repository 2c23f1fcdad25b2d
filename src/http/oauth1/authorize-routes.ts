// The user-facing step of the OAuth dance: /plugins/servlet/oauth/authorize. GET shows who asks for what
// (after login); POST records Allow or Deny. Unknown, expired or used tokens get an error page and never
// an Allow button.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Accounts } from '../../services/accounts.js';
import type { Audit } from '../../services/audit.js';
import type { OAuthProvider } from '../../services/oauth-provider.js';
import { ENROLMENT_REQUIRED_MESSAGE, type PolicyService } from '../../services/policy.js';
import type { Sessions } from '../../services/sessions.js';
import { html, sendPage } from '../web/html.js';
import { csrfValid, currentSession, parseForm } from '../web/session-cookie.js';
import { errorPage } from '../auth/login-pages.js';

export const AUTHORIZE_PATH = '/plugins/servlet/oauth/authorize';

export interface AuthorizeDeps {
  provider: OAuthProvider;
  accounts: Accounts;
  policy: PolicyService;
  sessions: Sessions;
  audit: Audit;
}

const INVALID_TOKEN = 'This authorization request is unknown, has expired or was already used. Go back to the application and start again.';

/** Appends OAuth parameters to a callback URL, keeping its own query. */
export function callbackWith(callback: string, params: Record<string, string>): string {
  const url = new URL(callback);
  for (const [k, v] of Object.entries(params)) url.searchParams.append(k, v);
  return url.toString();
}

export async function registerAuthorizeRoutes(app: FastifyInstance, deps: AuthorizeDeps): Promise<void> {
  /** The signed-in user; `enrol` when the policy requires a second factor they do not have yet. */
  const signedInUser = async (req: FastifyRequest) => {
    const s = await currentSession(deps.sessions, req);
    if (s?.state === 'enrolment_required') return 'enrol' as const;
    if (s?.state !== 'authenticated' || s.user_id === null) return undefined;
    const user = await deps.accounts.findById(s.user_id);
    if (!user || user.active !== 1) return undefined;
    if ((await deps.policy.requiresSecondFactor(user)) && !(await deps.accounts.hasSecondFactor(user.id))) return 'enrol' as const;
    return { session: s, user };
  };
  const toEnrolment = (reply: FastifyReply, req: FastifyRequest) =>
    reply.code(303).header('location', `/secure/security?next=${encodeURIComponent(req.raw.url ?? AUTHORIZE_PATH)}`).send();
  const invalid = (reply: FastifyReply) => sendPage(reply, 400, 'Authorization failed', errorPage('Authorization failed', INVALID_TOKEN));

  app.get(AUTHORIZE_PATH, async (req, reply) => {
    const token = (req.query as Record<string, unknown>)['oauth_token'];
    if (typeof token !== 'string' || token === '') return invalid(reply);
    const who = await signedInUser(req);
    if (who === 'enrol') return toEnrolment(reply, req);
    if (!who) return reply.code(303).header('location', `/login?next=${encodeURIComponent(req.raw.url ?? AUTHORIZE_PATH)}`).send();
    const pending = await deps.provider.findPendingRequestToken(token);
    if (!pending) return invalid(reply);
    return sendPage(reply, 200, 'Allow access?', html`<h1>Allow access?</h1>
<p><strong>${pending.consumerName}</strong> asks for read and write access to Tessera
as <strong>${who.user.display_name}</strong> (${who.user.username}).</p>
<p class="muted">It will be able to read and change everything you can, until its access expires or an administrator removes the application link.</p>
<form method="post" action="${AUTHORIZE_PATH}">
<input type="hidden" name="csrf" value="${who.session.csrf_token}"><input type="hidden" name="oauth_token" value="${token}">
<div class="actions"><button type="submit" name="decision" value="allow">Allow</button>
<button type="submit" name="decision" value="deny" class="secondary">Deny</button></div>
</form>`);
  });

  app.post(AUTHORIZE_PATH, async (req, reply) => {
    const form = parseForm(req.body);
    const who = await signedInUser(req);
    if (who === 'enrol') return sendPage(reply, 403, 'Authorization failed', errorPage('Authorization failed', ENROLMENT_REQUIRED_MESSAGE));
    if (!who) return sendPage(reply, 401, 'Authorization failed', errorPage('Authorization failed', 'Please sign in first.'));
    if (!csrfValid(who.session, form.get('csrf'))) {
      return sendPage(reply, 403, 'Authorization failed', errorPage('Authorization failed', 'This form is no longer valid. Go back and try again.'));
    }
    const token = form.get('oauth_token') ?? '';
    const decision = form.get('decision');
    const pending = await deps.provider.findPendingRequestToken(token);
    if (!pending) return invalid(reply);
    if (decision === 'allow') {
      const granted = await deps.provider.authorizeRequestToken(token, who.user.id);
      if (!granted) return invalid(reply);
      await deps.audit.record('oauth.authorized', { actorId: who.user.id, ip: req.ip, consumer: pending.consumerKey });
      if (granted.callback !== 'oob') {
        return reply.code(303).header('location', callbackWith(granted.callback, { oauth_token: token, oauth_verifier: granted.verifier })).send();
      }
      return sendPage(reply, 200, 'Access allowed', html`<h1>Access allowed</h1>
<p>Give this verification code to <strong>${pending.consumerName}</strong>:</p>
<div class="verifier" data-verifier="${granted.verifier}">${granted.verifier}</div>
<p class="muted">It works once, for a few minutes.</p>`);
    }
    if (decision === 'deny') {
      const denied = await deps.provider.denyRequestToken(token, who.user.id);
      if (!denied) return invalid(reply);
      await deps.audit.record('oauth.denied', { actorId: who.user.id, ip: req.ip, consumer: pending.consumerKey });
      if (denied.callback !== 'oob') {
        return reply.code(303).header('location', callbackWith(denied.callback, { oauth_token: token, oauth_verifier: 'denied' })).send();
      }
      return sendPage(reply, 200, 'Access denied', html`<h1>Access denied</h1><p>${pending.consumerName} was not given access. You can close this page.</p>`);
    }
    return sendPage(reply, 400, 'Authorization failed', errorPage('Authorization failed', 'Choose Allow or Deny.'));
  });
}
