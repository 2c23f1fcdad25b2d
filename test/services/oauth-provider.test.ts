// The OAuth 1.0a provider on a real SQLite file with a manual clock: the whole dance, then every refusal
// with its status and oauth_problem (issue 2, acceptance 6), signed by our own client code.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { OAuthProvider, VERIFIER_LENGTH } from '../../src/services/oauth-provider.js';
import { sha256Hex } from '../../src/services/secrets.js';
import { Consumers } from '../../src/services/consumers.js';
import { addUser, formFields, openOAuthTestContext, signedRaw, testClient, TESTCASES, type OAuthTestContext } from '../helpers/oauth-context.js';

const REQUEST_TOKEN = '/plugins/servlet/oauth/request-token';
const ACCESS_TOKEN = '/plugins/servlet/oauth/access-token';

let t: OAuthTestContext;
let provider: OAuthProvider;
let userId: number;

before(async () => {
  t = await openOAuthTestContext({ settings: { TESSERA_ACCESS_TOKEN_LIFETIME: '86400' } });
  provider = new OAuthProvider(t.ctx);
  userId = await addUser(t.ctx, 'alice');
  const consumers = new Consumers(t.ctx);
  await consumers.add({ key: 'test-app', name: 'Test App', publicKeyText: TESTCASES.publicPem });
  await consumers.add({ key: 'legacy-app', name: 'Legacy App', publicKeyText: TESTCASES.certPem, allowNoVerifier: true });
  await consumers.add({ key: 'other-app', name: 'Other App', publicKeyText: TESTCASES.publicPem });
});
after(async () => t.close());
beforeEach(() => t.clock.set(Date.now()));

const client = (options: Parameters<typeof testClient>[1] = {}) => testClient(t.ctx, options);

async function requestToken(c = client(), callback: string | undefined = 'oob') {
  const res = await provider.issueRequestToken(signedRaw(c, 'POST', REQUEST_TOKEN, { extra: callback === undefined ? {} : { oauth_callback: callback } }));
  assert.equal(res.status, 200, res.body);
  const fields = formFields(res.body);
  return { token: fields['oauth_token']!, tokenSecret: fields['oauth_token_secret']! };
}

async function accessToken(c = client()) {
  const rt = await requestToken(c);
  const granted = await provider.authorizeRequestToken(rt.token, userId);
  assert.ok(granted);
  const res = await provider.exchangeAccessToken(signedRaw(c, 'POST', ACCESS_TOKEN, { token: rt, extra: { oauth_verifier: granted.verifier } }));
  assert.equal(res.status, 200, res.body);
  return formFields(res.body)['oauth_token']!;
}

function assertProblem(res: { status: number; headers: Record<string, string>; body: string }, status: number, problem: string) {
  assert.equal(res.status, status, res.body);
  assert.equal(formFields(res.body)['oauth_problem'], problem, res.body);
  assert.equal(res.headers['WWW-Authenticate'], `OAuth realm="${t.ctx.config.baseUrl}", oauth_problem="${problem}"`);
  return formFields(res.body);
}

