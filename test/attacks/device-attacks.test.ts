// Attacks on the authenticator (device) API on a real port: enrolment codes raced, signed requests replayed
// or moved, malformed headers and bodies, other users' challenges.
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { createUser, startTestServer, TEST_PASSWORD, type TestServer } from '../helpers/server.js';
import { accessPass, submitPassword, TestDevice, WebClient } from '../helpers/web-client.js';

describe('attacks on the authenticator API', () => {
  let server: TestServer;
  let phone: TestDevice;
  let bobPhone: TestDevice;

  before(async () => {
    server = await startTestServer();
    const alice = await createUser(server, 'alice');
    const bob = await createUser(server, 'bob');
    phone = new TestDevice(server.baseUrl);
    assert.equal((await phone.enroll(await server.services.push.createEnrollmentCode(alice.id))).status, 201);
    bobPhone = new TestDevice(server.baseUrl);
    assert.equal((await bobPhone.enroll(await server.services.push.createEnrollmentCode(bob.id))).status, 201);
  });
  after(() => server.close());

  async function aliceChallenge() {
    const client = new WebClient(server.baseUrl);
    const res = await submitPassword(client, 'alice', TEST_PASSWORD);
    const page = await client.get(res.location!);
    const [challenge] = await phone.pending();
    return { client, symbol: accessPass(page.text), challenge: challenge! };
  }

  test('parallel enrolments with one code register exactly one device', async () => {
    const carol = await createUser(server, 'carol');
    const code = await server.services.push.createEnrollmentCode(carol.id);
    const devices = Array.from({ length: 20 }, () => new TestDevice(server.baseUrl));
    const statuses = await Promise.all(devices.map((d) => d.enroll(code).then(async (r) => { await r.arrayBuffer(); return r.status; })));
    assert.equal(statuses.filter((s) => s === 201).length, 1, statuses.join(','));
    assert.ok(statuses.every((s) => s === 201 || s === 400), statuses.join(','));
    assert.equal((await server.services.push.listDevices(carol.id)).length, 1);
  });

  test('a replayed signed approval (same bytes) cannot decide a challenge twice', async () => {
    const { challenge, symbol } = await aliceChallenge();
    const path = `/api/authenticator/challenges/${challenge.id}`;
    const body = JSON.stringify({ decision: 'approve', symbol });
    const authorization = await captureAuthorization(phone, 'POST', path, { decision: 'approve', symbol });
    const send = () => fetch(`${server.baseUrl}${path}`, { method: 'POST', headers: { authorization, 'content-type': 'application/json' }, body })
      .then(async (r) => { await r.arrayBuffer(); return r.status; });
    const statuses = await Promise.all(Array.from({ length: 10 }, send));
    assert.equal(statuses.filter((s) => s === 200).length, 1, statuses.join(','));
    assert.ok(statuses.every((s) => s === 200 || s === 409), statuses.join(','));
  });

  test('a signature made for one path or body does not work for another', async () => {
    const { challenge, symbol } = await aliceChallenge();
    // Sign a request for the listing, then send its Authorization header with an approval.
    const listing = await captureAuthorization(phone, 'GET', '/api/authenticator/challenges');
    const moved = await fetch(`${server.baseUrl}/api/authenticator/challenges/${challenge.id}`, {
      method: 'POST', headers: { authorization: listing, 'content-type': 'application/json' }, body: JSON.stringify({ decision: 'approve', symbol }),
    });
    assert.equal(moved.status, 401);
    // Sign a deny, send an approve with that signature.
    const denyAuth = await captureAuthorization(phone, 'POST', `/api/authenticator/challenges/${challenge.id}`, { decision: 'deny' });
    const swapped = await fetch(`${server.baseUrl}/api/authenticator/challenges/${challenge.id}`, {
      method: 'POST', headers: { authorization: denyAuth, 'content-type': 'application/json' }, body: JSON.stringify({ decision: 'approve', symbol }),
    });
    assert.equal(swapped.status, 401);
    assert.equal((await phone.answer(challenge.id, 'approve', symbol)).status, 200);
  });

  test('stale or future timestamps, unknown devices and bad signatures get the same 401', async () => {
    const now = Math.floor(Date.now() / 1000);
    const bodies: string[] = [];
    for (const res of [
      await phone.signedFetch('GET', '/api/authenticator/challenges', undefined, { timestamp: now - 600 }),
      await phone.signedFetch('GET', '/api/authenticator/challenges', undefined, { timestamp: now + 600 }),
      await phone.signedFetch('GET', '/api/authenticator/challenges', undefined, { deviceId: 'X'.repeat(24) }),
      await phone.signedFetch('GET', '/api/authenticator/challenges', undefined, { deviceId: bobPhone.deviceId }),
    ]) {
      assert.equal(res.status, 401);
      bodies.push(await res.text());
    }
    assert.equal(new Set(bodies).size, 1, 'the refusals differ, telling which check failed');
  });

  test("another user's device cannot list, see or answer a challenge (same 404 as an unknown id)", async () => {
    const { challenge, symbol } = await aliceChallenge();
    assert.deepEqual(await bobPhone.pending(), []);
    const other = await bobPhone.answer(challenge.id, 'approve', symbol);
    const unknown = await bobPhone.answer('Z'.repeat(24), 'approve', symbol);
    assert.equal(other.status, 404);
    assert.equal(unknown.status, 404);
    assert.equal(await other.text(), await unknown.text());
    const deny = await bobPhone.answer(challenge.id, 'deny');
    assert.equal(deny.status, 404);
    assert.equal((await phone.answer(challenge.id, 'approve', symbol)).status, 200);
  });

  test('malformed device Authorization headers are 401, never 500', async () => {
    const headers = ['TesseraDevice', 'TesseraDevice id="', 'TesseraDevice id="x", ts="1", nonce="n", sig="%%%"',
      `TesseraDevice id="${'a'.repeat(8000)}", ts="${Math.floor(Date.now() / 1000)}", nonce="n", sig="AAAA"`,
      'TesseraDevice id="x", ts="999999999999", nonce="n", sig="AAAA"', 'TesseraDevice id="x", ts="-1", nonce="n", sig="AAAA"',
      'TesseraDevice id="x", id="y", ts="1", nonce="n", sig="AAAA"', 'Basic YWxpY2U6eA==', 'TesseraDevice id="\u00ff", ts="1", nonce="n", sig="AAAA"'];
    for (const authorization of headers) {
      const res = await fetch(`${server.baseUrl}/api/authenticator/challenges`, { headers: { authorization } });
      await res.arrayBuffer();
      assert.equal(res.status, 401, authorization.slice(0, 50));
    }
  });

  test('malformed answer bodies are 400, never 500', async () => {
    const { challenge, symbol } = await aliceChallenge();
    const path = `/api/authenticator/challenges/${challenge.id}`;
    for (const body of [[], null, 'approve', 42, { decision: ['approve'] }, { decision: 'approve', symbol: [symbol] },
      { decision: 'approve', symbol: { toString: 1 } }, { decision: 'APPROVE', symbol }, { __proto__: { decision: 'approve' }, symbol }]) {
      const res = await phone.signedFetch('POST', path, body);
      await res.arrayBuffer();
      assert.equal(res.status, 400, JSON.stringify(body));
    }
    const bad = await fetch(`${server.baseUrl}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"decision":' });
    assert.ok(bad.status === 400 || bad.status === 401, String(bad.status));
    // Still pending after all that: none of it counted as a decision.
    assert.equal((await phone.answer(challenge.id, 'approve', symbol)).status, 200);
  });

  test('enrolment refuses bad codes and non-P-256 keys, and a used code works once', async () => {
    const dave = await createUser(server, 'dave');
    const code = await server.services.push.createEnrollmentCode(dave.id);
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ type: 'spki', format: 'der' }).toString('base64');
    const p384 = generateKeyPairSync('ec', { namedCurve: 'P-384' }).publicKey.export({ type: 'spki', format: 'der' }).toString('base64');
    for (const body of [{ code, publicKey: rsa }, { code, publicKey: p384 }, { code, publicKey: 'AAAA' }, { code: [code], publicKey: phone.publicKeySpki },
      { code, publicKey: phone.publicKeySpki, name: 7 }]) {
      const res = await fetch(`${server.baseUrl}/api/authenticator/enroll`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      await res.arrayBuffer();
      assert.equal(res.status, 400, JSON.stringify(body).slice(0, 80));
    }
    // None of the refusals consumed the code.
    const device = new TestDevice(server.baseUrl);
    assert.equal((await device.enroll(code)).status, 201);
    assert.equal((await new TestDevice(server.baseUrl).enroll(code)).status, 400);
    const wrongCase = await new TestDevice(server.baseUrl).enroll(code.toLowerCase());
    assert.equal(wrongCase.status, 400);
  });

  test('an approval with the right symbol is refused once the challenge has expired', async () => {
    const { challenge, symbol } = await aliceChallenge();
    await server.services.context.db.updateTable('push_challenges').set({ expires_at: Date.now() - 1 }).where('id', '=', challenge.id).execute();
    const res = await phone.answer(challenge.id, 'approve', symbol);
    assert.equal(res.status, 409);
  });
});

/** The Authorization header a device would send for this request (captured, not sent). */
async function captureAuthorization(device: TestDevice, method: string, path: string, body?: unknown): Promise<string> {
  let captured = '';
  const realFetch = globalThis.fetch;
  globalThis.fetch = (async (_url: string, init: RequestInit) => {
    captured = (init.headers as Record<string, string>)['authorization']!;
    return new Response('{}');
  }) as typeof fetch;
  try {
    await device.signedFetch(method, path, body);
  } finally {
    globalThis.fetch = realFetch;
  }
  return captured;
}
