// Browser login with password + push, on a real port: the pages, CSRF, session rotation, and the attacks
// that must fail (acceptance 7 of issue 2).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { SECOND_FACTOR_MESSAGE } from '../../src/http/authentication.js';
import { createUser, startTestServer, TEST_PASSWORD, type TestServer } from '../helpers/server.js';
import { accessPass, hiddenField, submitPassword, TestDevice, WebClient } from '../helpers/web-client.js';

describe('login with a push second factor', () => {
  let server: TestServer;
  let alicePhone: TestDevice;
  let bobPhone: TestDevice;

  before(async () => {
    server = await startTestServer();
    await createUser(server, 'alice');
    const bob = await createUser(server, 'bob');
    await createUser(server, 'carol'); // no second factor
    alicePhone = new TestDevice(server.baseUrl);
    const alice = await server.services.accounts.findByUsername('alice');
    assert.equal((await alicePhone.enroll(await server.services.push.createEnrollmentCode(alice!.id))).status, 201);
    bobPhone = new TestDevice(server.baseUrl);
    assert.equal((await bobPhone.enroll(await server.services.push.createEnrollmentCode(bob.id))).status, 201);
  });
  after(() => server.close());

  test('login, challenge and approval pages refuse to be framed and carry a CSRF token', async () => {
    const client = new WebClient(server.baseUrl);
    const login = await client.get('/login');
    assert.equal(login.status, 200);
    assert.equal(login.headers.get('x-frame-options'), 'DENY');
    assert.match(login.headers.get('content-security-policy')!, /frame-ancestors 'none'/);
    assert.match(hiddenField(login.text, 'csrf'), /^[A-Za-z0-9]{32}$/);
    const challenge = await submitPassword(client, 'alice', TEST_PASSWORD);
    const page = await client.get(challenge.location!);
    assert.equal(page.headers.get('x-frame-options'), 'DENY');
    assert.match(page.headers.get('content-security-policy')!, /frame-ancestors 'none'/);
    assert.match(hiddenField(page.text, 'csrf'), /^[A-Za-z0-9]{32}$/);
    // The password step starts a new session (new id, new CSRF token): a token known before it is useless.
    assert.notEqual(hiddenField(page.text, 'csrf'), hiddenField(login.text, 'csrf'));
  });

  test('a user without a second factor logs in with the password, under a new session id', async () => {
    const client = new WebClient(server.baseUrl);
    await client.get('/login');
    const before = client.cookies.get('tessera_session');
    const res = await submitPassword(client, 'carol', TEST_PASSWORD, '/rest/api/2/myself');
    assert.equal(res.status, 303);
    assert.equal(res.location, '/rest/api/2/myself');
    assert.notEqual(client.cookies.get('tessera_session'), before);
    const me = await client.get('/rest/api/2/myself');
    assert.equal(me.status, 200);
    assert.equal(JSON.parse(me.text).name, 'carol');
  });

  test('the return URL is a local path: other hosts are replaced by /', async () => {
    for (const next of ['https://evil.example/', '//evil.example/x', '/\\evil.example', 'javascript:alert(1)']) {
      const client = new WebClient(server.baseUrl);
      const res = await submitPassword(client, 'carol', TEST_PASSWORD, next);
      assert.equal(res.location, '/', `next=${next}`);
    }
  });

  test('a wrong password is refused without saying whether the user exists', async () => {
    const known = await submitPassword(new WebClient(server.baseUrl), 'alice', 'wrong password');
    const unknown = await submitPassword(new WebClient(server.baseUrl), 'nobody-here', 'wrong password');
    assert.equal(known.status, 401);
    assert.equal(unknown.status, 401);
    assert.match(known.text, /Wrong username or password/);
    assert.match(unknown.text, /Wrong username or password/);
  });

  test('a login POST without its CSRF token is refused', async () => {
    const client = new WebClient(server.baseUrl);
    await client.get('/login');
    const res = await client.post('/login', { username: 'carol', password: TEST_PASSWORD, next: '/' });
    assert.equal(res.status, 403);
    assert.equal((await client.get('/rest/api/2/myself')).status, 401);
  });

  test('push: the right symbol on the right device completes the login with a new session id', async () => {
    const client = new WebClient(server.baseUrl);
    const res = await submitPassword(client, 'alice', TEST_PASSWORD, '/rest/api/2/myself');
    assert.equal(res.status, 303);
    const halfSession = client.cookies.get('tessera_session');
    const page = await client.get(res.location!);
    const symbol = accessPass(page.text);
    const [challenge] = await alicePhone.pending();
    assert.ok(challenge!.candidates.includes(symbol));
    assert.equal(challenge!.candidates.length, 4);
    assert.equal((await alicePhone.answer(challenge!.id, 'approve', symbol)).status, 200);
    const done = await client.post('/login/challenge', { csrf: hiddenField(page.text, 'csrf'), next: hiddenField(page.text, 'next') });
    assert.equal(done.status, 303);
    assert.equal(done.location, '/rest/api/2/myself');
    assert.notEqual(client.cookies.get('tessera_session'), halfSession);
    assert.equal(JSON.parse((await client.get('/rest/api/2/myself')).text).name, 'alice');
  });

  test('refused: a wrong symbol', async () => {
    const client = new WebClient(server.baseUrl);
    const page = await client.get((await submitPassword(client, 'alice', TEST_PASSWORD)).location!);
    const symbol = accessPass(page.text);
    const [challenge] = await alicePhone.pending();
    const wrong = challenge!.candidates.find((s) => s !== symbol)!;
    const answer = await alicePhone.answer(challenge!.id, 'approve', wrong);
    assert.equal(((await answer.json()) as { outcome: string }).outcome, 'wrong_symbol');
    const done = await client.post('/login/challenge', { csrf: hiddenField(page.text, 'csrf'), next: '/' });
    assert.equal(done.status, 401);
    assert.match(done.text, /denied/);
    assert.equal((await client.get('/rest/api/2/myself')).status, 401);
  });

  test("refused: an approval from another user's authenticator", async () => {
    const client = new WebClient(server.baseUrl);
    const page = await client.get((await submitPassword(client, 'alice', TEST_PASSWORD)).location!);
    const symbol = accessPass(page.text);
    const [challenge] = await alicePhone.pending();
    assert.deepEqual(await bobPhone.pending(), []);
    const res = await bobPhone.answer(challenge!.id, 'approve', symbol);
    assert.equal(res.status, 404);
    const still = await client.post('/login/challenge', { csrf: hiddenField(page.text, 'csrf'), next: '/' });
    assert.equal(still.status, 200);
    assert.match(still.text, /Not approved yet/);
    assert.equal((await client.get('/rest/api/2/myself')).status, 401);
  });

  test('refused: an approval for another login transaction', async () => {
    // The victim's login is approved; the attacker's session, which started its own login, gets nothing.
    const attacker = new WebClient(server.baseUrl);
    const attackerPage = await attacker.get((await submitPassword(attacker, 'bob', TEST_PASSWORD)).location!);
    const [attackersChallenge] = await bobPhone.pending();
    const victim = new WebClient(server.baseUrl);
    await submitPassword(victim, 'alice', TEST_PASSWORD);
    const victimPage = await victim.get('/login/challenge');
    const [victimsChallenge] = await alicePhone.pending();
    assert.equal((await alicePhone.answer(victimsChallenge!.id, 'approve', accessPass(victimPage.text))).status, 200);
    const res = await attacker.post('/login/challenge', { csrf: hiddenField(attackerPage.text, 'csrf'), next: '/' });
    assert.equal(res.status, 200);
    assert.match(res.text, /Not approved yet/);
    assert.equal((await attacker.get('/rest/api/2/myself')).status, 401);
    assert.ok(attackersChallenge);
  });

  test('refused: an approval POST without its CSRF token', async () => {
    const client = new WebClient(server.baseUrl);
    const page = await client.get((await submitPassword(client, 'alice', TEST_PASSWORD)).location!);
    const [challenge] = await alicePhone.pending();
    await alicePhone.answer(challenge!.id, 'approve', accessPass(page.text));
    const noCsrf = await client.post('/login/challenge', { next: '/' });
    assert.equal(noCsrf.status, 403);
    const wrongCsrf = await client.post('/login/challenge', { csrf: 'x'.repeat(32), next: '/' });
    assert.equal(wrongCsrf.status, 403);
    assert.equal((await client.get('/rest/api/2/myself')).status, 401);
  });

  test('refused: a half-logged-in session (password done, push pending) on any REST route', async () => {
    const client = new WebClient(server.baseUrl);
    await submitPassword(client, 'alice', TEST_PASSWORD);
    for (const path of ['/rest/api/2/myself', '/rest/api/2/project', '/rest/api/latest/myself', '/rest/api/2/search?jql=project%3DDEMO']) {
      const res = await client.get(path);
      assert.equal(res.status, 401, path);
      assert.ok(Array.isArray(JSON.parse(res.text).errorMessages));
    }
    const create = await client.request('POST', '/rest/api/2/issue', { headers: { 'content-type': 'application/json' } });
    assert.equal(create.status, 401);
  });

  test('refused: Basic auth with the correct password of a user who has an authenticator', async () => {
    for (const password of [TEST_PASSWORD, 'wrong password']) {
      const res = await fetch(`${server.baseUrl}/rest/api/2/myself`, {
        headers: { authorization: `Basic ${Buffer.from(`alice:${password}`).toString('base64')}` },
      });
      assert.equal(res.status, 401);
      const body = (await res.json()) as { errorMessages: string[] };
      assert.equal(body.errorMessages[0], SECOND_FACTOR_MESSAGE);
      assert.match(body.errorMessages[0]!, /OAuth/);
    }
  });

  test('Basic auth works for a user without a second factor, and wrong credentials get Seraph\'s header', async () => {
    const ok = await fetch(`${server.baseUrl}/rest/api/2/myself`, {
      headers: { authorization: `Basic ${Buffer.from(`carol:${TEST_PASSWORD}`).toString('base64')}` },
    });
    assert.equal(ok.status, 200);
    assert.equal(ok.headers.get('x-ausername'), 'carol');
    const bad = await fetch(`${server.baseUrl}/rest/api/2/myself`, {
      headers: { authorization: `Basic ${Buffer.from('carol:nope').toString('base64')}` },
    });
    assert.equal(bad.status, 401);
    assert.equal(bad.headers.get('x-seraph-loginreason'), 'AUTHENTICATED_FAILED');
  });

  test('the challenge page streams the decision as a server-sent event', async () => {
    const client = new WebClient(server.baseUrl);
    const page = await client.get((await submitPassword(client, 'alice', TEST_PASSWORD)).location!);
    const events = fetch(`${server.baseUrl}/login/challenge/events`, { headers: { cookie: `tessera_session=${client.cookies.get('tessera_session')}` } });
    const [challenge] = await alicePhone.pending();
    await alicePhone.answer(challenge!.id, 'approve', accessPass(page.text));
    const res = await events;
    assert.equal(res.headers.get('content-type'), 'text/event-stream');
    const text = await res.text();
    assert.match(text, /event: decided\ndata: \{"state":"approved"\}/);
  });

  test('repeated wrong passwords lock the username: Basic gets 403 AUTHENTICATION_DENIED, the page 429', async () => {
    await createUser(server, 'dan');
    const basic = (password: string) => fetch(`${server.baseUrl}/rest/api/2/myself`, {
      headers: { authorization: `Basic ${Buffer.from(`dan:${password}`).toString('base64')}` },
    });
    for (let i = 0; i < 10; i++) assert.equal((await basic(`guess-${i}`)).status, 401);
    const locked = await basic(TEST_PASSWORD);
    assert.equal(locked.status, 403);
    assert.equal(locked.headers.get('x-seraph-loginreason'), 'AUTHENTICATION_DENIED');
    assert.match(((await locked.json()) as { errorMessages: string[] }).errorMessages[0]!, /Too many failed logins/);
    const page = await submitPassword(new WebClient(server.baseUrl), 'dan', TEST_PASSWORD);
    assert.equal(page.status, 429);
    assert.ok(Number(page.headers.get('retry-after')) > 0);
  });
});