describe('the dance', () => {
  test('request token → authorize → access token → signed resource request', async () => {
    const c = client();
    const rtRes = await provider.issueRequestToken(signedRaw(c, 'POST', REQUEST_TOKEN, { extra: { oauth_callback: 'https://app.example/cb?x=1' } }));
    assert.equal(rtRes.status, 200);
    assert.equal(rtRes.headers['Content-Type'], 'application/x-www-form-urlencoded');
    assert.match(rtRes.body, /^oauth_token=[A-Za-z0-9]{32}&oauth_token_secret=[A-Za-z0-9]{32}&oauth_callback_confirmed=true$/);
    const rt = formFields(rtRes.body);
    const token = rt['oauth_token']!;

    // Only the hash is stored.
    const stored = await t.ctx.db.selectFrom('request_tokens').selectAll().where('token_hash', '=', sha256Hex(token)).executeTakeFirst();
    assert.equal(stored?.state, 'new');
    assert.equal(await t.ctx.db.selectFrom('request_tokens').select('token_hash').where('token_hash', '=', token).executeTakeFirst(), undefined);

    const pending = await provider.findPendingRequestToken(token);
    assert.deepEqual(pending, {
      consumerKey: 'test-app', consumerName: 'Test App', callback: 'https://app.example/cb?x=1', expiresAt: t.clock() + 600_000,
    });
    const granted = await provider.authorizeRequestToken(token, userId);
    assert.ok(granted);
    assert.equal(granted.callback, 'https://app.example/cb?x=1');
    assert.match(granted.verifier, new RegExp(`^[A-Za-z0-9]{${VERIFIER_LENGTH}}$`));
    assert.equal(await provider.findPendingRequestToken(token), null, 'no longer pending once authorized');
    assert.equal(await provider.authorizeRequestToken(token, userId), null, 'authorized only once');
    const row = await t.ctx.db.selectFrom('request_tokens').select('verifier').where('token_hash', '=', sha256Hex(token)).executeTakeFirstOrThrow();
    assert.equal(row.verifier, sha256Hex(granted.verifier), 'the verifier is stored as a hash');

    const atRes = await provider.exchangeAccessToken(signedRaw(c, 'POST', ACCESS_TOKEN, {
      token: { token, tokenSecret: rt['oauth_token_secret']! }, extra: { oauth_verifier: granted.verifier },
    }));
    assert.equal(atRes.status, 200, atRes.body);
    const at = formFields(atRes.body);
    assert.deepEqual(Object.keys(at), ['oauth_token', 'oauth_token_secret', 'oauth_expires_in', 'oauth_session_handle', 'oauth_authorization_expires_in']);
    assert.match(at['oauth_token']!, /^[A-Za-z0-9]{32}$/);
    assert.match(at['oauth_token_secret']!, /^[A-Za-z0-9]{32}$/);
    assert.equal(at['oauth_expires_in'], '86400');
    assert.equal(at['oauth_authorization_expires_in'], '86400');

    t.clock.advance(5000);
    const who = await provider.verifyResourceRequest(signedRaw(c, 'GET', '/rest/api/2/search?jql=project+%3D+DEMO&maxResults=5', { token: at['oauth_token']! }));
    assert.deepEqual(who, { userId, consumerKey: 'test-app' });
    const access = await t.ctx.db.selectFrom('access_tokens').selectAll().where('token_hash', '=', sha256Hex(at['oauth_token']!)).executeTakeFirstOrThrow();
    assert.equal(access.last_used_at, t.clock());
    assert.equal(access.session_handle_hash, sha256Hex(at['oauth_session_handle']!));
    // The nonce table keys on the token's hash, never the token.
    const nonces = await t.ctx.db.selectFrom('oauth_nonces').select('token').execute();
    assert.ok(nonces.some((n) => n.token === sha256Hex(at['oauth_token']!)));
    assert.ok(!nonces.some((n) => n.token === at['oauth_token'] || n.token === token));
  });

  test('a signed JSON POST: the body is not signed, form parameters are', async () => {
    const c = client();
    const token = await accessToken(c);
    const json = signedRaw(c, 'POST', '/rest/api/2/issue', { token });
    assert.equal((await provider.verifyResourceRequest({ ...json, contentType: 'application/json', body: '{"fields":{}}' })).userId, userId);
    const form = signedRaw(c, 'POST', '/rest/api/2/form', { token, form: 'a=1&b=x y' });
    assert.equal((await provider.verifyResourceRequest(form)).userId, userId);
    await assert.rejects(provider.verifyResourceRequest({ ...signedRaw(c, 'POST', '/rest/api/2/form', { token, form: 'a=1' }), body: 'a=2' }),
      { code: 'signature_invalid' });
  });

  test('legacy OAuth 1.0 when the admin allowed it: no callback, no verifier', async () => {
    const c = client({ consumerKey: 'legacy-app' });
    const rt = await requestToken(c, undefined);
    assert.equal((await provider.findPendingRequestToken(rt.token))?.callback, 'oob');
    assert.ok(await provider.authorizeRequestToken(rt.token, userId));
    const res = await provider.exchangeAccessToken(signedRaw(c, 'POST', ACCESS_TOKEN, { token: rt }));
    assert.equal(res.status, 200, res.body);
    assert.ok(formFields(res.body)['oauth_token']);
  });
});

