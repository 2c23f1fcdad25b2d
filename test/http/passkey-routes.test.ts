// The passkey endpoints over HTTP on a real port, driven by a software authenticator (the browser test does
// the same with Chromium's virtual one): enrolment on the security page, sign-in, step-up, the policy's
// enrolment-only session, and the refusals, each a small JSON body with its 4xx status.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { SoftAuthenticator } from '../helpers/soft-authenticator.js';
import { createUser, startTestServer, TEST_PASSWORD, type TestServer } from '../helpers/server.js';
import { submitPassword, WebClient, type PageResponse } from '../helpers/web-client.js';

const csrfOf = (page: PageResponse) => /data-csrf="([A-Za-z0-9]+)"/.exec(page.text)?.[1] ?? assert.fail('no data-csrf in page');
const body = (res: PageResponse) => JSON.parse(res.text) as Record<string, unknown>;

describe('passkey routes', () => {
  let server: TestServer;
  const clock = () => server.clock as unknown as { advance(ms: number): void };

  before(async () => {
    server = await startTestServer({ manualTime: true });
  });
  after(() => server.close());

  const postJson = (client: WebClient, path: string, csrf: string | undefined, json: unknown) =>
    client.request('POST', path, { json, headers: csrf === undefined ? {} : { 'x-csrf-token': csrf } });

  /** Signs in with the password (a user without a factor yet) and adds a passkey on the security page. */
  async function enrolled(username: string, name = 'Test key') {
    await createUser(server, username);
    const client = new WebClient(server.baseUrl);
    assert.equal((await submitPassword(client, username, TEST_PASSWORD)).status, 303);
    const key = new SoftAuthenticator(server.baseUrl);
    const res = await addPasskey(client, key, name);
    assert.equal(res.status, 200, res.text);
    assert.equal(body(res)['redirect'], '/secure/security?next=%2F');
    return { client, key };
  }
  async function addPasskey(client: WebClient, key: SoftAuthenticator, name: string) {
    const csrf = csrfOf(await client.get('/secure/security'));
    const options = await postJson(client, '/secure/security/passkeys/options', csrf, { next: '/' });
    assert.equal(options.status, 200, options.text);
    return postJson(client, '/secure/security/passkeys', csrf, { response: key.register(body(options) as never), name, next: '/' });
  }
  /** Password, then the passkey page; returns the client and the page's CSRF token. */
  async function atPasskeyStep(username: string) {
    const client = new WebClient(server.baseUrl);
    const pw = await submitPassword(client, username, TEST_PASSWORD, '/secure/security');
    assert.equal(pw.location, '/login/passkey?next=%2Fsecure%2Fsecurity');
    const page = await client.get(pw.location!);
    assert.equal(page.status, 200);
    return { client, csrf: csrfOf(page), page };
  }
  async function answer(client: WebClient, csrf: string, key: SoftAuthenticator, next = '/secure/security') {
    const options = await postJson(client, '/login/passkey/options', csrf, { next });
    assert.equal(options.status, 200, options.text);
    return postJson(client, '/login/passkey', csrf, { response: key.authenticate(body(options) as never), next });
  }

  test('the security page loads the ceremony scripts, served as JavaScript', async () => {
    const { client } = await enrolled('quinn');
    const page = await client.get('/secure/security');
    assert.match(page.text, /<script src="\/static\/simplewebauthn-browser.js" defer><\/script><script src="\/static\/passkeys.js" defer>/);
    const lib = await client.get('/static/simplewebauthn-browser.js');
    assert.match(lib.headers.get('content-type')!, /^text\/javascript/);
    assert.match(lib.text, /SimpleWebAuthnBrowser/);
    assert.match((await client.get('/static/passkeys.js')).text, /add-passkey-form/);
  });

  test('enrol, then sign in with the passkey: a new session id, the name and last use on the security page', async () => {
    const { key } = await enrolled('rosa', 'Rosa laptop');
    const { client, csrf, page } = await atPasskeyStep('rosa');
    assert.match(page.text, /id="use-passkey"/);
    const before = client.cookies.get('tessera_session');
    const res = await answer(client, csrf, key);
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(body(res), { redirect: '/secure/security' });
    assert.notEqual(client.cookies.get('tessera_session'), before);
    const security = await client.get('/secure/security');
    assert.equal(security.status, 200);
    assert.match(security.text, /<td>Rosa laptop<\/td><td>[^<]+ UTC<\/td><td>\d{4}-\d\d-\d\d \d\d:\d\d UTC<\/td>/);
  });

  test('CSRF token required; a session without a pending check is told to sign in again', async () => {
    await enrolled('sven');
    const { client } = await atPasskeyStep('sven');
    const noToken = await postJson(client, '/login/passkey/options', undefined, {});
    assert.equal(noToken.status, 403);
    assert.equal(body(noToken)['error'], 'csrf_invalid');
    const stranger = await postJson(new WebClient(server.baseUrl), '/login/passkey/options', 'x', { next: '/' });
    assert.equal(stranger.status, 401);
    assert.deepEqual(body(stranger), { error: 'not_authenticated', message: 'Your sign-in expired. Sign in again.', redirect: '/login?next=%2F' });
  });

  test('bad bodies get a JSON 400, never a page or a 500', async () => {
    await enrolled('tove');
    const { client, csrf } = await atPasskeyStep('tove');
    const bad = await client.request('POST', '/login/passkey', { headers: { 'content-type': 'application/json', 'x-csrf-token': csrf } });
    assert.equal(bad.status, 400);
    assert.equal(body(bad)['error'], 'invalid_body');
    const broken = await fetch(`${server.baseUrl}/login/passkey`, {
      method: 'POST', body: '{not json', headers: { 'content-type': 'application/json', cookie: `tessera_session=${client.cookies.get('tessera_session')}` },
    });
    assert.equal(broken.status, 400);
    assert.equal(((await broken.json()) as { error: string }).error, 'invalid_body');
    const form = await client.request('POST', '/login/passkey', { form: { response: 'x' }, headers: { 'x-csrf-token': csrf } });
    assert.equal(form.status, 400);
    assert.equal(body(form)['error'], 'invalid_body');
    const garbage = await postJson(client, '/login/passkey', csrf, { response: { id: 'AAAA' }, next: '/' });
    assert.equal(garbage.status, 400);
    assert.equal(body(garbage)['error'], 'passkey_ceremony_expired', 'no options were asked for');
  });

  test('a bad signature is refused with a clear message; five wrong answers end the transaction', async () => {
    const { key } = await enrolled('ulla');
    const { client, csrf } = await atPasskeyStep('ulla');
    key.bogusSignature = true;
    for (let i = 1; i < 5; i++) {
      const res = await answer(client, csrf, key);
      assert.equal(res.status, 401);
      assert.deepEqual(body(res), { error: 'passkey_signature_invalid', message: 'The passkey signature is not valid. The sign-in was refused.' });
    }
    const last = await answer(client, csrf, key);
    assert.equal(last.status, 401);
    assert.equal(body(last)['error'], 'second_factor_failures');
    assert.equal(body(last)['redirect'], '/login?next=%2Fsecure%2Fsecurity');
    assert.equal((await client.get('/login/passkey')).status, 303, 'the transaction is over');
    const audit = await server.services.context.db.selectFrom('audit_log').select('detail').where('event', '=', 'login.passkey_refused').execute();
    assert.ok(audit.some((a) => JSON.parse(a.detail).problem === 'bad_signature'));
  });

  test('user verification off, or a counter behind the stored one, is refused', async () => {
    const { key } = await enrolled('vera');
    const { client, csrf } = await atPasskeyStep('vera');
    key.userVerified = false;
    const uv = await answer(client, csrf, key);
    assert.equal(uv.status, 401);
    assert.equal(body(uv)['error'], 'passkey_user_not_verified');
    key.userVerified = true;
    await server.services.context.db.updateTable('webauthn_credentials').set({ counter: 10_000 }).where('id', '=', key.credentialId).execute();
    const counter = await answer(client, csrf, key);
    assert.equal(counter.status, 401);
    assert.equal(body(counter)['error'], 'passkey_counter_refused');
    assert.match(String(body(counter)['message']), /may have been copied/);
  });

  test('adding a passkey needs a fresh check; a passkey step-up makes the session fresh again', async () => {
    const { client, key } = await enrolled('wim');
    clock().advance(server.config.reauthWindowSeconds * 1000 + 1);
    const csrf = csrfOf(await client.get('/secure/security'));
    const stale = await postJson(client, '/secure/security/passkeys/options', csrf, { next: '/' });
    assert.equal(stale.status, 403);
    assert.equal(body(stale)['error'], 'step_up_required');
    assert.equal(body(stale)['redirect'], '/login/verify?next=%2Fsecure%2Fsecurity%3Fnext%3D%252F');
    const verify = await client.get(String(body(stale)['redirect']));
    assert.match(verify.text, /href="\/login\/passkey\?next=[^"]+" data-method="passkey"/);
    const step = await client.get('/login/passkey?next=%2Fsecure%2Fsecurity');
    assert.match(step.text, /Confirm it&#39;s you: use your passkey/);
    const res = await answer(client, csrf, key);
    assert.equal(res.status, 200, res.text);
    assert.equal((await postJson(client, '/secure/security/passkeys/options', csrf, { next: '/' })).status, 200);
  });

  test('a user the policy forced to enrol is signed in by registering a passkey', async () => {
    await server.services.policy.set({ require: 'everyone', groups: [] }, { actorId: null, via: 'test' });
    try {
      await createUser(server, 'xena');
      await createUser(server, 'yann');
      const client = new WebClient(server.baseUrl);
      const pw = await submitPassword(client, 'xena', TEST_PASSWORD, '/');
      assert.equal(pw.location, '/secure/security?next=%2F');
      const restricted = client.cookies.get('tessera_session');
      assert.equal((await client.get('/')).location, '/secure/security');
      const res = await addPasskey(client, new SoftAuthenticator(server.baseUrl), 'Xena key');
      assert.equal(res.status, 200, res.text);
      assert.equal(body(res)['redirect'], '/');
      assert.notEqual(client.cookies.get('tessera_session'), restricted);
      const home = await client.get('/');
      assert.equal(home.status, 200);
      assert.match(home.text, /Signed in as/);

      // Another enrolment-only session of someone with the password, after the user has a factor: it may not
      // add a passkey beside it (that would sign it in without the factor); it is sent to sign in with it.
      const other = new WebClient(server.baseUrl);
      assert.equal((await submitPassword(other, 'yann', TEST_PASSWORD, '/')).location, '/secure/security?next=%2F');
      const csrf = csrfOf(await other.get('/secure/security'));
      const yann = await server.services.accounts.findByUsername('yann');
      await server.services.context.db.insertInto('webauthn_credentials').values({
        id: 'enrolled-meanwhile', user_id: yann!.id, name: 'Real key', public_key: 'AA', counter: 0, transports: '[]', created_at: server.clock(), last_used_at: null,
      }).execute();
      const refused = await postJson(other, '/secure/security/passkeys/options', csrf, { next: '/' });
      assert.equal(refused.status, 401);
      assert.equal(body(refused)['error'], 'not_authenticated');
      assert.equal(body(refused)['redirect'], '/secure/security?next=%2F');
    } finally {
      await server.services.policy.set({ require: 'none', groups: [] }, { actorId: null, via: 'test' });
    }
  });
});
