// Where OAuth parameters come from (RFC 5849 3.4.1.3.1, 3.5) and how they are decoded: table-driven.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { formDecode, percentDecode } from '../../src/protocol/oauth1/percent-encoding.js';
import { OAuthProblem, problemResponse } from '../../src/protocol/oauth1/problems.js';
import { collectParameters, parseAuthorizationHeader, type RawRequest } from '../../src/protocol/oauth1/request.js';

const base: RawRequest = { method: 'POST', path: '/x', query: '' };
const header = (params: string) => `OAuth ${params}`;

describe('collectParameters', () => {
  const cases: Array<{ name: string; raw: Partial<RawRequest>; protocol?: Record<string, string>; signed?: Array<[string, string]>; signature?: string; problem?: string }> = [
    {
      name: 'realm is ignored (neither protocol nor signed)',
      raw: { authorization: header('realm="Example", oauth_consumer_key="ck", oauth_signature="s%3D"') },
      protocol: { oauth_consumer_key: 'ck', oauth_signature: 's=' },
      signed: [['oauth_consumer_key', 'ck']],
      signature: 's=',
    },
    {
      name: 'a raw + in a quoted header value stays + (percent-decoded, not form-decoded)',
      raw: { authorization: header('oauth_nonce="a+b", oauth_token="x%2By%20z"') },
      signed: [['oauth_nonce', 'a+b'], ['oauth_token', 'x+y z']],
    },
    {
      name: '+ in the query is a space (form decoding)',
      raw: { query: 'jql=project+%3D+TEST&q=a%2Bb' },
      signed: [['jql', 'project = TEST'], ['q', 'a+b']],
    },
    {
      name: 'form body parameters are signed, with form decoding',
      raw: { contentType: 'application/x-www-form-urlencoded; charset=UTF-8', body: 'a=1&b=x+y&c=%7E&flag' },
      signed: [['a', '1'], ['b', 'x y'], ['c', '~'], ['flag', '']],
    },
    {
      name: 'protocol parameters may come in a form body',
      raw: { contentType: 'Application/X-WWW-Form-Urlencoded', body: 'oauth_consumer_key=ck&oauth_signature=abc' },
      protocol: { oauth_consumer_key: 'ck', oauth_signature: 'abc' },
      signed: [['oauth_consumer_key', 'ck']],
      signature: 'abc',
    },
    {
      name: 'a JSON body is never signed, even when it looks like a form',
      raw: { contentType: 'application/json', body: 'oauth_nonce=1&a=2' },
      protocol: {},
      signed: [],
      signature: '',
    },
    {
      name: 'sources are header, then query, then body; non-oauth names may repeat',
      raw: { authorization: header('oauth_nonce="n"'), query: 'a=1&a=2', contentType: 'application/x-www-form-urlencoded', body: 'a=3' },
      signed: [['oauth_nonce', 'n'], ['a', '1'], ['a', '2'], ['a', '3']],
    },
    { name: 'duplicate in the header', raw: { authorization: header('oauth_nonce="a", oauth_nonce="b"') }, problem: 'parameter_rejected' },
    { name: 'duplicate across header and query', raw: { authorization: header('oauth_nonce="a"'), query: 'oauth_nonce=a' }, problem: 'parameter_rejected' },
    {
      name: 'duplicate across query and form body',
      raw: { query: 'oauth_token=a', contentType: 'application/x-www-form-urlencoded', body: 'oauth_token=b' },
      problem: 'parameter_rejected',
    },
    { name: 'duplicate oauth_signature', raw: { authorization: header('oauth_signature="a"'), query: 'oauth_signature=a' }, problem: 'parameter_rejected' },
    { name: 'malformed percent-encoding in the query', raw: { query: 'a=%zz' }, problem: 'parameter_rejected' },
    { name: 'percent-encoding that is not UTF-8', raw: { query: 'a=%C3%28' }, problem: 'parameter_rejected' },
    { name: 'a header that is not a parameter list', raw: { authorization: header('oauth_nonce') }, problem: 'parameter_rejected' },
    { name: 'an unterminated quoted value', raw: { authorization: header('oauth_nonce="abc') }, problem: 'parameter_rejected' },
    { name: 'parameters not separated by commas', raw: { authorization: header('oauth_nonce="a" oauth_token="b"') }, problem: 'parameter_rejected' },
    {
      name: 'a Basic header is not ours to read',
      raw: { authorization: 'Basic dXNlcjpwYXNz', query: 'oauth_nonce=1' },
      protocol: { oauth_nonce: '1' },
    },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const raw = { ...base, ...c.raw };
      if (c.problem) {
        assert.throws(() => collectParameters(raw), (err: unknown) => err instanceof OAuthProblem && err.code === c.problem && err.status === 400);
        return;
      }
      const got = collectParameters(raw);
      if (c.protocol) assert.deepEqual(got.protocol, c.protocol);
      if (c.signed) assert.deepEqual(got.signed, c.signed);
      if (c.signature !== undefined) assert.equal(got.signature, c.signature);
    });
  }
});

