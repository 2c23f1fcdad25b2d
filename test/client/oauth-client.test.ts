// Our OAuth client library and the `tessera client` / `tessera admin consumer` commands against the real
// token endpoints on a real port (fresh SQLite file). The user's Allow is the service call the authorize
// page makes; the resource route is a stand-in that answers who the signed request acts for.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import Fastify, { type FastifyInstance } from 'fastify';
import { runConsumerCommand } from '../../src/cli/admin-consumer.js';
import { runClientCommand } from '../../src/cli/client.js';
import { OAuthClient, OAuthClientError } from '../../src/client/index.js';
import { registerOAuthTokenRoutes } from '../../src/http/oauth1/token-routes.js';
import { rawRequestOf } from '../../src/http/raw-request.js';
import { OAuthProblem, problemResponse } from '../../src/protocol/oauth1/problems.js';
import { systemClock } from '../../src/services/clock.js';
import { Consumers } from '../../src/services/consumers.js';
import { OAuthProvider } from '../../src/services/oauth-provider.js';
import { addUser, openOAuthTestContext, TESTCASES, type OAuthTestContext } from '../helpers/oauth-context.js';

let t: OAuthTestContext;
let provider: OAuthProvider;
let consumers: Consumers;
let app: FastifyInstance;
let baseUrl: string;
let userId: number;