describe('refusals', () => {
  test('a wrong signature: 401 signature_invalid with the base string', async () => {
    const raw = signedRaw(client(), 'POST', REQUEST_TOKEN, { extra: { oauth_callback: 'oob' } });
    // The client signed /request-token; the request arrives at another path.
    const res = await provider.issueRequestToken({ ...raw, query: 'extra=1' });
    const fields = assertProblem(res, 401, 'signature_invalid');
    const sent = formFields(raw.authorization!.replace(/^OAuth /, '').replace(/", /g, '&').replace(/="/g, '=').replace(/"$/, ''));
    assert.equal(fields['oauth_signature_base_string'],
      `POST&http%3A%2F%2Flocalhost%3A8080%2Fplugins%2Fservlet%2Foauth%2Frequest-token&extra%3D1%26oauth_callback%3Doob%26oauth_consumer_key%3Dtest-app%26oauth_nonce%3D${sent['oauth_nonce']}%26oauth_signature_method%3DRSA-SHA1%26oauth_timestamp%3D${sent['oauth_timestamp']}%26oauth_version%3D1.0`);
  });

  test('a signature by another key: 401 signature_invalid', async () => {
    const { generateKeyPairSync } = await import('node:crypto');
    const other = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
    assertProblem(await provider.issueRequestToken(signedRaw(client({ privateKeyPem: other }), 'POST', REQUEST_TOKEN, { extra: { oauth_callback: 'oob' } })), 401, 'signature_invalid');
  });

  test('a replayed nonce: 401 nonce_used', async () => {
    const raw = signedRaw(client(), 'POST', REQUEST_TOKEN, { extra: { oauth_callback: 'oob' } });
    assert.equal((await provider.issueRequestToken(raw)).status, 200);
    assertProblem(await provider.issueRequestToken(raw), 401, 'nonce_used');
  });

  test('a timestamp 301 s old: 400 timestamp_refused with the acceptable range; 300 s is still fine', async () => {
    const now = t.clock();
    const old = client({ now: () => now - 301_000 });
    const fields = assertProblem(await provider.issueRequestToken(signedRaw(old, 'POST', REQUEST_TOKEN, { extra: { oauth_callback: 'oob' } })), 400, 'timestamp_refused');
    const s = Math.floor(now / 1000);
    assert.equal(fields['oauth_acceptable_timestamps'], `${s - 300}-${s + 300}`);
    const edge = client({ now: () => Math.floor(now / 1000) * 1000 - 300_000 });
    assert.equal((await provider.issueRequestToken(signedRaw(edge, 'POST', REQUEST_TOKEN, { extra: { oauth_callback: 'oob' } }))).status, 200);
  });

  test('an unknown consumer: 401 consumer_key_unknown', async () => {
    assertProblem(await provider.issueRequestToken(signedRaw(client({ consumerKey: 'nobody' }), 'POST', REQUEST_TOKEN, { extra: { oauth_callback: 'oob' } })), 401, 'consumer_key_unknown');
  });

  test('an unknown token: 401 token_rejected, at access-token and on a resource', async () => {
    const c = client();
    assertProblem(await provider.exchangeAccessToken(signedRaw(c, 'POST', ACCESS_TOKEN, { token: 'x'.repeat(32), extra: { oauth_verifier: 'abc' } })), 401, 'token_rejected');
    await assert.rejects(provider.verifyResourceRequest(signedRaw(c, 'GET', '/rest/api/2/myself', { token: 'y'.repeat(32) })), { code: 'token_rejected', status: 401 });
    // A request token is no access token.
    const rt = await requestToken(c);
    await assert.rejects(provider.verifyResourceRequest(signedRaw(c, 'GET', '/rest/api/2/myself', { token: rt })), { code: 'token_rejected' });
  });

  test('a token of another application link: 401 token_rejected', async () => {
    const rt = await requestToken(client());
    const granted = await provider.authorizeRequestToken(rt.token, userId);
    assertProblem(await provider.exchangeAccessToken(signedRaw(client({ consumerKey: 'other-app' }), 'POST', ACCESS_TOKEN, { token: rt, extra: { oauth_verifier: granted!.verifier } })), 401, 'token_rejected');
    const token = await accessToken();
    await assert.rejects(provider.verifyResourceRequest(signedRaw(client({ consumerKey: 'other-app' }), 'GET', '/rest/api/2/myself', { token })), { code: 'token_rejected' });
  });

  test('a verifier used twice: 401 token_used', async () => {
    const c = client();
    const rt = await requestToken(c);
    const granted = await provider.authorizeRequestToken(rt.token, userId);
    const exchange = () => provider.exchangeAccessToken(signedRaw(c, 'POST', ACCESS_TOKEN, { token: rt, extra: { oauth_verifier: granted!.verifier } }));
    assert.equal((await exchange()).status, 200);
    assertProblem(await exchange(), 401, 'token_used');
  });

  test('a wrong verifier: 401 token_rejected, and the request token is burnt', async () => {
    const c = client();
    const rt = await requestToken(c);
    const granted = await provider.authorizeRequestToken(rt.token, userId);
    const exchange = (verifier: string) => provider.exchangeAccessToken(signedRaw(c, 'POST', ACCESS_TOKEN, { token: rt, extra: { oauth_verifier: verifier } }));
    assertProblem(await exchange(`${granted!.verifier}x`), 401, 'token_rejected');
    assertProblem(await exchange(granted!.verifier), 401, 'token_used');
  });

  test('a missing verifier: 400 parameter_absent (unless the link allows legacy OAuth 1.0)', async () => {
    const c = client();
    const rt = await requestToken(c);
    const granted = await provider.authorizeRequestToken(rt.token, userId);
    const fields = assertProblem(await provider.exchangeAccessToken(signedRaw(c, 'POST', ACCESS_TOKEN, { token: rt })), 400, 'parameter_absent');
    assert.equal(fields['oauth_parameters_absent'], 'oauth_verifier');
    // Not burnt by a request that made no guess.
    assert.equal((await provider.exchangeAccessToken(signedRaw(c, 'POST', ACCESS_TOKEN, { token: rt, extra: { oauth_verifier: granted!.verifier } }))).status, 200);
  });

  test('an expired request token: 401 token_expired (clock moved past 10 minutes)', async () => {
    const c = client();
    const rt = await requestToken(c);
    const granted = await provider.authorizeRequestToken(rt.token, userId);
    const unauthorized = await requestToken(c);
    t.clock.advance(600_001);
    assert.equal(await provider.findPendingRequestToken(unauthorized.token), null);
    assert.equal(await provider.authorizeRequestToken(unauthorized.token, userId), null);
    assertProblem(await provider.exchangeAccessToken(signedRaw(c, 'POST', ACCESS_TOKEN, { token: rt, extra: { oauth_verifier: granted!.verifier } })), 401, 'token_expired');
  });

  test('a missing oauth_callback: 400 parameter_absent with advice to send oob', async () => {
    const fields = assertProblem(await provider.issueRequestToken(signedRaw(client(), 'POST', REQUEST_TOKEN)), 400, 'parameter_absent');
    assert.equal(fields['oauth_parameters_absent'], 'oauth_callback');
    assert.match(fields['oauth_problem_advice']!, /oauth_callback=oob/);
  });

  for (const callback of ['javascript:alert(1)', 'relative/path', 'ftp://files.example/', 'OOB']) {
    test(`a malformed oauth_callback ${callback}: 400 parameter_rejected`, async () => {
      assertProblem(await provider.issueRequestToken(signedRaw(client(), 'POST', REQUEST_TOKEN, { extra: { oauth_callback: callback } })), 400, 'parameter_rejected');
    });
  }

  test('a denied token: refused at access-token with 401 permission_denied', async () => {
    const c = client();
    const rt = await requestToken(c, 'https://app.example/cb');
    assert.deepEqual(await provider.denyRequestToken(rt.token, userId), { callback: 'https://app.example/cb' });
    assert.equal(await provider.authorizeRequestToken(rt.token, userId), null, 'no allow after deny');
    assertProblem(await provider.exchangeAccessToken(signedRaw(c, 'POST', ACCESS_TOKEN, { token: rt, extra: { oauth_verifier: 'denied' } })), 401, 'permission_denied');
  });

  test('a token the user has not decided on: 401 permission_unknown', async () => {
    const c = client();
    const rt = await requestToken(c);
    assertProblem(await provider.exchangeAccessToken(signedRaw(c, 'POST', ACCESS_TOKEN, { token: rt, extra: { oauth_verifier: 'abc' } })), 401, 'permission_unknown');
  });

  test('HMAC-SHA1 for an RSA application link: 400 signature_method_rejected', async () => {
    const hmac = client({ signatureMethod: 'HMAC-SHA1', privateKeyPem: undefined, consumerSecret: '' });
    assertProblem(await provider.issueRequestToken(signedRaw(hmac, 'POST', REQUEST_TOKEN, { extra: { oauth_callback: 'oob' } })), 400, 'signature_method_rejected');
    const plain = client({ signatureMethod: 'PLAINTEXT', privateKeyPem: undefined, consumerSecret: '' });
    assertProblem(await provider.issueRequestToken(signedRaw(plain, 'POST', REQUEST_TOKEN, { extra: { oauth_callback: 'oob' } })), 400, 'signature_method_rejected');
  });

  test('RSA-SHA256 is accepted for an RSA link', async () => {
    await requestToken(client({ signatureMethod: 'RSA-SHA256' }));
  });

  test('an unknown signature method: 400 signature_method_rejected', async () => {
    const raw = signedRaw(client(), 'POST', REQUEST_TOKEN, { extra: { oauth_callback: 'oob' } });
    assertProblem(await provider.issueRequestToken({ ...raw, authorization: raw.authorization!.replace('RSA-SHA1', 'RSA-MD5') }), 400, 'signature_method_rejected');
  });

  test('a duplicated oauth_ parameter: 400 parameter_rejected', async () => {
    const raw = signedRaw(client(), 'POST', REQUEST_TOKEN, { extra: { oauth_callback: 'oob' } });
    assertProblem(await provider.issueRequestToken({ ...raw, query: 'oauth_callback=oob' }), 400, 'parameter_rejected');
  });

  test('oauth_version 2.0: 400 version_rejected', async () => {
    const raw = signedRaw(client(), 'POST', REQUEST_TOKEN, { extra: { oauth_callback: 'oob' } });
    const fields = assertProblem(await provider.issueRequestToken({ ...raw, authorization: raw.authorization!.replace('oauth_version="1.0"', 'oauth_version="2.0"') }), 400, 'version_rejected');
    assert.equal(fields['oauth_acceptable_versions'], '1.0-1.0');
  });

  test('missing protocol parameters are listed', async () => {
    const fields = assertProblem(await provider.issueRequestToken({ method: 'POST', path: REQUEST_TOKEN, query: '', authorization: 'OAuth oauth_consumer_key="test-app"' }), 400, 'parameter_absent');
    assert.equal(fields['oauth_parameters_absent'], 'oauth_signature_method&oauth_signature&oauth_timestamp&oauth_nonce');
  });

  test('a revoked, an expired access token, an inactive user: refused', async () => {
    const c = client();
    const revoked = await accessToken(c);
    await t.ctx.db.updateTable('access_tokens').set({ revoked_at: t.clock() }).where('token_hash', '=', sha256Hex(revoked)).execute();
    await assert.rejects(provider.verifyResourceRequest(signedRaw(c, 'GET', '/rest/api/2/myself', { token: revoked })), { code: 'token_revoked', status: 401 });

    const bob = await addUser(t.ctx, `bob${t.clock()}`);
    const rt = await requestToken(c);
    const granted = await provider.authorizeRequestToken(rt.token, bob);
    const res = await provider.exchangeAccessToken(signedRaw(c, 'POST', ACCESS_TOKEN, { token: rt, extra: { oauth_verifier: granted!.verifier } }));
    const bobToken = formFields(res.body)['oauth_token']!;
    assert.equal((await provider.verifyResourceRequest(signedRaw(c, 'GET', '/rest/api/2/myself', { token: bobToken }))).userId, bob);
    await t.ctx.db.updateTable('users').set({ active: 0 }).where('id', '=', bob).execute();
    await assert.rejects(provider.verifyResourceRequest(signedRaw(c, 'GET', '/rest/api/2/myself', { token: bobToken })), { code: 'token_rejected' });

    const expiring = await accessToken(c);
    t.clock.advance(86_400_000 + 1);
    await assert.rejects(provider.verifyResourceRequest(signedRaw(c, 'GET', '/rest/api/2/myself', { token: expiring })), { code: 'token_expired' });
  });

  test('a request-token request that carries a token: 400 parameter_rejected', async () => {
    assertProblem(await provider.issueRequestToken(signedRaw(client(), 'POST', REQUEST_TOKEN, { token: 'abc', extra: { oauth_callback: 'oob' } })), 400, 'parameter_rejected');
  });
});

describe('nonce store', () => {
  test('nonces older than twice the window are pruned', async () => {
    const start = t.clock();
    await requestToken(client());
    const count = async () => Number((await t.ctx.db.selectFrom('oauth_nonces').select((eb) => eb.fn.countAll().as('n')).where('created_at', '<=', start).executeTakeFirstOrThrow()).n);
    assert.ok(await count() > 0);
    t.clock.advance(2 * 300_000 + 1);
    await requestToken(client());
    assert.equal(await count(), 0);
  });
});
