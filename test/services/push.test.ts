// Push challenges and authenticator enrolment, on a real SQLite file with a clock the test moves.
import assert from 'node:assert/strict';
import { generateKeyPairSync, randomInt } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { loadConfig } from '../../src/config/config.js';
import { AppError } from '../../src/errors/app-error.js';
import { ACCESS_SYMBOLS, CANDIDATE_COUNT, chooseChallengeSymbols } from '../../src/protocol/push/symbols.js';
import { canonicalDeviceRequest, formatDeviceAuthorization, signDeviceRequest } from '../../src/protocol/push/device-signature.js';
import { Accounts } from '../../src/services/accounts.js';
import { manualClock } from '../../src/services/clock.js';
import type { ServiceContext } from '../../src/services/context.js';
import { PushService, type Device } from '../../src/services/push.js';
import { openDatabase, type DialectModule } from '../../src/storage/database.js';

function newKey() {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return { privateKey, spki: publicKey.export({ format: 'der', type: 'spki' }).toString('base64') };
}

describe('access-pass symbols', () => {
  test('at least 24 named, distinct symbols with distinct glyphs', () => {
    assert.ok(ACCESS_SYMBOLS.length >= 24);
    assert.equal(new Set(ACCESS_SYMBOLS.map((s) => s.name)).size, ACCESS_SYMBOLS.length);
    assert.equal(new Set(ACCESS_SYMBOLS.map((s) => s.glyph)).size, ACCESS_SYMBOLS.length);
  });

  test('the shown symbol is among four distinct candidates, and every symbol gets used', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 2000; i++) {
      const { symbol, candidates } = chooseChallengeSymbols(randomInt);
      assert.equal(candidates.length, CANDIDATE_COUNT);
      assert.equal(new Set(candidates).size, CANDIDATE_COUNT);
      assert.ok(candidates.includes(symbol));
      seen.add(symbol);
    }
    assert.equal(seen.size, ACCESS_SYMBOLS.length);
  });
});

