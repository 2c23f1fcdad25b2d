// Issue 4, acceptance 4: TOTP enrolled on the security page and used to sign in; the same code refused a
// second time; a code from two steps ago refused; a recovery code works once; 20 parallel logins with one
// recovery code let exactly one through. A real server on a port, with a clock the test moves.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { base32Decode, hotp, totpStep } from '../../src/protocol/otp/totp.js';
import { createUser, startTestServer, TEST_PASSWORD, type TestServer } from '../helpers/server.js';
import { hiddenField, submitPassword, WebClient, type PageResponse } from '../helpers/web-client.js';

type MovableClock = (() => number) & { advance(ms: number): void };

let server: TestServer;
let clock: MovableClock;
let secret: Uint8Array;
const STEP_MS = 30_000;
const codeAt = (stepOffset = 0) => hotp(secret, totpStep(clock()) + stepOffset);

before(async () => {
  server = await startTestServer({ manualTime: true });
  clock = server.clock as MovableClock;
  await createUser(server, 'tina');
});
after(() => server.close());

/** Password first; returns the client and where the login sent it. */
async function passwordStep(username = 'tina', next = '/'): Promise<{ client: WebClient; after: PageResponse }> {
  const client = new WebClient(server.baseUrl);
  const after = await submitPassword(client, username, TEST_PASSWORD, next);
  return { client, after };
}

async function postCode(client: WebClient, path: '/login/totp' | '/login/recovery', code: string): Promise<PageResponse> {
  const page = await client.get(`${path}?next=%2F`);
  assert.equal(page.status, 200, page.text);
  return client.post(path, { csrf: hiddenField(page.text, 'csrf'), next: '/', code });
}

describe('TOTP', () => {
  test('enrolled on the security page: QR code and key URI, counting only once a code confirms it', async () => {
    const { client, after: first } = await passwordStep();
    assert.equal(first.status, 303);
    assert.equal(first.location, '/', 'no second factor yet: the password alone signs in');
    const security = await client.get('/secure/security');
    assert.equal(security.status, 200);
    const setup = await client.post('/secure/security/totp', { csrf: hiddenField(security.text, 'csrf'), next: '/' });
    assert.equal(setup.status, 200, setup.text);
    assert.match(setup.text, /<img class="qr" id="totp-qr" src="data:image\/png;base64,/);
    const uri = /data-totp-uri="([^"]+)"/.exec(setup.text)![1]!.replace(/&amp;/g, '&');
    assert.match(uri, /^otpauth:\/\/totp\/Tessera:tina\?/);
    const secretText = /data-totp-secret="([A-Z2-7]+)"/.exec(setup.text)![1]!;
    assert.equal(new URL(uri).searchParams.get('secret'), secretText);
    secret = base32Decode(secretText);
    const action = /action="(\/secure\/security\/totp\/[A-Za-z0-9]+\/confirm)"/.exec(setup.text)![1]!;

    // Not a factor before it is confirmed.
    assert.deepEqual(await server.services.factors.kinds((await server.services.accounts.findByUsername('tina'))!.id), []);
    const wrong = await client.post(action, { csrf: hiddenField(setup.text, 'csrf'), next: '/', name: 'Phone app', code: '000000' === codeAt() ? '111111' : '000000' });
    assert.equal(wrong.status, 400);
    assert.match(wrong.text, /not right/);
    const confirmed = await client.post(action, { csrf: hiddenField(setup.text, 'csrf'), next: '/', name: 'Phone app', code: codeAt() });
    assert.equal(confirmed.status, 200, confirmed.text);
    assert.match(confirmed.text, /Phone app/);
    assert.match(confirmed.text, /data-list="totp"/);
  });

  test('after the password, the login asks for the code; the right code signs in under a new session id', async () => {
    clock.advance(STEP_MS); // the confirmation used the last step's code
    const { client, after: first } = await passwordStep();
    assert.equal(first.status, 303);
    assert.equal(first.location, '/login/totp?next=%2F');
    const halfway = client.cookies.get('tessera_session');
    const done = await postCode(client, '/login/totp', codeAt());
    assert.equal(done.status, 303, done.text);
    assert.equal(done.location, '/');
    assert.notEqual(client.cookies.get('tessera_session'), halfway);
    assert.equal((await client.get('/')).status, 200);
  });

  test('the same code is refused a second time (another login, same step)', async () => {
    const { client } = await passwordStep();
    const again = await postCode(client, '/login/totp', codeAt());
    assert.equal(again.status, 401);
    assert.match(again.text, /already used/);
  });

  test('a code from two steps ago is refused; one step of drift is accepted', async () => {
    clock.advance(3 * STEP_MS);
    const { client } = await passwordStep();
    const old = await postCode(client, '/login/totp', codeAt(-2));
    assert.equal(old.status, 401);
    assert.match(old.text, /not right/);
    const drift = await postCode(client, '/login/totp', codeAt(-1));
    assert.equal(drift.status, 303, 'the previous step is within the ±1 window and unused');
  });

  test('five wrong codes end the login transaction: the password is needed again', async () => {
    clock.advance(STEP_MS);
    const { client } = await passwordStep();
    const wrong = String((Number(codeAt()) + 500_000) % 1_000_000).padStart(6, '0');
    let last: PageResponse | undefined;
    for (let i = 0; i < 5; i++) last = await postCode(client, '/login/totp', wrong);
    assert.equal(last!.status, 401);
    assert.match(last!.text, /Too many wrong answers/);
    const after = await client.get('/login/totp?next=%2F');
    assert.equal(after.status, 303, 'the transaction is over');
    assert.match(after.location!, /^\/login\?next=/);
    await server.services.accounts.clearSecondFactorAttempts((await server.services.accounts.findByUsername('tina'))!.id);
  });
});

