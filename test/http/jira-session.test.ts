// Jira's cookie login for scripts (/rest/auth/1/session): python-jira's sequence (GET → 401 → POST → GET with
// the cookie → serverInfo), a new session id on every login, the second factor never bypassed, lockout, logout.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { SECOND_FACTOR_MESSAGE } from '../../src/http/authentication.js';
import { createUser, startTestServer, TEST_PASSWORD, type TestServer } from '../helpers/server.js';

let server: TestServer;

before(async () => {
  server = await startTestServer({ listen: false });
  await createUser(server, 'sam');
  const tfa = await createUser(server, 'tina');
  await server.services.context.db.insertInto('authenticators').values({
    id: 'dev-tina', user_id: tfa.id, name: 'phone', public_key: 'AAAA', created_at: Date.now(), last_used_at: null,
  }).execute();
  await createUser(server, 'lou');
});
after(() => server.close());

const json = (body: unknown) => ({ 'content-type': 'application/json', payload: JSON.stringify(body) });

async function login(username: string, password: string, cookie?: string) {
  const { payload, ...headers } = json({ username, password });
  return server.app.inject({ method: 'POST', url: '/rest/auth/1/session', headers: { ...headers, ...(cookie ? { cookie } : {}) }, payload });
}

test('python-jira\'s cookie login: GET 401, POST sets the cookie it names, GET and serverInfo with it, logout', async () => {
  const anonymous = await server.app.inject({ method: 'GET', url: '/rest/auth/1/session' });
  assert.equal(anonymous.statusCode, 401);
  assert.ok(anonymous.json().errorMessages[0]);

  const res = await login('sam', TEST_PASSWORD);
  assert.equal(res.statusCode, 200, res.body);
  const body = res.json();
  const setCookie = String(res.headers['set-cookie']);
  assert.match(setCookie, /^tessera_session=[A-Za-z0-9]+; Path=\/; HttpOnly; SameSite=Lax; Max-Age=\d+/);
  assert.equal(body.session.name, 'tessera_session');
  assert.equal(`${body.session.name}=${body.session.value}`, setCookie.split(';')[0]);
  assert.ok(body.loginInfo);
  const cookie = `${body.session.name}=${body.session.value}`;

  const me = await server.app.inject({ method: 'GET', url: '/rest/auth/latest/session', headers: { cookie } });
  assert.equal(me.statusCode, 200);
  assert.equal(me.json().name, 'sam');
  assert.equal(me.json().self, `${server.baseUrl}/rest/api/2/user?username=sam`);
  assert.equal((await server.app.inject({ method: 'GET', url: '/rest/api/2/serverInfo', headers: { cookie } })).statusCode, 200);
  assert.equal((await server.app.inject({ method: 'GET', url: '/rest/api/2/myself', headers: { cookie } })).json().name, 'sam');

  // Logging in again with the old cookie gives a new id and ends the old session.
  const again = await login('sam', TEST_PASSWORD, cookie);
  assert.notEqual(again.json().session.value, body.session.value);
  assert.equal((await server.app.inject({ method: 'GET', url: '/rest/auth/1/session', headers: { cookie } })).statusCode, 401);
  const fresh = `tessera_session=${again.json().session.value}`;

  const out = await server.app.inject({ method: 'DELETE', url: '/rest/auth/latest/session', headers: { cookie: fresh, 'content-type': 'application/json' } });
  assert.equal(out.statusCode, 204);
  assert.match(String(out.headers['set-cookie']), /Max-Age=0/);
  assert.equal((await server.app.inject({ method: 'GET', url: '/rest/auth/1/session', headers: { cookie: fresh } })).statusCode, 401);
  assert.equal((await server.app.inject({ method: 'DELETE', url: '/rest/auth/1/session' })).statusCode, 401);
});

test('a user with a second factor is refused with the right password, with Basic auth\'s message', async () => {
  for (const password of [TEST_PASSWORD, 'wrong password']) {
    const res = await login('tina', password);
    assert.equal(res.statusCode, 401);
    assert.deepEqual(res.json().errorMessages, [SECOND_FACTOR_MESSAGE]);
    assert.equal(res.headers['set-cookie'], undefined);
  }
});

test('a wrong password is 401 AUTHENTICATED_FAILED; too many are 403 AUTHENTICATION_DENIED; bad bodies 400', async () => {
  const wrong = await login('lou', 'not the password');
  assert.equal(wrong.statusCode, 401);
  assert.equal(wrong.headers['x-seraph-loginreason'], 'AUTHENTICATED_FAILED');
  assert.equal(wrong.headers['set-cookie'], undefined);
  let last = wrong;
  for (let i = 0; i < 12; i++) last = await login('lou', 'not the password');
  assert.equal(last.statusCode, 403);
  assert.equal(last.headers['x-seraph-loginreason'], 'AUTHENTICATION_DENIED');
  assert.equal((await login('lou', TEST_PASSWORD)).statusCode, 403, 'locked even with the right password');
  const form = await server.app.inject({ method: 'POST', url: '/rest/auth/1/session', headers: { 'content-type': 'text/plain' }, payload: '{"username":"sam","password":"x"}' });
  assert.notEqual(form.statusCode, 200, 'a cross-site text/plain form cannot log anyone in');
  const { payload, ...headers } = json({ username: 'sam' });
  assert.equal((await server.app.inject({ method: 'POST', url: '/rest/auth/1/session', headers, payload })).statusCode, 400);
});