/** A free loopback port: the base URL (hence the signatures) must be known before the app is built. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

before(async () => {
  const port = await freePort();
  baseUrl = `http://127.0.0.1:${port}`;
  t = await openOAuthTestContext({ baseUrl });
  t.ctx.clock = systemClock; // the CLI signs with the real time
  provider = new OAuthProvider(t.ctx);
  consumers = new Consumers(t.ctx);
  userId = await addUser(t.ctx, 'carol');
  await consumers.add({ key: 'lib-app', name: 'Library App', publicKeyText: TESTCASES.publicPem });

  app = Fastify({ logger: false });
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_r, body, done) => done(null, body));
  await registerOAuthTokenRoutes(app, { provider });
  app.get('/rest/api/2/myself', async (request, reply) => {
    try {
      return await provider.verifyResourceRequest(rawRequestOf(request));
    } catch (err) {
      if (!(err instanceof OAuthProblem)) throw err;
      const res = problemResponse(err, t.ctx.config.baseUrl);
      return reply.code(res.status).headers(res.headers).send(res.body);
    }
  });
  await app.listen({ port, host: '127.0.0.1' });
});
after(async () => {
  await app.close();
  await t.close();
});

describe('OAuthClient', () => {
  test('the oob dance and a signed call', async () => {
    const client = new OAuthClient({ baseUrl, consumerKey: 'lib-app', privateKeyPem: TESTCASES.privatePem });
    const rt = await client.requestToken();
    assert.equal(rt.callbackConfirmed, true);
    assert.equal(client.authorizeUrl(rt.token), `${baseUrl}/plugins/servlet/oauth/authorize?oauth_token=${rt.token}`);
    const granted = await provider.authorizeRequestToken(rt.token, userId);
    const at = await client.accessToken(rt, granted!.verifier);
    assert.equal(at.expiresIn, t.ctx.config.accessTokenLifetimeSeconds);
    assert.match(at.sessionHandle ?? '', /^[A-Za-z0-9]{32}$/);
    const res = await client.request({ path: '/rest/api/2/myself?expand=groups', query: { fields: ['a b', 'c+d'], n: 1 }, token: at });
    assert.equal(res.status, 200, res.body);
    assert.deepEqual(res.json, { userId, consumerKey: 'lib-app' });

    const refused = await client.request({ path: '/rest/api/2/myself', token: 'z'.repeat(32) });
    assert.equal(refused.status, 401);
    assert.equal(refused.problem?.problem, 'token_rejected');
  });

  test('refusals come back with the oauth_problem and the base string', async () => {
    const unknown = new OAuthClient({ baseUrl, consumerKey: 'nobody', privateKeyPem: TESTCASES.privatePem });
    await assert.rejects(unknown.requestToken(), (err: unknown) => err instanceof OAuthClientError && err.status === 401 && err.problem === 'consumer_key_unknown');

    const { generateKeyPairSync } = await import('node:crypto');
    const otherKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
    const wrong = new OAuthClient({ baseUrl, consumerKey: 'lib-app', privateKeyPem: otherKey });
    await assert.rejects(wrong.requestToken('https://app.example/cb'), (err: unknown) => {
      assert.ok(err instanceof OAuthClientError);
      assert.equal(err.problem, 'signature_invalid');
      assert.match(err.baseString ?? '', /^POST&http%3A%2F%2F127\.0\.0\.1%3A\d+%2Fplugins%2Fservlet%2Foauth%2Frequest-token&oauth_callback%3Dhttps%253A%252F%252Fapp\.example%252Fcb%26oauth_consumer_key%3Dlib-app%26/);
      return true;
    });
  });
});

function sink() {
  let text = '';
  const stream = new Writable({ write(chunk, _enc, done) { text += String(chunk); done(); } });
  return { stream, text: () => text };
}

describe('tessera client and tessera admin consumer', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'tessera-cli-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  async function cli(args: string[]) {
    const out = sink();
    const err = sink();
    const code = await runClientCommand([...args, '--state', join(dir, 'client.json')], { stdout: out.stream, stderr: err.stream, env: { TESSERA_BASE_URL: baseUrl } });
    return { code, stdout: out.text(), stderr: err.text() };
  }
  async function admin(args: string[], stdin = '') {
    const out = sink();
    const err = sink();
    const code = await runConsumerCommand(args, { consumers, stdout: out.stream, stderr: err.stream, stdin: Readable.from([stdin]) });
    return { code, stdout: out.text(), stderr: err.text() };
  }

  test('keygen → consumer add → request-token → allow → access-token → request', async () => {
    const keygen = await cli(['keygen', '--consumer-key', 'cli-app']);
    assert.equal(keygen.code, 0, keygen.stderr);
    assert.match(keygen.stdout, /^-----BEGIN PUBLIC KEY-----\n[\s\S]+-----END PUBLIC KEY-----\n$/);
    assert.match(keygen.stderr, /tessera admin consumer add --key cli-app/);
    const file = join(dir, 'client.json');
    assert.equal(statSync(file).mode & 0o777, 0o600);
    const state = JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>;
    assert.equal(state['baseUrl'], baseUrl);
    assert.equal(state['consumerKey'], 'cli-app');
    assert.match(state['privateKeyPem']!, /BEGIN PRIVATE KEY/);
    assert.equal((await cli(['keygen'])).code, 1, 'an existing key is not replaced without --force');

    writeFileSync(join(dir, 'public.pem'), keygen.stdout);
    const added = await admin(['add', '--key', 'cli-app', '--name', 'CLI App', '--public-key', join(dir, 'public.pem'), '--callback', 'https://cli.example/cb']);
    assert.equal(added.code, 0, added.stderr);
    assert.match(added.stdout, /^Added application link cli-app \(CLI App\), key fingerprint [0-9a-f:]{47}\.\n$/);
    const fromStdin = await admin(['add', '--key', 'stdin-app', '--name', 'Stdin', '--public-key', '-', '--allow-no-verifier'], TESTCASES.certPem);
    assert.equal(fromStdin.code, 0, fromStdin.stderr);
    assert.match(fromStdin.stderr, /session fixation/);
    assert.equal((await admin(['add', '--key', 'cli-app', '--name', 'Again', '--public-key', join(dir, 'public.pem')])).code, 1);
    const badKey = await admin(['add', '--key', 'bad', '--name', 'Bad', '--public-key', '-'], 'ssh-rsa AAAA');
    assert.equal(badKey.code, 1);
    assert.match(badKey.stderr, /X\.509 certificate/);

    const list = await admin(['list']);
    assert.match(list.stdout, /^KEY\s+NAME\s+CALLBACK\s+NO-VERIFIER\s+CREATED\s+KEY FINGERPRINT\n/);
    assert.match(list.stdout, /\ncli-app\s+CLI App\s+https:\/\/cli\.example\/cb\s+no\s+/);
    const json = JSON.parse((await admin(['list', '--json'])).stdout) as Array<{ key: string; allowNoVerifier: boolean; publicKey: string }>;
    assert.deepEqual(json.map((c) => [c.key, c.allowNoVerifier]), [['cli-app', false], ['lib-app', false], ['stdin-app', true]]);
    assert.equal(json.find((c) => c.key === 'cli-app')?.publicKey, keygen.stdout);

    const rt = await cli(['request-token']);
    assert.equal(rt.code, 0, rt.stderr);
    const token = /^Request token: ([A-Za-z0-9]{32})$/m.exec(rt.stdout)?.[1];
    assert.ok(token, rt.stdout);
    assert.ok(rt.stdout.includes(`${baseUrl}/plugins/servlet/oauth/authorize?oauth_token=${token}`));
    assert.equal((await provider.findPendingRequestToken(token))?.callback, 'oob');
    const granted = await provider.authorizeRequestToken(token, userId);

    const at = await cli(['access-token', granted!.verifier]);
    assert.equal(at.code, 0, at.stderr);
    assert.match(at.stdout, /^Access token: [A-Za-z0-9]{32}$/m);
    const saved = JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>;
    assert.match(saved['accessToken']!, /^[A-Za-z0-9]{32}$/);
    assert.equal(saved['requestToken'], undefined);

    const me = await cli(['request', '/rest/api/2/myself']);
    assert.equal(me.code, 0, me.stderr);
    assert.equal(me.stdout, `${JSON.stringify({ userId, consumerKey: 'cli-app' }, null, 2)}\n`);

    const missing = await cli(['request', '/rest/api/2/nothing-here']);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /HTTP 404/);
    assert.equal((await cli(['request', '/rest/api/2/myself', '--data', '{not json'])).code, 2);

    const removed = await admin(['remove', 'cli-app']);
    assert.equal(removed.code, 0);
    assert.equal((await admin(['remove', 'cli-app'])).code, 1);
    const afterRemoval = await cli(['request', '/rest/api/2/myself']);
    assert.equal(afterRemoval.code, 1);
    assert.match(afterRemoval.stderr, /HTTP 401 \(oauth_problem=consumer_key_unknown\)/);
  });

  test('usage errors exit 2; a refused request-token prints the problem', async () => {
    assert.equal((await cli(['frobnicate'])).code, 2);
    assert.equal((await cli(['request-token', '--nope'])).code, 2);
    assert.equal((await admin(['add', '--key', 'k'])).code, 2);
    const refused = await cli(['request-token', '--consumer-key', 'unknown-app']);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /refused: HTTP 401: oauth_problem=consumer_key_unknown/);
  });
});
