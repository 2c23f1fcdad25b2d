// The push second factor in the browser: the challenge page shows the access-pass symbol and continues once
// the authenticator has approved (live, over a server-sent event stream; without JavaScript, with the Continue
// button). The approval counts only for the transaction kept in this session, and only once.
import { readFileSync } from 'node:fs';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { sendPage } from '../web/html.js';
import { csrfValid, parseForm, safeReturnPath } from '../web/session-cookie.js';
import { challengePage, failedChallengePage, methodsPage } from './login-pages.js';
import {
  completeCheck, loginPath, pendingCheck, startPush, type PendingCheck, type SecondFactorDeps,
} from './second-factor-flow.js';

const CHALLENGE_SCRIPT = readFileSync(new URL('../../../src/web/challenge.js', import.meta.url), 'utf8');

const FAILURE_REASONS: Record<string, string> = {
  suspended: 'A newer sign-in replaced this one.',
  expired: 'The request on your authenticator expired.',
  reported: 'You reported this sign-in as not yours on your authenticator. It was blocked and recorded.',
  denied: 'The request was denied on your authenticator.',
};

export async function registerPushLoginRoutes(app: FastifyInstance, deps: SecondFactorDeps): Promise<void> {
  const { push, sessions } = deps;
  const withChallenge = async (check: PendingCheck | undefined) => {
    if (!check || check.session.login_tx === null) return undefined;
    const challenge = await push.challengeFor(check.userId, check.session.login_tx);
    return challenge ? { check, challenge, loginTx: check.session.login_tx } : undefined;
  };
  const render = async (reply: FastifyReply, check: PendingCheck, next: string, challenge: { symbol: string; application: string | null }, message?: string) =>
    sendPage(reply, 200, 'Approve sign-in', challengePage({
      csrf: check.session.csrf_token, next, symbol: challenge.symbol, application: challenge.application, purpose: check.purpose,
      kinds: await deps.factors.kinds(check.userId), ...(message ? { message } : {}),
    }), '/static/challenge.js');

  // Waiting login pages would keep app.close() waiting until their challenges expire: end them first.
  const open = new Set<() => void>();
  app.addHook('preClose', async () => { for (const end of [...open]) end(); });

  app.get('/static/challenge.js', async (_req, reply) =>
    reply.header('content-type', 'text/javascript; charset=utf-8').header('cache-control', 'no-cache').send(CHALLENGE_SCRIPT));

  // "Send a push" from the method list (or again after a failure): a new challenge for this transaction.
  app.post('/login/push', async (req, reply) => {
    const form = parseForm(req.body);
    const next = safeReturnPath(form.get('next'));
    const check = await pendingCheck(deps, req);
    if (!check || !csrfValid(check.session, form.get('csrf'))) return reply.code(303).header('location', loginPath(next)).send();
    // Only for a user who has an authenticator: nobody could answer the push, and it would use up their limit.
    if (!(await deps.factors.kinds(check.userId)).includes('push')) {
      return reply.code(303).header('location', `/login/methods?next=${encodeURIComponent(next)}`).send();
    }
    const started = await startPush(deps, req, reply, check, next);
    if (!started.ok) {
      const kinds = (await deps.factors.kinds(check.userId)).filter((k) => k !== 'push');
      return sendPage(reply, 429, 'Sign in', methodsPage({ purpose: check.purpose, kinds, next, csrf: check.session.csrf_token, error: started.message }));
    }
    return reply.code(303).header('location', `/login/challenge?next=${encodeURIComponent(next)}`).send();
  });

  app.get('/login/challenge', async (req, reply) => {
    const next = safeReturnPath((req.query as Record<string, unknown>)['next']);
    const found = await withChallenge(await pendingCheck(deps, req));
    if (!found) return reply.code(303).header('location', loginPath(next)).send();
    return render(reply, found.check, next, found.challenge);
  });

  // Live updates for the challenge page: one event when the authenticator has decided (or the challenge ended).
  app.get('/login/challenge/events', async (req, reply) => {
    const found = await withChallenge(await pendingCheck(deps, req));
    if (!found) return reply.code(401).send();
    const { challenge, loginTx } = found;
    const userId = found.check.userId;
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive', 'x-accel-buffering': 'no' });
    res.write('retry: 1000\n\n');
    let done = false;
    const stop = () => {
      done = true;
      clearInterval(poll);
      push.events.off(`decided:${challenge.id}`, finish);
      open.delete(shutdown);
    };
    const shutdown = () => { stop(); res.end(); };
    open.add(shutdown);
    function finish(state: string) {
      if (done) return;
      stop();
      res.end(`event: decided\ndata: ${JSON.stringify({ state })}\n\n`);
    }
    push.events.on(`decided:${challenge.id}`, finish);
    // Other processes (and expiry) are noticed by polling the database once a second.
    const poll = setInterval(() => {
      push.challengeFor(userId, loginTx).then((c) => {
        if (!c || c.state !== 'pending') finish(c?.state ?? 'expired');
      }).catch(() => finish('error'));
    }, 1000);
    req.raw.on('close', stop);
    if (challenge.state !== 'pending') finish(challenge.state);
  });

  app.post('/login/challenge', async (req, reply) => {
    const form = parseForm(req.body);
    const next = safeReturnPath(form.get('next'));
    const check = await pendingCheck(deps, req);
    if (!check || !csrfValid(check.session, form.get('csrf'))) {
      return sendPage(reply, 403, 'Sign-in not approved', failedChallengePage('This form is no longer valid. Please sign in again.', loginPath(next)));
    }
    const found = await withChallenge(check);
    if (!found) return reply.code(303).header('location', loginPath(next)).send();
    const { challenge, loginTx } = found;
    if (challenge.state === 'pending') {
      return render(reply, found.check, next, challenge, 'Not approved yet. Pick the symbol above on your authenticator, then continue.');
    }
    if (challenge.state === 'approved' && (await push.consumeApproval(found.check.userId, loginTx, challenge.id))) {
      return completeCheck(deps, req, reply, found.check, next, 'push');
    }
    // Denied, reported, replaced or expired: this transaction is over.
    if (found.check.purpose === 'login') await sessions.reset(found.check.session);
    else await sessions.endStepUp(found.check.session);
    await deps.audit.record('login.second_factor_failed', { actorId: found.check.userId, ip: req.ip, method: 'push', state: challenge.state });
    const again = found.check.purpose === 'login' ? loginPath(next) : `/login/verify?next=${encodeURIComponent(next)}`;
    return sendPage(reply, 401, 'Sign-in not approved', failedChallengePage(FAILURE_REASONS[challenge.state] ?? FAILURE_REASONS['denied']!, again));
  });
}