describe('parseAuthorizationHeader', () => {
  const cases: Array<[string, Array<[string, string]> | null]> = [
    ['OAuth oauth_a="1",oauth_b="2"', [['oauth_a', '1'], ['oauth_b', '2']]], // jira-client: no space after commas
    ['oauth   oauth_a = "1" ,  oauth_b="2" , ', [['oauth_a', '1'], ['oauth_b', '2']]], // scheme case, spaces, trailing comma
    ['OAuth realm="a \\"quoted\\" realm", oauth_a="x"', [['oauth_a', 'x']]],
    ['OAuth oauth_version=1.0', [['oauth_version', '1.0']]], // an unquoted token value is tolerated
    ['OAuth', []],
    ['OAuthx oauth_a="1"', null],
    ['Bearer abc', null],
  ];
  for (const [value, expected] of cases) {
    test(JSON.stringify(value), () => assert.deepEqual(parseAuthorizationHeader(value), expected));
  }
});

describe('decoding', () => {
  test('percentDecode leaves + alone, formDecode makes it a space', () => {
    assert.equal(percentDecode('a+b%2B'), 'a+b+');
    assert.equal(formDecode('a+b%2B'), 'a b+');
  });
  for (const bad of ['%', '%2', '%G0', 'abc%']) {
    test(`percentDecode refuses ${JSON.stringify(bad)}`, () => {
      assert.throws(() => percentDecode(bad), { name: 'OAuthProblem', code: 'parameter_rejected' });
    });
  }
});

describe('problemResponse', () => {
  test('status, WWW-Authenticate and only the fields present', () => {
    const res = problemResponse(new OAuthProblem('parameter_absent', { parametersAbsent: ['oauth_callback', 'oauth_nonce'], advice: 'Send oauth_callback=oob.' }), 'http://tessera.example:8080');
    assert.equal(res.status, 400);
    assert.equal(res.headers['WWW-Authenticate'], 'OAuth realm="http://tessera.example:8080", oauth_problem="parameter_absent"');
    assert.equal(res.headers['Content-Type'], 'application/x-www-form-urlencoded');
    assert.equal(res.body, 'oauth_problem=parameter_absent&oauth_parameters_absent=oauth_callback%26oauth_nonce&oauth_problem_advice=Send%20oauth_callback%3Doob.');
  });
  const statuses: Array<[ConstructorParameters<typeof OAuthProblem>[0], number]> = [
    ['version_rejected', 400], ['parameter_absent', 400], ['parameter_rejected', 400], ['timestamp_refused', 400],
    ['signature_method_rejected', 400], ['nonce_used', 401], ['signature_invalid', 401], ['consumer_key_unknown', 401],
    ['token_rejected', 401], ['token_used', 401], ['token_expired', 401], ['token_revoked', 401],
    ['permission_unknown', 401], ['permission_denied', 401],
  ];
  for (const [code, status] of statuses) {
    test(`${code} → ${status}`, () => {
      assert.equal(new OAuthProblem(code).status, status);
      assert.equal(problemResponse(new OAuthProblem(code), 'r').body, `oauth_problem=${code}`);
    });
  }
  test('signature_invalid carries the base string, timestamp_refused the range', () => {
    assert.equal(problemResponse(new OAuthProblem('signature_invalid', { baseString: 'GET&a&b%3D1' }), 'r').body,
      'oauth_problem=signature_invalid&oauth_signature_base_string=GET%26a%26b%253D1');
    assert.equal(problemResponse(new OAuthProblem('timestamp_refused', { acceptableTimestamps: { min: 10, max: 610 } }), 'r').body,
      'oauth_problem=timestamp_refused&oauth_acceptable_timestamps=10-610');
  });
});