describe('recovery codes', () => {
  let codes: string[] = [];

  test('ten codes, shown once on the security page after a fresh check, stored only hashed', async () => {
    clock.advance(STEP_MS);
    const { client } = await passwordStep();
    assert.equal((await postCode(client, '/login/totp', codeAt())).status, 303);
    const security = await client.get('/secure/security');
    const made = await client.post('/secure/security/recovery-codes', { csrf: hiddenField(security.text, 'csrf'), next: '/' });
    assert.equal(made.status, 200, made.text);
    codes = [...made.text.matchAll(/<li><code>([a-z2-9-]+)<\/code><\/li>/g)].map((m) => m[1]!);
    assert.equal(codes.length, 10);
    assert.equal(new Set(codes).size, 10);
    for (const c of codes) assert.match(c, /^[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}$/);
    const stored = await server.services.context.db.selectFrom('recovery_codes').select('code_hash').execute();
    assert.equal(stored.length, 10);
    for (const row of stored) assert.ok(!codes.some((c) => row.code_hash.includes(c.replace(/-/g, ''))), 'no code in clear');
    assert.match((await client.get('/secure/security')).text, /data-recovery-left="10"/);
  });

  test('a recovery code signs in once, then is refused', async () => {
    const { client } = await passwordStep();
    const used = await postCode(client, '/login/recovery', codes[0]!.toUpperCase()); // case and dashes do not matter
    assert.equal(used.status, 303, used.text);
    const { client: other } = await passwordStep();
    const again = await postCode(other, '/login/recovery', codes[0]!);
    assert.equal(again.status, 401);
    assert.match(again.text, /not valid, or was already used/);
  });

  test('20 parallel logins with one recovery code let exactly one through', async () => {
    const clients: WebClient[] = [];
    const forms: Array<{ csrf: string }> = [];
    for (let i = 0; i < 20; i++) {
      const { client } = await passwordStep(); // sequential: parallel passwords would trip the lockout
      const page = await client.get('/login/recovery?next=%2F');
      clients.push(client);
      forms.push({ csrf: hiddenField(page.text, 'csrf') });
    }
    const results = await Promise.all(clients.map((c, i) => c.post('/login/recovery', { ...forms[i]!, next: '/', code: codes[1]! })));
    const through = results.filter((r) => r.status === 303);
    assert.equal(through.length, 1, results.map((r) => r.status).join(','));
    for (const r of results.filter((x) => x.status !== 303)) assert.ok([401, 429].includes(r.status), String(r.status));
    const row = await server.services.context.db.selectFrom('recovery_codes').select((eb) => eb.fn.countAll<number>().as('n'))
      .where('used_at', 'is not', null).executeTakeFirstOrThrow();
    assert.equal(Number(row.n), 2, 'two codes used in all');
  });

  test('making new codes ends the old ones', async () => {
    await server.services.accounts.clearSecondFactorAttempts((await server.services.accounts.findByUsername('tina'))!.id);
    const tina = (await server.services.accounts.findByUsername('tina'))!;
    const fresh = await server.services.recoveryCodes.regenerate(tina.id, null);
    assert.equal(await server.services.recoveryCodes.consume(tina.id, codes[2]!), false);
    assert.equal(await server.services.recoveryCodes.consume(tina.id, fresh[0]!), true);
  });

  test('changes need a fresh check: an old session is sent to /login/verify first', async () => {
    clock.advance(STEP_MS);
    const { client } = await passwordStep();
    assert.equal((await postCode(client, '/login/totp', codeAt())).status, 303);
    clock.advance(server.config.reauthWindowSeconds * 1000 + 1000);
    const security = await client.get('/secure/security');
    const refused = await client.post('/secure/security/recovery-codes', { csrf: hiddenField(security.text, 'csrf'), next: '/' });
    assert.equal(refused.status, 303);
    assert.equal(refused.location, `/login/verify?next=${encodeURIComponent('/secure/security?next=%2F')}`);
    const verify = await client.get(refused.location!);
    assert.match(verify.text, /Confirm it&#39;s you/);
    assert.match(verify.text, /data-method="totp"/);
    // The step-up with a TOTP code makes the session fresh; the change then goes through.
    const totpPage = await client.get('/login/totp?next=%2Fsecure%2Fsecurity');
    const ok = await client.post('/login/totp', { csrf: hiddenField(totpPage.text, 'csrf'), next: '/secure/security', code: codeAt() });
    assert.equal(ok.status, 303);
    assert.equal(ok.location, '/secure/security');
    const again = await client.post('/secure/security/recovery-codes', { csrf: hiddenField(security.text, 'csrf'), next: '/' });
    assert.equal(again.status, 200);
    assert.match(again.text, /data-recovery-codes/);
  });
});
