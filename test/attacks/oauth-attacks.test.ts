// Attacks on the OAuth 1.0a provider over HTTP on a real port: one-time steps raced in parallel, callback
// tricks, parameter smuggling, malformed input, tokens moved between consumers, the authorize page.
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { OAuthClient, OAuthClientError, type RequestToken } from '../../src/client/oauth-client.js';
import { authorizeInBrowser, verifierOf } from '../helpers/dance.js';
import { createUser, startTestServer, TEST_PASSWORD, type TestServer } from '../helpers/server.js';
import { hiddenField, TestDevice, WebClient } from '../helpers/web-client.js';

const FIXTURES = new URL('../fixtures/', import.meta.url);
const PRIVATE_KEY = readFileSync(new URL('testcases-rsa-private.pem', FIXTURES), 'utf8');
const PUBLIC_KEY = readFileSync(new URL('testcases-rsa-public.pem', FIXTURES), 'utf8');
const REQUEST_TOKEN = '/plugins/servlet/oauth/request-token';
const ACCESS_TOKEN = '/plugins/servlet/oauth/access-token';
const AUTHORIZE = '/plugins/servlet/oauth/authorize';

describe('attacks on the OAuth 1.0a provider', () => {
  let server: TestServer;
  let phone: TestDevice;
  let app: OAuthClient;
  let other: OAuthClient;

  before(async () => {
    server = await startTestServer();
    const alice = await createUser(server, 'alice');
    phone = new TestDevice(server.baseUrl);
    assert.equal((await phone.enroll(await server.services.push.createEnrollmentCode(alice.id))).status, 201);
    await server.services.consumers.add({ key: 'testcases-app', name: 'TestCases <img src=x onerror=alert(1)>', publicKeyText: PUBLIC_KEY });
    const second = generateKeyPairSync('rsa', { modulusLength: 2048 });
    await server.services.consumers.add({ key: 'other-app', name: 'Other App', publicKeyText: second.publicKey.export({ type: 'spki', format: 'pem' }).toString() });
    app = new OAuthClient({ baseUrl: server.baseUrl, consumerKey: 'testcases-app', privateKeyPem: PRIVATE_KEY });
    other = new OAuthClient({ baseUrl: server.baseUrl, consumerKey: 'other-app', privateKeyPem: second.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() });
  });
  after(() => server.close());

  const approve = async (symbol: string) => {
    const [challenge] = await phone.pending();
    assert.equal((await phone.answer(challenge!.id, 'approve', symbol)).status, 200);
  };

  /** A signed-in browser (Alice, password + push) with the approval page of `token` open. */
  async function approvalPage(token: string) {
    const client = new WebClient(server.baseUrl);
    const first = await client.get(`${AUTHORIZE}?oauth_token=${token}`);
    assert.equal(first.status, 303);
    const next = decodeURIComponent(first.location!.slice('/login?next='.length));
    const login = await client.get(`/login?next=${encodeURIComponent(next)}`);
    const afterPassword = await client.post('/login', { csrf: hiddenField(login.text, 'csrf'), next, username: 'alice', password: TEST_PASSWORD });
    const challenge = await client.get(afterPassword.location!);
    await approve(/data-access-pass="([a-z]+)"/.exec(challenge.text)![1]!);
    const done = await client.post('/login/challenge', { csrf: hiddenField(challenge.text, 'csrf'), next: hiddenField(challenge.text, 'next') });
    assert.equal(done.status, 303);
    const page = await client.get(done.location!);
    assert.equal(page.status, 200, page.text);
    return { client, page };
  }

  async function accessFor(requestToken: RequestToken) {
    const page = await authorizeInBrowser({ baseUrl: server.baseUrl, authorizeUrl: app.authorizeUrl(requestToken.token), username: 'alice', password: TEST_PASSWORD, approve });
    return app.accessToken(requestToken, verifierOf(page));
  }

  /** A raw signed POST to a token endpoint with the given header and extra query. */
  function signedPost(client: OAuthClient, path: string, opts: { query?: string; extra?: Record<string, string>; token?: { token: string; tokenSecret: string } } = {}) {
    const url = `${server.baseUrl}${path}${opts.query ? `?${opts.query}` : ''}`;
    return fetch(url, { method: 'POST', headers: { authorization: client.authorization('POST', url, { token: opts.token, extra: opts.extra ?? {} }) } });
  }

  // ---- weaknesses ------------------------------------------------------------------------------------

  test('a callback URL with credentials in it is refused at request-token', async () => {
    for (const callback of ['https://user:secret@app.example/cb', 'https://app.example@evil.example/cb']) {
      await assert.rejects(app.requestToken(callback), (e: OAuthClientError) => e.status === 400 && e.problem === 'parameter_rejected', callback);
    }
  });

  test('a malformed path under /rest answers a Jira error body, not Fastify\'s own JSON', async () => {
    const res = await fetch(`${server.baseUrl}/rest/api/2/issue/%E0%A4%A`);
    const body = (await res.json()) as Record<string, unknown>;
    assert.equal(res.status, 400);
    assert.ok(Array.isArray(body['errorMessages']), `body: ${JSON.stringify(body)}`);
  });

  // ---- attacks that must fail -----------------------------------------------------------------------

  test('parallel Allow posts for one request token issue exactly one verifier', async () => {
    const rt = await app.requestToken('oob');
    const { client, page } = await approvalPage(rt.token);
    const cookie = `tessera_session=${client.cookies.get('tessera_session')}`;
    const body = new URLSearchParams({ csrf: hiddenField(page.text, 'csrf'), oauth_token: rt.token, decision: 'allow' }).toString();
    const results = await Promise.all(Array.from({ length: 20 }, () => fetch(`${server.baseUrl}${AUTHORIZE}`, {
      method: 'POST', headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' }, body,
    }).then(async (r) => ({ status: r.status, text: await r.text() }))));
    const verifiers = results.map((r) => /data-verifier="([A-Za-z0-9]+)"/.exec(r.text)?.[1]).filter(Boolean);
    assert.equal(verifiers.length, 1, results.map((r) => r.status).join(','));
    assert.ok(results.every((r) => r.status === 200 || r.status === 400));
    // And the verifier that was shown is the one that works.
    const access = await app.accessToken(rt, verifiers[0]!);
    assert.match(access.token, /^[A-Za-z0-9]{32}$/);
  });

  test('parallel Allow and Deny: one decision only', async () => {
    const rt = await app.requestToken('https://app.example/cb');
    const { client, page } = await approvalPage(rt.token);
    const cookie = `tessera_session=${client.cookies.get('tessera_session')}`;
    const csrf = hiddenField(page.text, 'csrf');
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => fetch(`${server.baseUrl}${AUTHORIZE}`, {
      method: 'POST', redirect: 'manual', headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ csrf, oauth_token: rt.token, decision: i % 2 ? 'allow' : 'deny' }).toString(),
    }).then(async (r) => ({ status: r.status, location: r.headers.get('location') }))));
    const redirects = results.filter((r) => r.status === 303);
    assert.equal(redirects.length, 1, results.map((r) => r.status).join(','));
  });

  test('parallel access-token exchanges of one verifier issue exactly one access token', async () => {
    const rt = await app.requestToken('oob');
    const page = await authorizeInBrowser({ baseUrl: server.baseUrl, authorizeUrl: app.authorizeUrl(rt.token), username: 'alice', password: TEST_PASSWORD, approve });
    const verifier = verifierOf(page);
    const results = await Promise.allSettled(Array.from({ length: 20 }, () => app.accessToken(rt, verifier)));
    const ok = results.filter((r) => r.status === 'fulfilled');
    assert.equal(ok.length, 1);
    for (const r of results) {
      if (r.status === 'rejected') assert.equal((r.reason as OAuthClientError).status, 401);
    }
  });

  test('a request token is single-use across consumers: another application cannot exchange it', async () => {
    const rt = await app.requestToken('oob');
    const page = await authorizeInBrowser({ baseUrl: server.baseUrl, authorizeUrl: app.authorizeUrl(rt.token), username: 'alice', password: TEST_PASSWORD, approve });
    const verifier = verifierOf(page);
    await assert.rejects(other.accessToken(rt, verifier), (e: OAuthClientError) => e.status === 401 && e.problem === 'token_rejected');
    // The rightful consumer still can (the stranger's attempt did not burn it).
    const access = await app.accessToken(rt, verifier);
    assert.ok(access.token);
  });

  test("an access token cannot be used by another application link, nor a request token on the API", async () => {
    const rt = await app.requestToken('oob');
    const access = await accessFor(rt);
    const stolen = await other.request({ path: '/rest/api/2/myself', token: access });
    assert.equal(stolen.status, 401);
    const asRequestToken = await app.request({ path: '/rest/api/2/myself', token: rt });
    assert.equal(asRequestToken.status, 401);
    const fine = await app.request({ path: '/rest/api/2/myself', token: access });
    assert.equal(fine.status, 200);
  });

  test('callback tricks are refused at request-token', async () => {
    for (const callback of ['javascript:alert(1)', 'data:text/html,<script>alert(1)</script>', 'file:///etc/passwd', 'ftp://app.example/',
      '/relative/cb', 'JAVASCRIPT://app.example/%0aalert(1)', 'vbscript:msgbox(1)', `https://app.example/${'a'.repeat(3000)}`, ' oob', 'OOB']) {
      await assert.rejects(app.requestToken(callback), (e: OAuthClientError) => e.status === 400, callback.slice(0, 40));
    }
  });

  test('a callback with CR/LF or spaces is refused at request-token, so it can never reach a redirect', async () => {
    for (const callback of ['https://app.example/cb?x=1\r\nSet-Cookie: pwned=1\r\n', 'https://app.example/c b', 'https://app.example/cb\t']) {
      await assert.rejects(app.requestToken(callback), (e: OAuthClientError) => e.status === 400 && e.problem === 'parameter_rejected', JSON.stringify(callback));
    }
  });

  test('a protocol parameter sent twice (header and query, or query twice) is parameter_rejected', async () => {
    const dupQuery = await signedPost(app, REQUEST_TOKEN, { query: 'oauth_callback=oob', extra: { oauth_callback: 'oob' } });
    assert.equal(dupQuery.status, 400);
    assert.match(await dupQuery.text(), /oauth_problem=parameter_rejected/);
    const url = `${server.baseUrl}${REQUEST_TOKEN}?oauth_nonce=a&oauth_nonce=b`;
    const twice = await fetch(url, { method: 'POST', headers: { authorization: app.authorization('POST', `${server.baseUrl}${REQUEST_TOKEN}`, { extra: { oauth_callback: 'oob' } }) } });
    assert.equal(twice.status, 400);
    assert.match(await twice.text(), /oauth_problem=parameter_rejected/);
  });

  test('a smuggled oauth_token in the query of a REST call is refused, not silently preferred', async () => {
    const access = await accessFor(await app.requestToken('oob'));
    const url = `${server.baseUrl}/rest/api/2/myself`;
    const header = app.authorization('GET', url, { token: access });
    const res = await fetch(`${url}?oauth_token=${'x'.repeat(32)}`, { headers: { authorization: header } });
    await res.arrayBuffer();
    assert.equal(res.status, 400);
  });

  test('malformed Authorization headers are 4xx, never 500', async () => {
    const headers = [
      'OAuth oauth_consumer_key="%"', 'OAuth oauth_consumer_key="%E0%A4%A"', 'OAuth oauth_consumer_key="%FF%FE"',
      'OAuth oauth_consumer_key="a', 'OAuth =', 'OAuth ,,,,', 'OAuth oauth_consumer_key=a b', 'OAuth oauth_timestamp="1e9"',
      `OAuth oauth_nonce="${'n'.repeat(6000)}"`, 'OAuth realm="\\"', 'OAuth \u00ff="\u00ff"',
    ];
    for (const h of headers) {
      for (const path of [REQUEST_TOKEN, ACCESS_TOKEN]) {
        const res = await fetch(`${server.baseUrl}${path}`, { method: 'POST', headers: { authorization: h } });
        await res.arrayBuffer();
        assert.ok(res.status >= 400 && res.status < 500, `${path} ${h.slice(0, 40)} → ${res.status}`);
      }
      const rest = await fetch(`${server.baseUrl}/rest/api/2/myself`, { headers: { authorization: h } });
      await rest.arrayBuffer();
      assert.ok(rest.status >= 400 && rest.status < 500, `REST ${h.slice(0, 40)} → ${rest.status}`);
    }
    const huge = await fetch(`${server.baseUrl}${REQUEST_TOKEN}`, { method: 'POST', headers: { authorization: `OAuth oauth_nonce="${'n'.repeat(80_000)}"` } }).catch(() => undefined);
    if (huge) {
      await huge.arrayBuffer();
      assert.ok(huge.status === 431 || huge.status === 400, String(huge.status));
    }
  });

  test('malformed form bodies at the token endpoints are parameter_rejected, never 500', async () => {
    for (const body of ['%', 'oauth_callback=%E0%A4%A', 'oauth_callback=%FF', 'a=1&&&=&oauth_x', Buffer.from([0xc3, 0x28]).toString('latin1')]) {
      const res = await fetch(`${server.baseUrl}${REQUEST_TOKEN}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body });
      await res.arrayBuffer();
      assert.ok(res.status >= 400 && res.status < 500, `${body} → ${res.status}`);
    }
    const json = await fetch(`${server.baseUrl}${REQUEST_TOKEN}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"oauth_callback":' });
    assert.equal(json.status, 400);
    assert.match(await json.text(), /oauth_problem=/);
  });

  test('the authorize page: repeated or odd oauth_token values get an error page and no Allow button', async () => {
    const rt = await app.requestToken('oob');
    const { client } = await approvalPage(rt.token);
    for (const q of [`oauth_token=${rt.token}&oauth_token=${rt.token}`, 'oauth_token[]=x', 'oauth_token=%FF', 'oauth_token=', 'oauth_token=%00', `oauth_token=${'a'.repeat(5000)}`]) {
      const res = await client.get(`${AUTHORIZE}?${q}`);
      assert.ok(res.status >= 400 && res.status < 500, `${q.slice(0, 40)} → ${res.status}`);
      assert.doesNotMatch(res.text, /value="allow"/);
    }
  });

  test('the approval page escapes the application name and refuses framing', async () => {
    const rt = await app.requestToken('oob');
    const { page } = await approvalPage(rt.token);
    assert.doesNotMatch(page.text, /<img src=x/);
    assert.match(page.text, /&lt;img src=x onerror=alert\(1\)&gt;/);
    assert.equal(page.headers.get('x-frame-options'), 'DENY');
    assert.match(page.headers.get('content-security-policy')!, /frame-ancestors 'none'/);
    assert.equal(page.headers.get('referrer-policy'), 'no-referrer');
    assert.equal(page.headers.get('cache-control'), 'no-store');
  });

  test('Allow without the CSRF token, or with another session\'s, does nothing', async () => {
    const rt = await app.requestToken('oob');
    const { client } = await approvalPage(rt.token);
    const stranger = await approvalPage((await app.requestToken('oob')).token);
    for (const csrf of [undefined, hiddenField(stranger.page.text, 'csrf'), '']) {
      const res = await client.post(AUTHORIZE, { ...(csrf === undefined ? {} : { csrf }), oauth_token: rt.token, decision: 'allow' });
      assert.equal(res.status, 403);
      assert.doesNotMatch(res.text, /data-verifier/);
    }
    assert.ok(await server.services.oauth.findPendingRequestToken(rt.token), 'the token is still waiting for a decision');
  });

  test('after Deny, Allow is refused and the token cannot be exchanged', async () => {
    const rt = await app.requestToken('oob');
    const { client, page } = await approvalPage(rt.token);
    const csrf = hiddenField(page.text, 'csrf');
    assert.equal((await client.post(AUTHORIZE, { csrf, oauth_token: rt.token, decision: 'deny' })).status, 200);
    const allow = await client.post(AUTHORIZE, { csrf, oauth_token: rt.token, decision: 'allow' });
    assert.equal(allow.status, 400);
    assert.doesNotMatch(allow.text, /data-verifier/);
    await assert.rejects(app.accessToken(rt, 'denied'), (e: OAuthClientError) => e.status === 401);
  });

  test('a wrong verifier burns the request token (no brute force of the verifier)', async () => {
    const rt = await app.requestToken('oob');
    const page = await authorizeInBrowser({ baseUrl: server.baseUrl, authorizeUrl: app.authorizeUrl(rt.token), username: 'alice', password: TEST_PASSWORD, approve });
    const verifier = verifierOf(page);
    await assert.rejects(app.accessToken(rt, 'AAAAAAAAAA'), (e: OAuthClientError) => e.status === 401);
    await assert.rejects(app.accessToken(rt, verifier), (e: OAuthClientError) => e.status === 401);
  });

  test('an unknown consumer and an unknown token say so without a signature check that could leak', async () => {
    const ghost = new OAuthClient({ baseUrl: server.baseUrl, consumerKey: 'ghost-app', privateKeyPem: PRIVATE_KEY });
    await assert.rejects(ghost.requestToken('oob'), (e: OAuthClientError) => e.status === 401 && e.problem === 'consumer_key_unknown');
    await assert.rejects(app.accessToken({ token: 'x'.repeat(32), tokenSecret: '' }, 'v'), (e: OAuthClientError) => e.status === 401 && e.problem === 'token_rejected');
  });
});
