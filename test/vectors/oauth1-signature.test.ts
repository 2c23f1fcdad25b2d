// The OAuth 1.0a signature vectors of test/vectors/oauth1-signature-vectors.json (source: RFC 5849 §1.2 and
// §3.4.1.1 with erratum 2550's secrets, the oauth.net TestCases, the term.ie example, and Jira-style requests
// signed with the TestCases key; see test/vectors/README.md). Every case goes through the same path as a real
// request: raw request → parameter collection → base string → signature, then sign and verify both ways.
// The Jira-style cases are also verified end to end by the provider, on a real SQLite file, with the
// clock frozen at 1700000000 as the vectors ask.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { baseStringUri, signatureBaseString } from '../../src/protocol/oauth1/base-string.js';
import { buildAuthorizationHeader } from '../../src/protocol/oauth1/header.js';
import { percentDecode, percentEncode } from '../../src/protocol/oauth1/percent-encoding.js';
import { collectParameters, parseAuthorizationHeader, type RawRequest } from '../../src/protocol/oauth1/request.js';
import { isSignatureMethod, sign, verify } from '../../src/protocol/oauth1/signature.js';
import { OAuthProvider } from '../../src/services/oauth-provider.js';
import { sha256Hex } from '../../src/services/secrets.js';
import { addUser, openOAuthTestContext, TESTCASES } from '../helpers/oauth-context.js';

interface VectorCase {
  id: string;
  source: string;
  method: string;
  url: string;
  form_body?: string | null;
  signature_method: string;
  consumer_secret?: string;
  token_secret?: string;
  key?: string;
  oauth_params: Array<[string, string]>;
  expect_signature: string;
  expect_base_string: string;
}

const vectors = JSON.parse(readFileSync(new URL('./oauth1-signature-vectors.json', import.meta.url), 'utf8')) as {
  about: string;
  percent_encoding: Array<[string, string]>;
  base_string_uri: Array<[string, string]>;
  cases: VectorCase[];
};

