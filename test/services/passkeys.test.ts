// Passkey ceremonies end to end at the service level: a software authenticator answers the options the
// service hands out (as a browser with a security key would), on a real SQLite file with a clock the test
// moves. Each refusal comes back as a named problem, never as an exception.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Clock } from '../../src/services/clock.js';
import { CEREMONY_LIFETIME_MS, type PasskeyService } from '../../src/services/passkeys.js';
import type { Session } from '../../src/services/sessions.js';
import { SoftAuthenticator } from '../helpers/soft-authenticator.js';
import { createUser, startTestServer, type TestServer } from '../helpers/server.js';

describe('passkeys (WebAuthn) service', () => {
  let server: TestServer;
  let passkeys: PasskeyService;
  let userId: number;
  let otherId: number;
  const user = () => ({ id: userId, username: 'dana', displayName: 'Dana Tester' });
  const session = () => server.services.sessions.start('authenticated', userId);
  const clock = () => server.clock as Clock & { advance(ms: number): void };

  /** Registers a new software passkey for dana, returning it. */
  async function enrol(name = 'Test key', key = new SoftAuthenticator(server.baseUrl)): Promise<SoftAuthenticator> {
    const s = await session();
    const options = await passkeys.startRegistration(s, user());
    const result = await passkeys.finishRegistration(s, userId, key.register(options), name, '127.0.0.1');
    assert.ok(result.ok, JSON.stringify(result));
    return key;
  }
  async function signIn(key: SoftAuthenticator, s?: Session) {
    const sess = s ?? (await session());
    const options = await passkeys.startAuthentication(sess, userId);
    return passkeys.finishAuthentication(sess, userId, key.authenticate(options));
  }
  const stored = (id: string) => server.services.context.db.selectFrom('webauthn_credentials').selectAll().where('id', '=', id).executeTakeFirst();

  before(async () => {
    server = await startTestServer({ listen: false, manualTime: true });
    passkeys = server.services.passkeys;
    userId = (await createUser(server, 'dana')).id;
    otherId = (await createUser(server, 'erik')).id;
  });
  after(() => server.close());

  test('registration options: rpID is the base URL host, user verification required, existing passkeys excluded', async () => {
    const key = await enrol('Laptop');
    const options = await passkeys.startRegistration(await session(), user());
    assert.equal(options.rp.id, 'localhost');
    assert.equal(options.rp.name, 'Tessera');
    assert.equal(options.attestation, 'none');
    assert.deepEqual(options.authenticatorSelection, { residentKey: 'preferred', userVerification: 'required', requireResidentKey: false });
    assert.ok(options.excludeCredentials?.some((c) => c.id === key.credentialId));
    assert.equal(options.user.name, 'dana');
    assert.notEqual(options.user.id, String(userId), 'the user handle is opaque');
    const row = await stored(key.credentialId);
    assert.equal(row?.name, 'Laptop');
    assert.equal(row?.user_id, userId);
    assert.equal(row?.last_used_at, null);
    assert.deepEqual(JSON.parse(row!.transports), ['internal']);
  });

  test('a registered passkey signs in; counter and last use are stored', async () => {
    const key = await enrol();
    clock().advance(1000);
    const options = await passkeys.startAuthentication(await session(), userId);
    assert.equal(options.userVerification, 'required');
    assert.equal(options.rpId, 'localhost');
    assert.ok(options.allowCredentials?.some((c) => c.id === key.credentialId));
    const result = await signIn(key);
    assert.deepEqual(result, { ok: true, credentialId: key.credentialId });
    const row = await stored(key.credentialId);
    assert.equal(Number(row?.counter), key.counter);
    assert.equal(row?.last_used_at, server.clock());
  });

  test('each challenge is taken once: the same response a second time is refused', async () => {
    const key = await enrol();
    const s = await session();
    const response = key.authenticate(await passkeys.startAuthentication(s, userId));
    assert.equal((await passkeys.finishAuthentication(s, userId, response)).ok, true);
    assert.deepEqual(await passkeys.finishAuthentication(s, userId, response), { ok: false, problem: 'expired' });
    // Against a new challenge, the old response names the wrong one.
    await passkeys.startAuthentication(s, userId);
    assert.deepEqual(await passkeys.finishAuthentication(s, userId, response), { ok: false, problem: 'challenge_mismatch' });
  });

  test('user verification is required, at registration and at sign-in', async () => {
    const unverified = new SoftAuthenticator(server.baseUrl);
    unverified.userVerified = false;
    const s = await session();
    const reg = await passkeys.finishRegistration(s, userId, unverified.register(await passkeys.startRegistration(s, user())), 'x', null);
    assert.deepEqual(reg, { ok: false, problem: 'user_not_verified' });
    assert.equal(await stored(unverified.credentialId), undefined);
    const key = await enrol();
    key.userVerified = false;
    assert.deepEqual(await signIn(key), { ok: false, problem: 'user_not_verified' });
  });

  test('a bad signature is refused', async () => {
    const key = await enrol();
    key.bogusSignature = true;
    assert.deepEqual(await signIn(key), { ok: false, problem: 'bad_signature' });
    key.bogusSignature = false;
    assert.equal((await signIn(key)).ok, true);
  });

  test('a counter that does not go up is refused (a stored counter ahead of the key: a clone)', async () => {
    const key = await enrol();
    await server.services.context.db.updateTable('webauthn_credentials').set({ counter: 1000 }).where('id', '=', key.credentialId).execute();
    assert.deepEqual(await signIn(key), { ok: false, problem: 'counter_not_increased' });
    const before = await stored(key.credentialId);
    assert.equal(Number(before?.counter), 1000, 'a refused response stores nothing');
    assert.equal(before?.last_used_at, null);
  });

  test('an authenticator without a counter (always 0) signs in again and again', async () => {
    const key = new SoftAuthenticator(server.baseUrl);
    key.step = 0;
    await enrol('No counter', key);
    assert.equal((await signIn(key)).ok, true);
    assert.equal((await signIn(key)).ok, true);
  });

  test('two responses with the same counter (a cloned key) racing: exactly one wins', async () => {
    const key = await enrol();
    const [s1, s2] = [await session(), await session()];
    const [o1, o2] = [await passkeys.startAuthentication(s1, userId), await passkeys.startAuthentication(s2, userId)];
    const r1 = key.authenticate(o1);
    key.counter -= key.step; // the clone signs with the same counter value
    const r2 = key.authenticate(o2);
    const results = await Promise.all([passkeys.finishAuthentication(s1, userId, r1), passkeys.finishAuthentication(s2, userId, r2)]);
    assert.equal(results.filter((r) => r.ok).length, 1, JSON.stringify(results));
    assert.deepEqual(results.find((r) => !r.ok), { ok: false, problem: 'counter_not_increased' });
  });

  test('a response made for another origin is refused', async () => {
    const key = await enrol();
    const phished = new SoftAuthenticator('http://tessera.evil.example');
    const s = await session();
    const reg = await passkeys.finishRegistration(s, userId, phished.register(await passkeys.startRegistration(s, user())), 'x', null);
    assert.deepEqual(reg, { ok: false, problem: 'wrong_site' });
    const options = await passkeys.startAuthentication(s, userId);
    const response = key.authenticate({ ...options, rpId: 'evil.example' });
    assert.deepEqual(await passkeys.finishAuthentication(s, userId, response), { ok: false, problem: 'wrong_site' });
  });

  test("another user's passkey, or an unknown one, is not accepted for this user", async () => {
    const key = await enrol();
    const s = await server.services.sessions.start('authenticated', otherId);
    const options = await passkeys.startAuthentication(s, otherId);
    assert.deepEqual(await passkeys.finishAuthentication(s, otherId, key.authenticate(options)), { ok: false, problem: 'unknown_credential' });
  });

  test('a registration challenge does not answer an authentication, and challenges expire', async () => {
    const key = await enrol();
    const s = await session();
    const reg = await passkeys.startRegistration(s, user());
    assert.deepEqual(await passkeys.finishAuthentication(s, userId, key.authenticate({ challenge: reg.challenge, rpId: 'localhost' })),
      { ok: false, problem: 'expired' });
    const options = await passkeys.startAuthentication(s, userId);
    clock().advance(CEREMONY_LIFETIME_MS + 1);
    assert.deepEqual(await passkeys.finishAuthentication(s, userId, key.authenticate(options)), { ok: false, problem: 'expired' });
  });

  test('a credential id already stored is not registered twice', async () => {
    const key = await enrol();
    const s = await session();
    const again = await passkeys.finishRegistration(s, userId, key.register(await passkeys.startRegistration(s, user())), 'copy', null);
    assert.deepEqual(again, { ok: false, problem: 'already_registered' });
  });

  test('garbage is a value, never an exception', async () => {
    const s = await session();
    for (const response of [null, 'x', 42, {}, { id: 'AAAA', rawId: 'AAAA', type: 'public-key', response: {} },
      { id: 'AAAA', rawId: 'AAAA', type: 'public-key', response: { clientDataJSON: 'e30', authenticatorData: 'AAAA', signature: 'AAAA' } }]) {
      await passkeys.startAuthentication(s, userId);
      const auth = await passkeys.finishAuthentication(s, userId, response);
      assert.equal(auth.ok, false);
      await passkeys.startRegistration(s, user());
      const reg = await passkeys.finishRegistration(s, userId, response, 'x', null);
      assert.deepEqual(reg, { ok: false, problem: 'malformed' }, JSON.stringify(response));
    }
  });
});
