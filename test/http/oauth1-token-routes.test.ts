// The token endpoints through Fastify (inject): status, headers and form bodies as Jira sends them, 405 for
// other methods, parameters in a form body, and a generic 500 when something unexpected breaks.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import Fastify, { type FastifyInstance } from 'fastify';
import { registerOAuthTokenRoutes } from '../../src/http/oauth1/token-routes.js';
import { Consumers } from '../../src/services/consumers.js';
import { OAuthProvider } from '../../src/services/oauth-provider.js';
import { addUser, formFields, openOAuthTestContext, signedRaw, testClient, TESTCASES, type OAuthTestContext } from '../helpers/oauth-context.js';

const REQUEST_TOKEN = '/plugins/servlet/oauth/request-token';
const ACCESS_TOKEN = '/plugins/servlet/oauth/access-token';

async function buildTestApp(provider: OAuthProvider): Promise<{ app: FastifyInstance; logs: string[] }> {
  const logs: string[] = [];
  const stream = { write: (line: string) => { logs.push(line); } };
  const app = Fastify({ logger: { level: 'error', stream } });
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_r, body, done) => done(null, body));
  await registerOAuthTokenRoutes(app, { provider });
  await app.ready();
  return { app, logs };
}

describe('token routes', () => {
  let t: OAuthTestContext;
  let provider: OAuthProvider;
  let app: FastifyInstance;
  before(async () => {
    t = await openOAuthTestContext();
    provider = new OAuthProvider(t.ctx);
    await new Consumers(t.ctx).add({ key: 'test-app', name: 'Test App', publicKeyText: TESTCASES.publicPem });
    ({ app } = await buildTestApp(provider));
  });
  after(async () => {
    await app.close();
    await t.close();
  });

  const inject = (raw: ReturnType<typeof signedRaw>) => app.inject({
    method: raw.method as 'POST', url: raw.query ? `${raw.path}?${raw.query}` : raw.path,
    headers: { authorization: raw.authorization, ...(raw.contentType ? { 'content-type': raw.contentType } : {}) },
    ...(raw.body === undefined ? {} : { payload: raw.body }),
  });

  test('request-token and access-token answer form bodies', async () => {
    const client = testClient(t.ctx);
    const rt = await inject(signedRaw(client, 'POST', REQUEST_TOKEN, { extra: { oauth_callback: 'oob' } }));
    assert.equal(rt.statusCode, 200, rt.body);
    assert.equal(rt.headers['content-type'], 'application/x-www-form-urlencoded');
    assert.equal(rt.headers['cache-control'], 'no-store');
    const token = formFields(rt.body)['oauth_token']!;
    assert.equal(formFields(rt.body)['oauth_callback_confirmed'], 'true');

    const granted = await provider.authorizeRequestToken(token, await addUser(t.ctx, 'ivy'));
    const at = await inject(signedRaw(client, 'POST', ACCESS_TOKEN, { token, extra: { oauth_verifier: granted!.verifier } }));
    assert.equal(at.statusCode, 200, at.body);
    assert.match(at.body, /^oauth_token=\w{32}&oauth_token_secret=\w{32}&oauth_expires_in=157680000&oauth_session_handle=\w{32}&oauth_authorization_expires_in=157680000$/);
  });

  test('protocol parameters in a form body (and none in a header) work too', async () => {
    const client = testClient(t.ctx);
    const raw = signedRaw(client, 'POST', REQUEST_TOKEN, { extra: { oauth_callback: 'oob' } });
    const params = raw.authorization!.replace(/^OAuth /, '').split(', ').map((p) => p.replace(/^([^=]+)="(.*)"$/, '$1=$2')).join('&');
    const res = await app.inject({ method: 'POST', url: REQUEST_TOKEN, headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: params });
    assert.equal(res.statusCode, 200, res.body);
  });

  test('a problem: status, WWW-Authenticate, form body', async () => {
    const res = await inject(signedRaw(testClient(t.ctx), 'POST', REQUEST_TOKEN));
    assert.equal(res.statusCode, 400);
    assert.equal(res.headers['www-authenticate'], `OAuth realm="${t.ctx.config.baseUrl}", oauth_problem="parameter_absent"`);
    assert.equal(res.headers['content-type'], 'application/x-www-form-urlencoded');
    assert.match(res.body, /^oauth_problem=parameter_absent&oauth_parameters_absent=oauth_callback&oauth_problem_advice=/);

    const unsigned = await app.inject({ method: 'POST', url: ACCESS_TOKEN });
    assert.equal(unsigned.statusCode, 400);
    assert.match(unsigned.body, /^oauth_problem=parameter_absent&oauth_parameters_absent=oauth_consumer_key%26/);
  });

  for (const method of ['GET', 'PUT', 'DELETE', 'PATCH', 'HEAD'] as const) {
    for (const url of [REQUEST_TOKEN, ACCESS_TOKEN]) {
      test(`${method} ${url} → 405 Allow: POST`, async () => {
        const res = await app.inject({ method, url });
        assert.equal(res.statusCode, 405);
        assert.equal(res.headers['allow'], 'POST');
        if (method !== 'HEAD') assert.match(res.body, /^oauth_problem=method_not_allowed&oauth_problem_advice=/);
      });
    }
  }

  test('an unexpected failure: 500, generic text, no stack, logged', async () => {
    const broken = await openOAuthTestContext();
    const brokenProvider = new OAuthProvider(broken.ctx);
    await new Consumers(broken.ctx).add({ key: 'test-app', name: 'Test App', publicKeyText: TESTCASES.publicPem });
    const built = await buildTestApp(brokenProvider);
    try {
      await broken.ctx.db.schema.dropTable('request_tokens').execute();
      const raw = signedRaw(testClient(broken.ctx), 'POST', REQUEST_TOKEN, { extra: { oauth_callback: 'oob' } });
      const res = await built.app.inject({ method: 'POST', url: REQUEST_TOKEN, headers: { authorization: raw.authorization } });
      assert.equal(res.statusCode, 500);
      assert.doesNotMatch(res.body, /oauth_problem|at |request_tokens|Error/);
      assert.match(res.body, /could not answer/);
      assert.ok(built.logs.some((line) => /OAuth token endpoint failed/.test(line)));
      assert.ok(!built.logs.some((line) => line.includes(raw.authorization!)), 'the signed header is not logged');
    } finally {
      await built.app.close();
      await broken.close();
    }
  });
});
