// Interoperability: requests signed by an independent implementation, Debian's python3-oauthlib (the
// signing core of requests-oauthlib and python-jira), verify with our provider, and stop verifying once
// tampered with. It runs /usr/bin/python3, the Debian interpreter with the Debian packages (.ci/run
// installs python3-requests-oauthlib), not whatever python3 comes first on PATH.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { after, before, test } from 'node:test';
import type { RawRequest } from '../../src/protocol/oauth1/request.js';
import { Consumers } from '../../src/services/consumers.js';
import { OAuthProvider } from '../../src/services/oauth-provider.js';
import { addUser, formFields, openOAuthTestContext, TESTCASES, type OAuthTestContext } from '../helpers/oauth-context.js';

const PYTHON = '/usr/bin/python3';
const SIGN = `
import json, sys
from oauthlib.oauth1 import Client, SIGNATURE_RSA
r = json.load(sys.stdin)
client = Client(r['consumer_key'], signature_method=SIGNATURE_RSA, rsa_key=r['rsa_key'],
                resource_owner_key=r.get('token'), callback_uri=r.get('callback'), verifier=r.get('verifier'),
                realm=r.get('realm'), timestamp=r['timestamp'])
uri, headers, body = client.sign(r['uri'], http_method=r['method'], body=r.get('body'), headers=r.get('headers'))
json.dump({'uri': uri, 'headers': dict(headers), 'body': body}, sys.stdout)
`;

let t: OAuthTestContext;
let provider: OAuthProvider;
let userId: number;

before(async () => {
  t = await openOAuthTestContext();
  provider = new OAuthProvider(t.ctx);
  userId = await addUser(t.ctx, 'olive');
  await new Consumers(t.ctx).add({ key: 'oauthlib-app', name: 'oauthlib', publicKeyText: TESTCASES.publicPem });
});
after(async () => t.close());

interface PythonRequest { method: string; path: string; token?: string; callback?: string; verifier?: string; realm?: string; body?: string; form?: boolean }

/** Signs with oauthlib and returns what the server would receive. */
function signWithOAuthlib(request: PythonRequest): RawRequest {
  const input = {
    consumer_key: 'oauthlib-app', rsa_key: TESTCASES.privatePem, timestamp: String(Math.floor(t.clock() / 1000)),
    uri: t.ctx.config.baseUrl + request.path, method: request.method, token: request.token, callback: request.callback,
    verifier: request.verifier, realm: request.realm, body: request.body,
    headers: request.form ? { 'Content-Type': 'application/x-www-form-urlencoded' } : undefined,
  };
  const out = JSON.parse(execFileSync(PYTHON, ['-c', SIGN], { input: JSON.stringify(input), encoding: 'utf8' })) as {
    uri: string; headers: Record<string, string>; body: string | null;
  };
  const m = /^https?:\/\/[^/]+([^?]*)(?:\?(.*))?$/.exec(out.uri);
  assert.ok(m, out.uri);
  assert.match(out.headers['Authorization'] ?? '', /^OAuth /);
  return {
    method: request.method, path: m[1]!, query: m[2] ?? '', authorization: out.headers['Authorization'],
    contentType: out.headers['Content-Type'], body: out.body ?? undefined,
  };
}

test('the whole dance signed by oauthlib (RSA-SHA1, oob) verifies; tampered requests do not', async () => {
  const rtRaw = signWithOAuthlib({ method: 'POST', path: '/plugins/servlet/oauth/request-token', callback: 'oob', realm: 'Tessera' });
  const tampered = await provider.issueRequestToken({ ...rtRaw, path: '/plugins/servlet/oauth/request-tokenX' });
  assert.equal(tampered.status, 401);
  assert.equal(formFields(tampered.body)['oauth_problem'], 'signature_invalid');
  const rtRes = await provider.issueRequestToken(rtRaw);
  assert.equal(rtRes.status, 200, rtRes.body);
  const token = formFields(rtRes.body)['oauth_token']!;

  const granted = await provider.authorizeRequestToken(token, userId);
  assert.ok(granted);
  const atRaw = signWithOAuthlib({ method: 'POST', path: '/plugins/servlet/oauth/access-token', token, verifier: granted.verifier });
  const atRes = await provider.exchangeAccessToken(atRaw);
  assert.equal(atRes.status, 200, atRes.body);
  const accessToken = formFields(atRes.body)['oauth_token']!;

  const search = signWithOAuthlib({ method: 'GET', path: '/rest/api/2/search?jql=project%20%3D%20DEMO%20ORDER%20BY%20created%20DESC&fields=summary,status&x=a+b', token: accessToken });
  assert.deepEqual(await provider.verifyResourceRequest(search), { userId, consumerKey: 'oauthlib-app' });
  const changedQuery = signWithOAuthlib({ method: 'GET', path: '/rest/api/2/search?jql=project%20%3D%20DEMO', token: accessToken });
  await assert.rejects(provider.verifyResourceRequest({ ...changedQuery, query: 'jql=project%20%3D%20SECRET' }), { code: 'signature_invalid', status: 401 });

  const form = signWithOAuthlib({ method: 'POST', path: '/rest/api/2/form', token: accessToken, body: 'a=1&b=x+y&c=%7E', form: true });
  assert.equal((await provider.verifyResourceRequest(form)).userId, userId);
  const changedBody = signWithOAuthlib({ method: 'POST', path: '/rest/api/2/form', token: accessToken, body: 'a=1', form: true });
  await assert.rejects(provider.verifyResourceRequest({ ...changedBody, body: 'a=2' }), { code: 'signature_invalid' });

  const changedMethod = signWithOAuthlib({ method: 'GET', path: '/rest/api/2/myself', token: accessToken });
  await assert.rejects(provider.verifyResourceRequest({ ...changedMethod, method: 'DELETE' }), { code: 'signature_invalid' });
});
