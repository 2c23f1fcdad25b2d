// Issue 4, acceptance 6 (and item 4): when the policy requires a second factor, a user without one reaches
// nothing but enrolment: after the password only the security page answers; the REST API refuses their
// password, their session cookie and an OAuth token granted before the policy; the OAuth approval page sends
// them to enrolment. Once they enrol (proving the new factor), they are signed in. Policies for admins and
// for groups; `tessera admin policy` and `tessera admin user reset-2fa` on the command line.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { OAuthClient, type TokenPair } from '../../src/client/oauth-client.js';
import { base32Decode, hotp, totpStep } from '../../src/protocol/otp/totp.js';
import { runTessera } from '../helpers/cli.js';
import { TESTCASES } from '../helpers/oauth-context.js';
import { createUser, startTestServer, TEST_PASSWORD, type TestServer } from '../helpers/server.js';
import { hiddenField, submitPassword, TestDevice, WebClient } from '../helpers/web-client.js';

let server: TestServer;
let app: OAuthClient;
let nedToken: TokenPair;
const basic = (u: string) => `Basic ${Buffer.from(`${u}:${TEST_PASSWORD}`).toString('base64')}`;
const userId = async (name: string) => (await server.services.accounts.findByUsername(name))!.id;

before(async () => {
  server = await startTestServer();
  for (const name of ['ned', 'pat', 'gail', 'lost']) await createUser(server, name);
  await createUser(server, 'root', { admin: true });
  await server.services.projects.addGroup('secure');
  await server.services.projects.addGroupMember('secure', 'gail');
  await server.services.consumers.add({ key: 'policy-app', name: 'Policy App', publicKeyText: TESTCASES.publicPem });
  app = new OAuthClient({ baseUrl: server.baseUrl, consumerKey: 'policy-app', privateKeyPem: TESTCASES.privatePem });
  // Ned allowed the app while nobody had to have a second factor.
  const requestToken = await app.requestToken('oob');
  const granted = await server.services.oauth.authorizeRequestToken(requestToken.token, await userId('ned'));
  nedToken = await app.accessToken(requestToken, granted!.verifier);
});
after(() => server.close());

async function setPolicy(...args: string[]): Promise<string> {
  const r = await runTessera(['admin', 'policy', 'set', ...args], { env: server.env });
  assert.equal(r.code, 0, r.stderr);
  return r.stdout;
}

describe('second-factor policy: required for everyone', () => {
  test('tessera admin policy set / show', async () => {
    assert.match(await setPolicy('--require', 'everyone'), /required for: everyone/);
    const shown = await runTessera(['admin', 'policy', 'show', '--json'], { env: server.env });
    assert.deepEqual(JSON.parse(shown.stdout), { require: 'everyone', groups: [] });
    const bad = await runTessera(['admin', 'policy', 'set', '--require', 'sometimes'], { env: server.env });
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /one of: none, everyone, admins, groups/);
  });

  test('after the password, a user without a factor reaches only the enrolment page', async () => {
    const client = new WebClient(server.baseUrl);
    const requestToken = await app.requestToken('oob');
    const authorizeUrl = new URL(app.authorizeUrl(requestToken.token));
    const authorizePath = authorizeUrl.pathname + authorizeUrl.search;
    const afterPassword = await submitPassword(client, 'ned', TEST_PASSWORD, authorizePath);
    assert.equal(afterPassword.status, 303);
    assert.equal(afterPassword.location, `/secure/security?next=${encodeURIComponent(authorizePath)}`);
    const security = await client.get(afterPassword.location!);
    assert.equal(security.status, 200);
    assert.match(security.text, /data-enrolment-required/);

    // Pages: home and the OAuth approval page send them back to enrolment; the decision POST is refused.
    assert.equal((await client.get('/')).location, '/secure/security');
    const approval = await client.get(authorizePath);
    assert.equal(approval.status, 303);
    assert.match(approval.location!, /^\/secure\/security\?next=/);
    const decide = await client.post('/plugins/servlet/oauth/authorize', { csrf: hiddenField(security.text, 'csrf'), oauth_token: requestToken.token, decision: 'allow' });
    assert.equal(decide.status, 403);
    assert.match(decide.text, /requires a second factor/);

    // REST: the restricted cookie is no login; the password and an older OAuth token are refused with a message.
    const cookie = await client.request('GET', '/rest/api/2/myself');
    assert.equal(cookie.status, 401);
    const viaBasic = await fetch(`${server.baseUrl}/rest/api/2/myself`, { headers: { authorization: basic('ned') } });
    assert.equal(viaBasic.status, 401);
    assert.match(((await viaBasic.json()) as { errorMessages: string[] }).errorMessages[0]!, /requires a second factor.*security page/);
    const session = await fetch(`${server.baseUrl}/rest/auth/1/session`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'ned', password: TEST_PASSWORD }),
    });
    assert.equal(session.status, 401);
    assert.equal(session.headers.get('set-cookie'), null);
    const viaOAuth = await app.request({ method: 'GET', path: '/rest/api/2/myself', token: nedToken });
    assert.equal(viaOAuth.status, 401);
    assert.match(viaOAuth.body, /requires a second factor/);
  });

  test('enrolling a TOTP app (confirmed by a code) completes the sign-in; then the API answers again', async () => {
    const client = new WebClient(server.baseUrl);
    const afterPassword = await submitPassword(client, 'ned', TEST_PASSWORD, '/');
    const restricted = client.cookies.get('tessera_session');
    const security = await client.get(afterPassword.location!);
    const setup = await client.post('/secure/security/totp', { csrf: hiddenField(security.text, 'csrf'), next: '/' });
    assert.equal(setup.status, 200, 'the password just given counts as a fresh check for enrolling');
    const secret = base32Decode(/data-totp-secret="([A-Z2-7]+)"/.exec(setup.text)![1]!);
    const action = /action="(\/secure\/security\/totp\/[A-Za-z0-9]+\/confirm)"/.exec(setup.text)![1]!;
    const done = await client.post(action, { csrf: hiddenField(setup.text, 'csrf'), next: '/', name: 'Ned app', code: hotp(secret, totpStep(Date.now())) });
    assert.equal(done.status, 303, done.text);
    assert.equal(done.location, '/');
    assert.notEqual(client.cookies.get('tessera_session'), restricted, 'a new session id');
    assert.equal((await client.get('/')).status, 200);
    assert.equal((await client.request('GET', '/rest/api/2/myself')).status, 200);
    assert.equal((await app.request({ method: 'GET', path: '/rest/api/2/myself', token: nedToken })).status, 200);
    // And now the password alone never reaches the API for Ned (he has a second factor).
    assert.equal((await fetch(`${server.baseUrl}/rest/api/2/myself`, { headers: { authorization: basic('ned') } })).status, 401);
  });

  test('an authenticator enrolled by link signs in with a push, not by the enrolment itself', async () => {
    const client = new WebClient(server.baseUrl);
    const afterPassword = await submitPassword(client, 'pat', TEST_PASSWORD, '/');
    const security = await client.get(afterPassword.location!);
    const add = await client.post('/secure/security/authenticators', { csrf: hiddenField(security.text, 'csrf'), next: '/' });
    assert.equal(add.status, 200);
    const uri = /data-enrollment-uri="([^"]+)"/.exec(add.text)![1]!;
    assert.match(add.text, /<img class="qr" id="enrolment-qr" src="data:image\/png;base64,/);
    const phone = new TestDevice(server.baseUrl);
    assert.equal((await phone.enroll(new URL(uri).hash.replace('#code=', ''))).status, 201);
    const back = await client.get('/secure/security?next=%2F');
    assert.equal(back.status, 303);
    assert.equal(back.location, '/login/challenge?next=%2F');
    assert.equal((await client.request('GET', '/rest/api/2/myself')).status, 401, 'not signed in yet');
    const challengePage = await client.get(back.location!);
    const symbol = /data-access-pass="([a-z]+)"/.exec(challengePage.text)![1]!;
    const [challenge] = await phone.pending();
    assert.equal((await phone.answer(challenge!.id, 'approve', symbol)).status, 200);
    const done = await client.post('/login/challenge', { csrf: hiddenField(challengePage.text, 'csrf'), next: '/' });
    assert.equal(done.status, 303);
    assert.equal((await client.request('GET', '/rest/api/2/myself')).status, 200);
  });
});