/** Origin and path of an absolute URL, kept exactly as written (no normalisation by a URL parser). */
function splitUrl(url: string): { origin: string; path: string; query: string } {
  const m = /^([A-Za-z][A-Za-z0-9+.-]*:\/\/[^/?#]+)([^?#]*)(?:\?([^#]*))?/.exec(url);
  assert.ok(m, `unparseable URL ${url}`);
  return { origin: m[1]!, path: m[2]!, query: m[3] ?? '' };
}

function rawRequestOf(c: VectorCase, signature: string): RawRequest {
  const { path, query } = splitUrl(c.url);
  return {
    method: c.method,
    path,
    query,
    authorization: buildAuthorizationHeader([...c.oauth_params, ['oauth_signature', signature]]),
    contentType: c.form_body ? 'application/x-www-form-urlencoded' : undefined,
    body: c.form_body ?? undefined,
  };
}

const keyFor = (c: VectorCase) => {
  assert.equal(c.key, 'testcases-rsa', `${c.id}: unknown key ${c.key}`);
  return { privateKey: TESTCASES.privatePem, publicKey: TESTCASES.publicPem };
};

test('the vectors file is the one described in its README (all sections present)', () => {
  assert.match(vectors.about, /testcases-rsa/);
  assert.ok(vectors.percent_encoding.length >= 10);
  assert.ok(vectors.base_string_uri.length >= 6);
  assert.ok(vectors.cases.length >= 14);
});

describe('percent encoding (RFC 5849 3.6)', () => {
  for (const [input, encoded] of vectors.percent_encoding) {
    test(`${JSON.stringify(input)} ⇄ ${encoded}`, () => {
      assert.equal(percentEncode(input), encoded);
      assert.equal(percentDecode(encoded), input);
    });
  }
});

describe('base string URI (RFC 5849 3.4.1.2)', () => {
  for (const [url, expected] of vectors.base_string_uri) {
    test(`${url} → ${expected}`, () => {
      const { origin, path } = splitUrl(url);
      assert.equal(baseStringUri(origin, path), expected);
    });
  }
  test('a context path in the base URL is prefixed to the request path', () => {
    assert.equal(baseStringUri('HTTPS://Jira.Example.COM:443/jira', '/rest/api/2/myself'), 'https://jira.example.com/jira/rest/api/2/myself');
    assert.equal(baseStringUri('https://jira.example.com/jira/', '/rest'), 'https://jira.example.com/jira/rest');
  });
});

describe('signature cases', () => {
  for (const c of vectors.cases) {
    test(`${c.id} (${c.source})`, () => {
      assert.ok(isSignatureMethod(c.signature_method), c.signature_method);
      const method = c.signature_method;
      const raw = rawRequestOf(c, c.expect_signature);
      const { signed, signature } = collectParameters(raw);
      assert.equal(signature, c.expect_signature, 'the signature survives the header round trip');
      const { origin, path } = splitUrl(c.url);
      const baseString = signatureBaseString(c.method, baseStringUri(origin, path), signed);
      assert.equal(baseString, c.expect_base_string);

      if (method.startsWith('RSA')) {
        const { privateKey, publicKey } = keyFor(c);
        // RSASSA-PKCS1-v1_5 is deterministic: our signature must be the vector's, byte for byte.
        assert.equal(sign(method, baseString, { privateKey }), c.expect_signature);
        assert.equal(verify(method, baseString, c.expect_signature, { publicKey }), true);
        assert.equal(verify(method, `${baseString}x`, c.expect_signature, { publicKey }), false);
      } else {
        const secrets = { consumerSecret: c.consumer_secret ?? '', tokenSecret: c.token_secret ?? '' };
        assert.equal(sign(method, baseString, secrets), c.expect_signature);
        assert.equal(verify(method, baseString, c.expect_signature, secrets), true);
        assert.equal(verify(method, baseString, c.expect_signature, { ...secrets, consumerSecret: 'wrong' }), false);
      }
    });
  }
});

describe('Jira-style cases verified by the provider with the clock frozen at 1700000000', () => {
  const jiraCases = vectors.cases.filter((c) => /freeze now at 1700000000/.test(c.source));
  test('there are Jira-style cases', () => assert.ok(jiraCases.length >= 6));

  for (const c of jiraCases) {
    test(c.id, async () => {
      const { origin } = splitUrl(c.url);
      const t = await openOAuthTestContext({ baseUrl: origin, now: 1_700_000_000_000 });
      try {
        const { ctx } = t;
        const consumerKey = new Map(c.oauth_params).get('oauth_consumer_key')!;
        await ctx.db.insertInto('consumers').values({
          consumer_key: consumerKey, name: 'TestCases', public_key: TESTCASES.publicPem, callback_url: null,
          allow_no_verifier: 0, created_at: ctx.clock(),
        }).execute();
        const userId = await addUser(ctx, 'vera');
        const params = new Map(c.oauth_params);
        const token = params.get('oauth_token');
        const provider = new OAuthProvider(ctx);
        const raw = rawRequestOf(c, c.expect_signature);
        const far = ctx.clock() + 3600_000;

        if (c.url.endsWith('/request-token')) {
          const res = await provider.issueRequestToken(raw);
          assert.equal(res.status, 200, res.body);
          assert.match(res.body, /^oauth_token=[A-Za-z0-9]{32}&oauth_token_secret=[A-Za-z0-9]{32}&oauth_callback_confirmed=true$/);
        } else if (c.url.endsWith('/access-token')) {
          await ctx.db.insertInto('request_tokens').values({
            token_hash: sha256Hex(token!), consumer_key: consumerKey, callback: 'oob', state: 'authorized', user_id: userId,
            verifier: sha256Hex(params.get('oauth_verifier')!), created_at: ctx.clock(), expires_at: far,
          }).execute();
          const res = await provider.exchangeAccessToken(raw);
          assert.equal(res.status, 200, res.body);
          assert.match(res.body, /^oauth_token=[A-Za-z0-9]{32}&oauth_token_secret=[A-Za-z0-9]{32}&oauth_expires_in=\d+&/);
        } else {
          await ctx.db.insertInto('access_tokens').values({
            token_hash: sha256Hex(token!), consumer_key: consumerKey, user_id: userId, session_handle_hash: sha256Hex('h'),
            created_at: ctx.clock(), expires_at: far, authorization_expires_at: far, last_used_at: null, revoked_at: null,
          }).execute();
          assert.deepEqual(await provider.verifyResourceRequest(raw), { userId, consumerKey });
          // The same request again is a replay.
          await assert.rejects(provider.verifyResourceRequest(raw), { code: 'nonce_used', status: 401 });
        }
      } finally {
        await t.close();
      }
    });
  }

  test('the same Jira request a second past the window is refused with the acceptable range', async () => {
    const c = jiraCases.find((x) => x.id === 'jira-request-token-oob')!;
    const t = await openOAuthTestContext({ baseUrl: 'https://jira.example.com', now: (1_700_000_000 + 301) * 1000 });
    try {
      await t.ctx.db.insertInto('consumers').values({
        consumer_key: 'dpf43f3p2l4k3l03', name: 'TestCases', public_key: TESTCASES.publicPem, callback_url: null,
        allow_no_verifier: 0, created_at: t.ctx.clock(),
      }).execute();
      const res = await new OAuthProvider(t.ctx).issueRequestToken(rawRequestOf(c, c.expect_signature));
      assert.equal(res.status, 400);
      assert.equal(res.body, 'oauth_problem=timestamp_refused&oauth_acceptable_timestamps=1700000001-1700000601');
    } finally {
      await t.close();
    }
  });
});

describe('the client header builder', () => {
  for (const c of vectors.cases) {
    test(`${c.id}: buildAuthorizationHeader output parses back to the same parameters`, () => {
      const params: Array<[string, string]> = [...c.oauth_params.filter(([n]) => n !== 'realm'), ['oauth_signature', c.expect_signature]];
      const realm = new Map(c.oauth_params).get('realm');
      const header = buildAuthorizationHeader(params, realm);
      assert.deepEqual(parseAuthorizationHeader(header), params);
    });
  }
  test('values needing encoding survive: spaces, +, quotes, commas, non-ASCII', () => {
    const params: Array<[string, string]> = [['oauth_callback', 'http://a.example/cb?x=1&y=a b+c'], ['oauth_nonce', '"q",é']];
    assert.deepEqual(parseAuthorizationHeader(buildAuthorizationHeader(params, 'R "x"')), params);
  });
});