describe('push service', () => {
  let dir: string;
  let dialect: DialectModule;
  let ctx: ServiceContext;
  let push: PushService;
  const clock = manualClock(1_800_000_000_000);
  let alice: number;
  let bob: number;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tessera-push-'));
    dialect = await openDatabase(join(dir, 't.db'));
    ctx = { db: dialect.db, dialect, config: loadConfig({ env: {} }), clock };
    push = new PushService(ctx);
    const accounts = new Accounts(ctx);
    alice = (await accounts.create({ username: 'alice', password: 'alice-password' })).id;
    bob = (await accounts.create({ username: 'bob', password: 'bob-password' })).id;
  });
  after(async () => {
    await dialect.db.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  async function enrolled(userId: number): Promise<Device> {
    const code = await push.createEnrollmentCode(userId);
    return (await push.enroll(code, newKey().spki, 'phone')).device;
  }

  test('an enrolment code works once, and not after 10 minutes', async () => {
    const code = await push.createEnrollmentCode(alice);
    const { username } = await push.enroll(code, newKey().spki, 'phone');
    assert.equal(username, 'alice');
    await assert.rejects(push.enroll(code, newKey().spki, 'phone'), (e: AppError) => e.code === 'enrollment_code_invalid');
    const late = await push.createEnrollmentCode(alice);
    clock.advance(10 * 60 * 1000 + 1);
    await assert.rejects(push.enroll(late, newKey().spki, 'phone'), (e: AppError) => e.code === 'enrollment_code_invalid');
  });

  test('enrolment refuses a key that is not ECDSA P-256, and stores only the public key', async () => {
    const code = await push.createEnrollmentCode(alice);
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ format: 'der', type: 'spki' }).toString('base64');
    await assert.rejects(push.enroll(code, rsa, 'phone'), (e: AppError) => e.code === 'public_key_invalid');
    const rows = await dialect.db.selectFrom('authenticators').select('public_key').execute();
    for (const r of rows) assert.doesNotMatch(r.public_key, /PRIVATE/);
  });

  test('device requests: signature, device id and timestamp are all checked', async () => {
    const key = newKey();
    const code = await push.createEnrollmentCode(bob);
    const { device } = await push.enroll(code, key.spki, 'phone');
    const ts = Math.floor(clock() / 1000);
    const canonical = canonicalDeviceRequest('GET', '/api/authenticator/challenges', ts, 'n1', '');
    const good = formatDeviceAuthorization({ deviceId: device.id, timestamp: ts, nonce: 'n1', signature: signDeviceRequest(key.privateKey, canonical) });
    const ok = await push.authenticateDevice({ method: 'GET', pathAndQuery: '/api/authenticator/challenges', authorization: good, body: '' });
    assert.equal(ok.userId, bob);
    // Same signature on another path, with another body, by another key, or stale: refused alike.
    const refusals = [
      { method: 'GET', pathAndQuery: '/api/authenticator/challenges?x=1', authorization: good, body: '' },
      { method: 'POST', pathAndQuery: '/api/authenticator/challenges', authorization: good, body: '{}' },
      { method: 'GET', pathAndQuery: '/api/authenticator/challenges', authorization: good.replace(device.id, 'unknown-device'), body: '' },
      { method: 'GET', pathAndQuery: '/api/authenticator/challenges', body: '',
        authorization: formatDeviceAuthorization({ deviceId: device.id, timestamp: ts, nonce: 'n1', signature: signDeviceRequest(newKey().privateKey, canonical) }) },
    ];
    for (const r of refusals) {
      await assert.rejects(push.authenticateDevice(r), (e: AppError) => e.code === 'device_unauthenticated');
    }
    clock.advance(121_000);
    await assert.rejects(push.authenticateDevice({ method: 'GET', pathAndQuery: '/api/authenticator/challenges', authorization: good, body: '' }),
      (e: AppError) => e.code === 'device_unauthenticated');
  });

  test('a wrong symbol denies the challenge; a later right answer cannot revive it', async () => {
    const device = await enrolled(alice);
    const c = await push.createChallenge({ userId: alice, loginTx: 'tx-wrong', service: 'Tessera', application: null, ip: '127.0.0.1' });
    const [pending] = await push.pendingFor(device);
    const wrong = pending!.candidates.find((s) => s !== c.symbol)!;
    assert.equal(await push.answer(device, c.id, 'approve', wrong), 'wrong_symbol');
    assert.equal((await push.challengeFor(alice, 'tx-wrong'))!.state, 'denied');
    await assert.rejects(push.answer(device, c.id, 'approve', c.symbol), (e: AppError) => e.code === 'challenge_not_pending');
    assert.equal(await push.consumeApproval(alice, 'tx-wrong', c.id), false);
  });

  test("another user's authenticator cannot answer, and learns nothing", async () => {
    const bobsDevice = await enrolled(bob);
    const c = await push.createChallenge({ userId: alice, loginTx: 'tx-other-user', service: 'Tessera', application: null, ip: '127.0.0.1' });
    assert.deepEqual(await push.pendingFor(bobsDevice), []);
    await assert.rejects(push.answer(bobsDevice, c.id, 'approve', c.symbol), (e: AppError) => e.code === 'challenge_unknown');
    assert.equal((await push.challengeFor(alice, 'tx-other-user'))!.state, 'pending');
  });

  test('an approval is consumed once, and only by its own login transaction', async () => {
    const device = await enrolled(alice);
    const c = await push.createChallenge({ userId: alice, loginTx: 'tx-mine', service: 'Tessera', application: 'App', ip: '10.0.0.1' });
    assert.equal(await push.answer(device, c.id, 'approve', c.symbol), 'approved');
    assert.equal(await push.consumeApproval(alice, 'tx-someone-else', c.id), false);
    assert.equal(await push.consumeApproval(bob, 'tx-mine', c.id), false);
    assert.equal(await push.consumeApproval(alice, 'tx-mine', c.id), true);
    assert.equal(await push.consumeApproval(alice, 'tx-mine', c.id), false);
  });

  test('the first decision wins when two devices answer at once', async () => {
    const d1 = await enrolled(alice);
    const d2 = await enrolled(alice);
    const c = await push.createChallenge({ userId: alice, loginTx: 'tx-race', service: 'Tessera', application: null, ip: '127.0.0.1' });
    const results = await Promise.allSettled([push.answer(d1, c.id, 'deny', undefined), push.answer(d2, c.id, 'approve', c.symbol)]);
    assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
    const final = (await push.challengeFor(alice, 'tx-race'))!.state;
    const winner = results.find((r) => r.status === 'fulfilled') as PromiseFulfilledResult<string>;
    assert.equal(final, winner.value === 'approved' ? 'approved' : 'denied');
  });

  test('a new challenge suspends the pending one; an expired one cannot be approved', async () => {
    const device = await enrolled(bob);
    const first = await push.createChallenge({ userId: bob, loginTx: 'tx-1', service: 'Tessera', application: null, ip: '127.0.0.1' });
    const second = await push.createChallenge({ userId: bob, loginTx: 'tx-2', service: 'Tessera', application: null, ip: '127.0.0.1' });
    assert.equal((await push.challengeFor(bob, 'tx-1'))!.state, 'suspended');
    await assert.rejects(push.answer(device, first.id, 'approve', first.symbol), (e: AppError) => e.code === 'challenge_not_pending');
    clock.advance(121_000);
    assert.equal((await push.challengeFor(bob, 'tx-2'))!.state, 'expired');
    assert.deepEqual(await push.pendingFor(device), []);
    await assert.rejects(push.answer(device, second.id, 'approve', second.symbol), (e: AppError) => e.code === 'challenge_not_pending');
  });
});
