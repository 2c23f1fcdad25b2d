// End to end on a real port with a fresh SQLite file: the OAuth 1.0a dance with a push login approved by the
// real CLI authenticator (`tessera authenticator approve --pick`), run as a separate process on the same
// database settings (issue 2, acceptance 2 and 3).
import assert from 'node:assert/strict';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { OAuthClient, OAuthClientError } from '../../src/client/oauth-client.js';
import { authorizeInBrowser, verifierOf } from '../helpers/dance.js';
import { runTessera } from '../helpers/cli.js';
import { createUser, startTestServer, TEST_PASSWORD, type TestServer } from '../helpers/server.js';

const FIXTURES = new URL('../fixtures/', import.meta.url);
const PRIVATE_KEY = readFileSync(new URL('testcases-rsa-private.pem', FIXTURES), 'utf8');
const PUBLIC_KEY_FILE = new URL('testcases-rsa-public.pem', FIXTURES).pathname;

describe('the OAuth dance with a push login', () => {
  let server: TestServer;
  let deviceFile: string;
  let app: OAuthClient;

  before(async () => {
    server = await startTestServer();
    await createUser(server, 'alice');
    // The admin's side, with the real CLI on the same database.
    const consumer = await runTessera(['admin', 'consumer', 'add', '--key', 'testcases-app', '--name', 'TestCases App', '--public-key', PUBLIC_KEY_FILE], { env: server.env });
    assert.equal(consumer.code, 0, consumer.stderr);
    const link = await runTessera(['admin', 'user', 'enroll-link', 'alice'], { env: server.env });
    assert.equal(link.code, 0, link.stderr);
    const uri = link.stdout.trim();
    assert.match(uri, /^http:\/\/localhost:\d+\/authenticator\/enroll#code=[A-Za-z0-9]{32}$/);
    deviceFile = join(server.dir, 'alice-device.json');
    const enroll = await runTessera(['authenticator', 'enroll', uri, '--file', deviceFile], { env: server.env });
    assert.equal(enroll.code, 0, enroll.stderr);
    assert.equal(statSync(deviceFile).mode & 0o777, 0o600);
    assert.doesNotMatch(JSON.stringify(await server.services.context.db.selectFrom('authenticators').selectAll().execute()), /PRIVATE KEY/);
    // The enrolment link works once.
    const again = await runTessera(['authenticator', 'enroll', uri, '--file', join(server.dir, 'second.json')], { env: server.env });
    assert.notEqual(again.code, 0);
    app = new OAuthClient({ baseUrl: server.baseUrl, consumerKey: 'testcases-app', privateKeyPem: PRIVATE_KEY });
  });
  after(() => server.close());

  const approveWithCli = (symbol: string) => async () => {
    const r = await runTessera(['authenticator', 'approve', '--file', deviceFile, '--pick', symbol, '--wait', '10'], { env: server.env });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /Approved/);
    assert.match(r.stdout, /TestCases App/, 'the authenticator names the application');
  };

  test('oob: request token → authorize → login → CLI approval → Allow → verifier → access token → myself', async () => {
    const requestToken = await app.requestToken('oob');
    assert.equal(requestToken.callbackConfirmed, true);
    assert.match(requestToken.token, /^[A-Za-z0-9]{32}$/);
    const page = await authorizeInBrowser({
      baseUrl: server.baseUrl, authorizeUrl: app.authorizeUrl(requestToken.token), username: 'alice', password: TEST_PASSWORD,
      approve: (symbol) => approveWithCli(symbol)(),
    });
    assert.equal(page.status, 200);
    const verifier = verifierOf(page);
    const access = await app.accessToken(requestToken, verifier);
    assert.match(access.token, /^[A-Za-z0-9]{32}$/);
    assert.ok(access.expiresIn! > 4 * 365 * 24 * 3600);
    assert.ok(access.sessionHandle);
    const me = await app.request({ path: '/rest/api/2/myself', token: access });
    assert.equal(me.status, 200);
    assert.equal((me.json as { name: string }).name, 'alice');
    assert.equal(me.headers.get('x-ausername'), 'alice');
    // The request token and its verifier are spent.
    await assert.rejects(app.accessToken(requestToken, verifier), (e: OAuthClientError) => e.status === 401);
  });

  test('the CLI authenticator lists the pending challenge as JSON without answering it', async () => {
    const requestToken = await app.requestToken('oob');
    let listed: Array<Record<string, unknown>> = [];
    await authorizeInBrowser({
      baseUrl: server.baseUrl, authorizeUrl: app.authorizeUrl(requestToken.token), username: 'alice', password: TEST_PASSWORD,
      approve: async (symbol) => {
        const r = await runTessera(['authenticator', 'pending', '--file', deviceFile, '--json'], { env: server.env });
        assert.equal(r.code, 0, r.stderr);
        listed = JSON.parse(r.stdout);
        await approveWithCli(symbol)();
      },
    });
    assert.equal(listed.length, 1);
    const [c] = listed;
    assert.deepEqual(Object.keys(c!).sort(), ['application', 'candidates', 'id', 'ip', 'service', 'time']);
    assert.equal(c!['application'], 'TestCases App');
    assert.equal(c!['service'], 'Tessera');
    assert.equal((c!['candidates'] as string[]).length, 4);
  });

  test('a wrong pick on the CLI authenticator denies the login', async () => {
    const requestToken = await app.requestToken('oob');
    await assert.rejects(authorizeInBrowser({
      baseUrl: server.baseUrl, authorizeUrl: app.authorizeUrl(requestToken.token), username: 'alice', password: TEST_PASSWORD,
      approve: async (symbol) => {
        const pending = JSON.parse((await runTessera(['authenticator', 'pending', '--file', deviceFile, '--json'], { env: server.env })).stdout);
        const wrong = (pending[0].candidates as string[]).find((s) => s !== symbol)!;
        const r = await runTessera(['authenticator', 'approve', '--file', deviceFile, '--pick', wrong], { env: server.env });
        assert.equal(r.code, 1);
        assert.match(r.stdout, /Wrong symbol/);
      },
    }), /303/);
  });

  test('"this wasn\'t me" on the CLI authenticator blocks the login and is recorded', async () => {
    const requestToken = await app.requestToken('oob');
    await assert.rejects(authorizeInBrowser({
      baseUrl: server.baseUrl, authorizeUrl: app.authorizeUrl(requestToken.token), username: 'alice', password: TEST_PASSWORD,
      approve: async () => {
        const r = await runTessera(['authenticator', 'deny', '--file', deviceFile, '--report'], { env: server.env });
        assert.equal(r.code, 0, r.stderr);
        assert.match(r.stdout, /Reported: the sign-in was blocked and recorded/);
      },
    }), /303/);
    const reports = await server.services.context.db.selectFrom('audit_log').select('event').where('event', '=', 'push.reported').execute();
    assert.equal(reports.length, 1);
  });

  test('callback: Allow redirects with oauth_token and oauth_verifier', async () => {
    const requestToken = await app.requestToken('https://app.example/done?state=xyz');
    const res = await authorizeInBrowser({
      baseUrl: server.baseUrl, authorizeUrl: app.authorizeUrl(requestToken.token), username: 'alice', password: TEST_PASSWORD,
      approve: (symbol) => approveWithCli(symbol)(),
    });
    assert.equal(res.status, 303);
    const location = new URL(res.location!);
    assert.equal(location.origin + location.pathname, 'https://app.example/done');
    assert.equal(location.searchParams.get('state'), 'xyz');
    assert.equal(location.searchParams.get('oauth_token'), requestToken.token);
    const verifier = location.searchParams.get('oauth_verifier')!;
    const access = await app.accessToken(requestToken, verifier);
    const me = await app.request({ path: '/rest/api/latest/myself', token: access });
    assert.equal((me.json as { name: string }).name, 'alice');
  });

  test('callback: Deny redirects with oauth_verifier=denied, and that token is refused at access-token', async () => {
    const requestToken = await app.requestToken('https://app.example/done');
    const res = await authorizeInBrowser({
      baseUrl: server.baseUrl, authorizeUrl: app.authorizeUrl(requestToken.token), username: 'alice', password: TEST_PASSWORD,
      approve: (symbol) => approveWithCli(symbol)(), decision: 'deny',
    });
    assert.equal(res.status, 303);
    const location = new URL(res.location!);
    assert.equal(location.searchParams.get('oauth_token'), requestToken.token);
    assert.equal(location.searchParams.get('oauth_verifier'), 'denied');
    await assert.rejects(app.accessToken(requestToken, 'denied'), (e: OAuthClientError) => e.status === 401 && typeof e.problem === 'string');
  });

  test('an unknown or used request token gets an error page with a 4xx status and no Allow button', async () => {
    const { WebClient, submitPassword } = await import('../helpers/web-client.js');
    const client = new WebClient(server.baseUrl);
    // A signed-in user without the phone in the loop: carol has no authenticator.
    await createUser(server, 'carol');
    await submitPassword(client, 'carol', TEST_PASSWORD);
    for (const token of ['unknown-token-aaaaaaaaaaaaaaaaaaaa', '']) {
      const page = await client.get(`/plugins/servlet/oauth/authorize?oauth_token=${token}`);
      assert.ok(page.status >= 400 && page.status < 500, String(page.status));
      assert.doesNotMatch(page.text, /value="allow"/);
    }
    const requestToken = await app.requestToken('oob');
    const first = await client.get(app.authorizeUrl(requestToken.token).replace(server.baseUrl, ''));
    assert.match(first.text, /value="allow"/);
    const csrf = /name="csrf" value="([^"]+)"/.exec(first.text)![1]!;
    assert.equal((await client.post('/plugins/servlet/oauth/authorize', { csrf, oauth_token: requestToken.token, decision: 'allow' })).status, 200);
    const used = await client.get(app.authorizeUrl(requestToken.token).replace(server.baseUrl, ''));
    assert.equal(used.status, 400);
    assert.doesNotMatch(used.text, /value="allow"/);
    const replay = await client.post('/plugins/servlet/oauth/authorize', { csrf, oauth_token: requestToken.token, decision: 'allow' });
    assert.equal(replay.status, 400);
  });

  test('refusals over HTTP: each with its status, WWW-Authenticate and oauth_problem body', async () => {
    const url = `${server.baseUrl}/plugins/servlet/oauth/request-token`;
    const post = (authorization: string) => fetch(url, { method: 'POST', headers: { authorization } });
    const expectProblem = async (res: Response, status: number, problem: string) => {
      const body = new URLSearchParams(await res.text());
      assert.equal(res.status, status, problem);
      assert.equal(body.get('oauth_problem'), problem);
      assert.match(res.headers.get('www-authenticate')!, new RegExp(`^OAuth realm="${server.baseUrl}", oauth_problem="${problem}"`));
      return body;
    };
    // A wrong signature: the base string comes back for the developer to compare.
    const good = app.authorization('POST', url, { extra: { oauth_callback: 'oob' } });
    const tampered = good.replace(/oauth_signature="[^"]+"/, 'oauth_signature="AAAA"');
    const bad = await expectProblem(await post(tampered), 401, 'signature_invalid');
    assert.match(bad.get('oauth_signature_base_string')!, /^POST&http%3A%2F%2Flocalhost%3A\d+%2Fplugins%2Fservlet%2Foauth%2Frequest-token&oauth_callback%3Doob/);
    // A replayed nonce.
    assert.equal((await post(good)).status, 200);
    await expectProblem(await post(good), 401, 'nonce_used');
    // A timestamp 301 s old.
    const late = new OAuthClient({ baseUrl: server.baseUrl, consumerKey: 'testcases-app', privateKeyPem: PRIVATE_KEY, now: () => Date.now() - 301_000 });
    const stale = await expectProblem(await post(late.authorization('POST', url, { extra: { oauth_callback: 'oob' } })), 400, 'timestamp_refused');
    assert.match(stale.get('oauth_acceptable_timestamps')!, /^\d+-\d+$/);
    // An unknown consumer.
    const stranger = new OAuthClient({ baseUrl: server.baseUrl, consumerKey: 'nobody', privateKeyPem: PRIVATE_KEY });
    await expectProblem(await post(stranger.authorization('POST', url, { extra: { oauth_callback: 'oob' } })), 401, 'consumer_key_unknown');
    // A missing oauth_callback.
    const absent = await expectProblem(await post(app.authorization('POST', url)), 400, 'parameter_absent');
    assert.equal(absent.get('oauth_parameters_absent'), 'oauth_callback');
    // An unknown token on the REST API: a Jira error body, with the OAuth problem in WWW-Authenticate.
    const res = await app.request({ path: '/rest/api/2/myself', token: { token: 'x'.repeat(32), tokenSecret: '' } });
    assert.equal(res.status, 401);
    assert.match(res.headers.get('www-authenticate')!, /oauth_problem="token_rejected"/);
    assert.ok(Array.isArray((res.json as { errorMessages: string[] }).errorMessages));
  });
});