describe('second-factor policy: administrators, groups', () => {
  const afterPassword = async (name: string) => (await submitPassword(new WebClient(server.baseUrl), name, TEST_PASSWORD, '/')).location;

  test('admins: an administrator without a factor must enrol; other users need not', async () => {
    await setPolicy('--require', 'admins');
    assert.match((await afterPassword('root'))!, /^\/secure\/security/);
    assert.equal(await afterPassword('gail'), '/');
    assert.equal((await fetch(`${server.baseUrl}/rest/api/2/myself`, { headers: { authorization: basic('gail') } })).status, 200);
  });

  test('groups: members of a named group must enrol; an unknown group is refused', async () => {
    assert.match(await setPolicy('--require', 'groups', '--groups', 'secure'), /members of secure/);
    assert.match((await afterPassword('gail'))!, /^\/secure\/security/);
    assert.equal(await afterPassword('root'), '/');
    assert.equal((await fetch(`${server.baseUrl}/rest/api/2/myself`, { headers: { authorization: basic('gail') } })).status, 401);
    const bad = await runTessera(['admin', 'policy', 'set', '--require', 'groups', '--groups', 'nosuch'], { env: server.env });
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /no group named "nosuch"/);
    await setPolicy('--require', 'none');
    assert.equal(await afterPassword('gail'), '/');
  });
});

describe('tessera admin user reset-2fa', () => {
  test('removes every factor and recovery code, ends the sessions, and is recorded', async () => {
    const lost = await userId('lost');
    const phone = new TestDevice(server.baseUrl);
    assert.equal((await phone.enroll(await server.services.push.createEnrollmentCode(lost))).status, 201);
    await server.services.recoveryCodes.regenerate(lost, null);
    await server.services.sessions.start('authenticated', lost);
    await server.services.accounts.countSecondFactorAttempt(lost);
    assert.deepEqual(await server.services.factors.kinds(lost), ['push', 'recovery']);

    const r = await runTessera(['admin', 'user', 'reset-2fa', 'lost'], { env: server.env });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /1 authenticators, 0 authenticator apps, 0 passkeys, 10 recovery codes/);
    assert.deepEqual(await server.services.factors.kinds(lost), []);
    const sessions = await server.services.context.db.selectFrom('sessions').select('id_hash').where('user_id', '=', lost).execute();
    assert.equal(sessions.length, 0);
    const counters = await server.services.context.db.selectFrom('login_failures').select('username_lower').where('username_lower', 'like', '#second-factor:%').execute();
    assert.deepEqual(counters, [], 'the code-guessing count starts afresh');
    const audit = await server.services.context.db.selectFrom('audit_log').select('detail').where('event', '=', 'second_factor.reset').execute();
    assert.equal(audit.length, 1);
    assert.equal(JSON.parse(audit[0]!.detail).via, 'cli');
    assert.equal((await phone.signedFetch('GET', '/api/authenticator/challenges')).status, 401, 'the old phone is no longer a device');
    assert.equal((await runTessera(['admin', 'user', 'reset-2fa', 'nobody'], { env: server.env })).code, 1);
  });
});
