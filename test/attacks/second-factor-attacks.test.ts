// Attacks on the second factors beyond the first push: TOTP, recovery codes, "use another method", step-up
// checks at /login/verify, the security page (adding and removing factors), the enrolment-only sessions of
// the second-factor policy and reset-2fa. The attacker has (a) a stolen password, (b) a stolen session
// cookie, (c) a web page the victim visits, or (d) their own account. A real server on a port, a fresh
// SQLite file and a clock the test moves. A failing test here is a weakness; a passing one proves an attack
// fails.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { base32Decode, hotp, totpStep } from '../../src/protocol/otp/totp.js';
import { normaliseRecoveryCode } from '../../src/services/recovery-codes.js';
import { sha256Hex } from '../../src/services/secrets.js';
import { TESSERA_COMMAND } from '../helpers/cli.js';
import { createUser, freePort, startTestServer, TEST_PASSWORD, type TestServer } from '../helpers/server.js';
import { accessPass, hiddenField, submitPassword, TestDevice, WebClient, type PageResponse } from '../helpers/web-client.js';

type MovableClock = (() => number) & { advance(ms: number): void };

let server: TestServer;
let clock: MovableClock;
const STEP_MS = 30_000;
const ids: Record<string, number> = {};
const secrets: Record<string, Uint8Array> = {};
/** Every one-time secret a page showed during the suite: none may end up in the audit log. */
const shownSecrets: string[] = [];
let piaPhone: TestDevice;
let tomCodes: string[] = [];

const db = () => server.services.context.db;
const ts = () => ({ timestamp: Math.floor(server.clock() / 1000) });
const sessionHash = (client: WebClient) => sha256Hex(client.cookies.get('tessera_session') ?? '');

/** A code of a new step (the clock moves on 30 s), so that no earlier test has used it. */
function freshCode(name: string): string {
  clock.advance(STEP_MS);
  return hotp(secrets[name]!, totpStep(clock()));
}
/** A well-formed code that is wrong for the current step and both neighbours. */
function wrongCode(name: string): string {
  const near = [-1, 0, 1].map((d) => hotp(secrets[name]!, totpStep(clock()) + d));
  for (let n = 123_456; ; n = (n + 77_777) % 1_000_000) {
    const c = String(n).padStart(6, '0');
    if (!near.includes(c)) return c;
  }
}

async function enrolTotp(name: string): Promise<void> {
  const started = await server.services.totp.begin(ids[name]!, name, 'Phone app');
  secrets[name] = base32Decode(started.secret);
  const done = await server.services.totp.confirm(ids[name]!, started.id, hotp(secrets[name]!, totpStep(clock())), 'Phone app', null);
  assert.ok(done.ok);
}

async function pendingOf(phone: TestDevice): Promise<Array<{ id: string; candidates: string[]; application: string | null }>> {
  const res = await phone.signedFetch('GET', '/api/authenticator/challenges', undefined, ts());
  assert.equal(res.status, 200);
  return ((await res.json()) as { challenges: Array<{ id: string; candidates: string[]; application: string | null }> }).challenges;
}
const approve = (phone: TestDevice, id: string, symbol: string) =>
  phone.signedFetch('POST', `/api/authenticator/challenges/${id}`, { decision: 'approve', symbol }, ts());

async function passwordStep(name: string, next = '/'): Promise<{ client: WebClient; after: PageResponse }> {
  const client = new WebClient(server.baseUrl);
  const after = await submitPassword(client, name, TEST_PASSWORD, next);
  assert.equal(after.status, 303, after.text);
  return { client, after };
}

/** Loads a code page (login or step-up) and posts a code from it. */
async function postCode(client: WebClient, kind: 'totp' | 'recovery', code: string, next = '/'): Promise<PageResponse> {
  const page = await client.get(`/login/${kind}?next=${encodeURIComponent(next)}`);
  assert.equal(page.status, 200, `GET /login/${kind}: ${page.status} ${page.location ?? ''}`);
  return client.post(`/login/${kind}`, { csrf: hiddenField(page.text, 'csrf'), next, code });
}

/** A full sign-in: the password, then (for a user with TOTP) a fresh code. */
async function signIn(name: string): Promise<WebClient> {
  const { client } = await passwordStep(name);
  if (secrets[name]) {
    const done = await postCode(client, 'totp', freshCode(name));
    assert.equal(done.status, 303, done.text);
  }
  assert.equal((await client.get('/rest/api/2/myself')).status, 200, `${name} is signed in`);
  return client;
}

/** The session proved its user long ago: security changes now need a step-up check. */
async function makeStale(client: WebClient): Promise<void> {
  await db().updateTable('sessions').set({ verified_at: clock() - 3_600_000 }).where('id_hash', '=', sessionHash(client)).execute();
}

async function csrfOf(client: WebClient): Promise<string> {
  const page = await client.get('/secure/security');
  assert.equal(page.status, 200, `security page: ${page.status} ${page.location ?? ''}`);
  return hiddenField(page.text, 'csrf');
}

const clearCodeThrottle = async (name: string) => server.services.accounts.clearSecondFactorAttempts(ids[name]!);
const signedIn = async (client: WebClient) => (await client.get('/rest/api/2/myself')).status === 200;

before(async () => {
  server = await startTestServer({ manualTime: true });
  clock = server.clock as MovableClock;
  // tom: TOTP and recovery codes. pia: push and TOTP. nora: no second factor. nina: must enrol (policy).
  for (const name of ['tom', 'pia', 'nora', 'nina', 'rex', 'ivy', 'lou']) ids[name] = (await createUser(server, name)).id;
  await enrolTotp('tom');
  tomCodes = await server.services.recoveryCodes.regenerate(ids['tom']!, null);
  shownSecrets.push(...tomCodes);
  await enrolTotp('pia');
  piaPhone = new TestDevice(server.baseUrl);
  assert.equal((await piaPhone.enroll(await server.services.push.createEnrollmentCode(ids['pia']!))).status, 201);
  await enrolTotp('rex');
  await enrolTotp('ivy');
  await enrolTotp('lou');
  await server.services.projects.addGroup('must-enrol');
  await server.services.projects.addGroupMember('must-enrol', 'nina');
});
after(() => server.close());

describe('finishing a login or a step-up without the second factor', () => {
  test('a session with only the password done reaches nothing but its second-factor pages', async () => {
    const { client, after: afterPassword } = await passwordStep('tom');
    assert.equal(afterPassword.location, '/login/totp?next=%2F');
    const csrf = hiddenField((await client.get('/login/totp?next=%2F')).text, 'csrf');
    assert.equal((await client.get('/')).location, '/login');
    assert.match((await client.get('/secure/security')).location ?? '', /^\/login\?/);
    const rowsBefore = await db().selectFrom('totp_credentials').select('id').where('user_id', '=', ids['tom']!).execute();
    for (const path of ['/secure/security/totp', '/secure/security/authenticators', '/secure/security/recovery-codes']) {
      const res = await client.post(path, { csrf, next: '/' });
      assert.equal(res.status, 303, path);
      assert.match(res.location!, /^\/login\?/, path);
    }
    assert.equal((await db().selectFrom('totp_credentials').select('id').where('user_id', '=', ids['tom']!).execute()).length, rowsBefore.length);
    assert.match((await client.get('/login/verify?next=%2F')).location ?? '', /^\/login\?/);
    assert.equal((await client.post('/login/verify', { csrf, next: '/', password: TEST_PASSWORD })).status, 403, 'the password again is no step-up');
    assert.equal((await client.get('/rest/api/2/myself')).status, 401);
    assert.equal((await client.post('/plugins/servlet/oauth/authorize', { csrf, oauth_token: 'x', decision: 'allow' })).status, 401);
  });

  test('sending a push does not buy a login transaction five more code guesses (and a user without push gets none)', async () => {
    const { client } = await passwordStep('tom');
    const page = await client.get('/login/totp?next=%2F');
    const csrf = hiddenField(page.text, 'csrf');
    for (let i = 0; i < 4; i++) assert.equal((await client.post('/login/totp', { csrf, next: '/', code: wrongCode('tom') })).status, 401);
    const push = await client.post('/login/push', { csrf, next: '/' }); // crafted: Tom has no authenticator
    assert.notEqual(push.status, 500);
    const fifth = await client.post('/login/totp', { csrf, next: '/', code: wrongCode('tom') });
    assert.equal(fifth.status, 401);
    assert.match(fifth.text, /Too many wrong answers/, 'the push reset the count of wrong answers');
    assert.match((await client.get('/login/totp?next=%2F')).location ?? '', /^\/login\?next=/);
    const pushes = await db().selectFrom('push_challenges').select('id').where('user_id', '=', ids['tom']!).execute();
    assert.equal(pushes.length, 0, 'a push challenge was made for a user who has no authenticator');
    await clearCodeThrottle('tom');
  });

  test('a stolen session cannot keep a step-up alive by sending pushes between wrong codes', async () => {
    const victim = await signIn('pia');
    await makeStale(victim);
    const page = await victim.get('/login/totp?next=%2Fsecure%2Fsecurity');
    assert.match(page.text, /Confirm it&#39;s you/);
    const csrf = hiddenField(page.text, 'csrf');
    for (let i = 0; i < 4; i++) assert.equal((await victim.post('/login/totp', { csrf, next: '/secure/security', code: wrongCode('pia') })).status, 401);
    assert.equal((await victim.post('/login/push', { csrf, next: '/secure/security' })).status, 303);
    const fifth = await victim.post('/login/totp', { csrf, next: '/secure/security', code: wrongCode('pia') });
    assert.match(fifth.text, /Too many wrong answers/, 'the step-up push reset the count of wrong answers');
    assert.equal(await signedIn(victim), false, 'five wrong step-up answers sign the session out');
    await clearCodeThrottle('pia');
  });

  test('five wrong passwords at the step-up check sign a stolen session out', async () => {
    const stolen = await signIn('nora');
    await makeStale(stolen);
    const page = await stolen.get('/login/verify?next=%2Fsecure%2Fsecurity');
    assert.match(page.text, /name="password"/);
    const csrf = hiddenField(page.text, 'csrf');
    let last: PageResponse | undefined;
    for (let i = 0; i < 5; i++) last = await stolen.post('/login/verify', { csrf, next: '/secure/security', password: `guess ${i}` });
    assert.equal(last!.status, 401);
    assert.equal(await signedIn(stolen), false, 'the session still answers after five wrong step-up passwords');
    await db().deleteFrom('login_failures').execute();
  });

  test('a password step-up is refused for a user who has a second factor', async () => {
    const stolen = await signIn('tom');
    await makeStale(stolen);
    const csrf = await csrfOf(stolen);
    const res = await stolen.post('/login/verify', { csrf, next: '/secure/security', password: TEST_PASSWORD });
    assert.equal(res.status, 303);
    assert.match(res.location!, /^\/login\/verify\?/);
    const change = await stolen.post('/secure/security/totp', { csrf, next: '/' });
    assert.equal(change.status, 303);
    assert.match(change.location!, /^\/login\/verify\?/, 'the password made the session fresh');
  });

  test("a push approved for one session's step-up does not finish another session's login, and a step-up hands out no new session id", async () => {
    const attacker = await passwordStep('pia'); // stolen password: a login waiting for Pia's phone
    const victim = await signIn('pia');
    await makeStale(victim);
    const victimCookie = victim.cookies.get('tessera_session');
    const methods = await victim.get('/login/verify?next=%2Fsecure%2Fsecurity');
    const started = await victim.post('/login/push', { csrf: hiddenField(methods.text, 'csrf'), next: '/secure/security' });
    assert.equal(started.status, 303);
    const challengePage = await victim.get(started.location!);
    const pending = await pendingOf(piaPhone);
    assert.equal(pending.length, 1);
    assert.equal(pending[0]!.application, 'Security settings');
    assert.equal((await approve(piaPhone, pending[0]!.id, accessPass(challengePage.text))).status, 200);

    const attackerPage = await attacker.client.get('/login/challenge?next=%2F');
    if (attackerPage.status === 200) {
      const stolenFinish = await attacker.client.post('/login/challenge', { csrf: hiddenField(attackerPage.text, 'csrf'), next: '/' });
      assert.notEqual(stolenFinish.status, 303);
    }
    assert.equal(await signedIn(attacker.client), false, "the step-up approval finished the attacker's login");

    const done = await victim.post('/login/challenge', { csrf: hiddenField(challengePage.text, 'csrf'), next: '/secure/security' });
    assert.equal(done.status, 303);
    assert.equal(done.location, '/secure/security');
    assert.equal(done.headers.getSetCookie().length, 0, 'a step-up must not hand out a session');
    assert.equal(victim.cookies.get('tessera_session'), victimCookie);
    const row = await db().selectFrom('sessions').select(['state', 'verified_at']).where('id_hash', '=', sessionHash(victim)).executeTakeFirstOrThrow();
    assert.equal(row.state, 'authenticated');
    assert.ok(server.services.sessions.isFresh({ ...row } as never), 'the step-up made the session fresh');
  });

  test('session fixation across the second factor: a cookie planted before the password cannot take over the approved login', async () => {
    const attacker = new WebClient(server.baseUrl);
    const form = await attacker.get('/login?next=%2F');
    const planted = attacker.cookies.get('tessera_session')!;
    const attackerCsrf = hiddenField(form.text, 'csrf');
    const victim = new WebClient(server.baseUrl);
    victim.cookies.set('tessera_session', planted);
    const afterPassword = await submitPassword(victim, 'pia', TEST_PASSWORD);
    assert.equal(afterPassword.location, '/login/challenge?next=%2F');
    const page = await victim.get(afterPassword.location!);
    const [challenge] = await pendingOf(piaPhone);
    assert.equal((await approve(piaPhone, challenge!.id, accessPass(page.text))).status, 200);
    // The attacker, still holding the planted id and its CSRF token, continues first.
    const hijack = await attacker.post('/login/challenge', { csrf: attackerCsrf, next: '/' });
    assert.notEqual(hijack.status, 303, 'the planted session finished the victim\'s login');
    assert.equal(await signedIn(attacker), false);
    const done = await victim.post('/login/challenge', { csrf: hiddenField(page.text, 'csrf'), next: '/' });
    assert.equal(done.status, 303);
    assert.equal(await signedIn(victim), true);
  });

  test('reset-2fa ends a half-done login: a TOTP code no longer finishes it', async () => {
    const { client } = await passwordStep('lou');
    const page = await client.get('/login/totp?next=%2F');
    await server.services.factors.resetAll(ids['lou']!, { actorId: null, via: 'test' });
    const res = await client.post('/login/totp', { csrf: hiddenField(page.text, 'csrf'), next: '/', code: freshCode('lou') });
    assert.equal(res.status, 303);
    assert.match(res.location!, /^\/login\?/);
    assert.equal(await signedIn(client), false);
  });
});

describe('the policy: enrolment-only sessions', () => {
  before(() => server.services.policy.set({ require: 'groups', groups: ['must-enrol'] }, { actorId: null, via: 'test' }));
  after(() => server.services.policy.set({ require: 'none', groups: [] }, { actorId: null, via: 'test' }));

  test('an enrolment-only session reaches nothing but enrolment', async () => {
    const { client, after: afterPassword } = await passwordStep('nina');
    assert.match(afterPassword.location!, /^\/secure\/security\?next=/);
    const csrf = await csrfOf(client);
    assert.equal((await client.get('/')).location, '/secure/security');
    for (const path of ['/login/methods?next=%2F', '/login/totp?next=%2F', '/login/recovery?next=%2F', '/login/challenge?next=%2F']) {
      const res = await client.get(path);
      assert.equal(res.status, 303, path);
    }
    assert.equal((await client.get('/login/challenge/events')).status, 401);
    for (const path of ['/rest/api/2/myself', '/rest/auth/1/session']) assert.equal((await client.get(path)).status, 401, path);
    assert.equal((await client.post('/login/totp', { csrf, next: '/', code: '123456' })).status, 303);
    assert.equal((await client.post('/login/push', { csrf, next: '/' })).status, 303);
    assert.equal((await client.post('/plugins/servlet/oauth/authorize', { csrf, oauth_token: 'x', decision: 'allow' })).status, 403);
    assert.equal((await db().selectFrom('push_challenges').select('id').where('user_id', '=', ids['nina']!).execute()).length, 0);
  });

  test('an enrolment-only session cannot enrol past, remove, or sign in around a factor the user gained meanwhile', async () => {
    // Someone with Nina's password opened an enrolment-only session and started a TOTP set-up; then Nina
    // enrolled her phone (an enrolment link from her administrator). The old session must now sign in with it.
    const { client: stolen } = await passwordStep('nina');
    const csrf = await csrfOf(stolen);
    const setup = await stolen.post('/secure/security/totp', { csrf, next: '/' });
    assert.equal(setup.status, 200);
    const secret = base32Decode(/data-totp-secret="([A-Z2-7]+)"/.exec(setup.text)![1]!);
    shownSecrets.push(/data-totp-secret="([A-Z2-7]+)"/.exec(setup.text)![1]!);
    const action = /action="(\/secure\/security\/totp\/[A-Za-z0-9]+\/confirm)"/.exec(setup.text)![1]!;
    const phone = new TestDevice(server.baseUrl);
    assert.equal((await phone.enroll(await server.services.push.createEnrollmentCode(ids['nina']!))).status, 201);

    const confirm = await stolen.post(action, { csrf, next: '/', name: 'mine now', code: hotp(secret, totpStep(clock())) });
    assert.notEqual(confirm.status, 500);
    const signedInRows = await db().selectFrom('sessions').select('id_hash').where('user_id', '=', ids['nina']!).where('state', '=', 'authenticated').execute();
    assert.equal(signedInRows.length, 0, 'a TOTP set-up signed in around the authenticator the user has');
    assert.deepEqual(await server.services.factors.kinds(ids['nina']!), ['push'], 'a factor was added without the existing one');
    assert.equal(await signedIn(stolen), false);

    const again = await stolen.post('/secure/security/totp', { csrf, next: '/' });
    assert.notEqual(again.status, 200, 'a new TOTP set-up was started');
    const remove = await stolen.post(`/secure/security/authenticators/${phone.deviceId}/remove`, { csrf, next: '/' });
    assert.notEqual(remove.status, 200);
    assert.deepEqual(await server.services.factors.kinds(ids['nina']!), ['push'], 'the enrolment-only session removed the authenticator');

    await makeStale(stolen);
    const verify = await stolen.post('/login/verify', { csrf, next: '/secure/security', password: TEST_PASSWORD });
    assert.ok(verify.status === 303 && verify.location !== '/secure/security', `the password made the session fresh: ${verify.status} ${verify.location}`);
    const row = await db().selectFrom('sessions').select('verified_at').where('id_hash', '=', sessionHash(stolen)).executeTakeFirst();
    assert.ok(row === undefined || row.verified_at! < clock() - 60_000, 'the password refreshed an enrolment-only session of a user with a factor');
    // What the session may still do: go on to the sign-in with the new factor.
    const onward = await stolen.get('/secure/security?next=%2F');
    assert.equal(onward.status, 303);
    assert.equal(onward.location, '/login/challenge?next=%2F');
    await server.services.factors.resetAll(ids['nina']!, { actorId: null, via: 'test' });
  });
});

describe('adding and removing factors', () => {
  test('changes without a fresh check are sent to the step-up first (add, confirm, remove, recovery codes)', async () => {
    const client = await signIn('tom');
    const csrf = await csrfOf(client);
    const setup = await client.post('/secure/security/totp', { csrf, next: '/' });
    const secretText = /data-totp-secret="([A-Z2-7]+)"/.exec(setup.text)![1]!;
    shownSecrets.push(secretText);
    const action = /action="(\/secure\/security\/totp\/[A-Za-z0-9]+\/confirm)"/.exec(setup.text)![1]!;
    await makeStale(client);
    const tomTotp = (await db().selectFrom('totp_credentials').select('id').where('user_id', '=', ids['tom']!).where('confirmed_at', 'is not', null).executeTakeFirstOrThrow()).id;
    const codesBefore = await db().selectFrom('recovery_codes').select('code_hash').where('user_id', '=', ids['tom']!).execute();
    for (const [path, form] of [
      ['/secure/security/totp', {}], ['/secure/security/authenticators', {}], ['/secure/security/recovery-codes', {}],
      [action, { code: hotp(base32Decode(secretText), totpStep(clock())), name: 'x' }], [`/secure/security/totp/${tomTotp}/remove`, {}],
    ] as const) {
      const res = await client.post(path, { csrf, next: '/', ...form });
      assert.equal(res.status, 303, path);
      assert.match(res.location!, /^\/login\/verify\?next=/, path);
    }
    assert.equal((await db().selectFrom('totp_credentials').select('id').where('user_id', '=', ids['tom']!).where('confirmed_at', 'is not', null).execute()).length, 1);
    assert.equal((await db().selectFrom('enrollment_codes').select('code_hash').where('user_id', '=', ids['tom']!).execute()).length, 0);
    assert.deepEqual(await db().selectFrom('recovery_codes').select('code_hash').where('user_id', '=', ids['tom']!).execute(), codesBefore);
  });

  test('CSRF: no POST works without its token, with another session\'s token, or with the token in a JSON body', async () => {
    const victim = await signIn('tom');
    const attacker = await signIn('nora');
    const attackerCsrf = await csrfOf(attacker);
    const victimCsrf = await csrfOf(victim);
    const setup = await victim.post('/secure/security/totp', { csrf: victimCsrf, next: '/' });
    const secretText = /data-totp-secret="([A-Z2-7]+)"/.exec(setup.text)![1]!;
    shownSecrets.push(secretText);
    const pendingId = /action="\/secure\/security\/totp\/([A-Za-z0-9]+)\/confirm"/.exec(setup.text)![1]!;
    const tomTotp = (await db().selectFrom('totp_credentials').select('id').where('user_id', '=', ids['tom']!).where('confirmed_at', 'is not', null).executeTakeFirstOrThrow()).id;
    const snapshot = async () => JSON.stringify([
      await db().selectFrom('totp_credentials').select(['id', 'confirmed_at']).where('user_id', '=', ids['tom']!).orderBy('id').execute(),
      await db().selectFrom('recovery_codes').select(['code_hash', 'used_at']).where('user_id', '=', ids['tom']!).orderBy('code_hash').execute(),
      await db().selectFrom('enrollment_codes').select('code_hash').where('user_id', '=', ids['tom']!).execute(),
      await db().selectFrom('sessions').select(['state', 'user_id', 'factor_failures', 'login_tx']).where('id_hash', '=', sessionHash(victim)).execute(),
      await db().selectFrom('push_challenges').select('id').where('user_id', '=', ids['tom']!).execute(),
    ]);
    const before = await snapshot();
    const code = hotp(base32Decode(secretText), totpStep(clock()));
    const posts: Array<[string, Record<string, string>]> = [
      ['/secure/security/authenticators', {}], ['/secure/security/totp', {}], ['/secure/security/recovery-codes', {}],
      [`/secure/security/totp/${pendingId}/confirm`, { code, name: 'attacker' }], [`/secure/security/totp/${tomTotp}/remove`, {}],
      ['/login/verify', { password: TEST_PASSWORD }], ['/login/totp', { code: '000000' }], ['/login/recovery', { code: tomCodes[9]! }],
      ['/login/push', {}], ['/login/challenge', {}], ['/logout', {}],
      ['/login', { username: 'nora', password: TEST_PASSWORD }],
      ['/plugins/servlet/oauth/authorize', { oauth_token: 'x', decision: 'allow' }],
    ];
    for (const [path, form] of posts) {
      for (const csrf of [undefined, '', attackerCsrf, `${victimCsrf}x`]) {
        const res = await victim.post(path, { ...form, next: '/', ...(csrf === undefined ? {} : { csrf }) });
        assert.ok(res.status !== 200 && res.status < 500, `${path} with csrf ${String(csrf)}: ${res.status}`);
        assert.equal(res.headers.getSetCookie().filter((c) => !/Max-Age=0/.test(c)).length, 0, `${path}: a new session was handed out`);
      }
      const json = await victim.request('POST', path, { headers: { 'content-type': 'application/json' } });
      assert.ok(json.status !== 200 && json.status < 500, `${path} (JSON): ${json.status}`);
    }
    // A JSON body that carries the right token is not a form either.
    const jsonWithToken = await fetch(`${server.baseUrl}/secure/security/recovery-codes`, {
      method: 'POST', redirect: 'manual', headers: { cookie: `tessera_session=${victim.cookies.get('tessera_session')}`, 'content-type': 'application/json' },
      body: JSON.stringify({ csrf: victimCsrf, next: '/' }),
    });
    assert.notEqual(jsonWithToken.status, 200);
    assert.equal(await snapshot(), before, 'a POST without a valid CSRF token changed something');
    assert.equal(await signedIn(victim), true);
  });

  test("another user's factor ids: remove and confirm refuse them, whatever the kind in the path", async () => {
    const tom = await signIn('tom');
    const csrf = await csrfOf(tom);
    const piaTotp = (await db().selectFrom('totp_credentials').select('id').where('user_id', '=', ids['pia']!).executeTakeFirstOrThrow()).id;
    for (const path of [
      `/secure/security/totp/${piaTotp}/remove`, `/secure/security/authenticators/${piaPhone.deviceId}/remove`,
      `/secure/security/authenticators/${piaTotp}/remove`, `/secure/security/passkeys/${piaTotp}/remove`,
    ]) {
      const res = await tom.post(path, { csrf, next: '/' });
      assert.equal(res.status, 404, path);
    }
    assert.deepEqual(await server.services.factors.kinds(ids['pia']!), ['push', 'totp']);
    // Pia's pending TOTP set-up, confirmed from Tom's session with Pia's right code.
    const pending = await server.services.totp.begin(ids['pia']!, 'pia', 'Pia second app');
    shownSecrets.push(pending.secret);
    const res = await tom.post(`/secure/security/totp/${pending.id}/confirm`, { csrf, next: '/', name: 'hijacked', code: hotp(base32Decode(pending.secret), totpStep(clock())) });
    assert.equal(res.status, 400);
    const row = await db().selectFrom('totp_credentials').select(['user_id', 'confirmed_at', 'name']).where('id', '=', pending.id).executeTakeFirstOrThrow();
    assert.deepEqual(row, { user_id: ids['pia']!, confirmed_at: null, name: 'Pia second app' });
  });

  test('factor names are escaped on the security page', async () => {
    const ivy = await signIn('ivy');
    const csrf = await csrfOf(ivy);
    const setup = await ivy.post('/secure/security/totp', { csrf, next: '/' });
    const secret = base32Decode(/data-totp-secret="([A-Z2-7]+)"/.exec(setup.text)![1]!);
    shownSecrets.push(/data-totp-secret="([A-Z2-7]+)"/.exec(setup.text)![1]!);
    const action = /action="(\/secure\/security\/totp\/[A-Za-z0-9]+\/confirm)"/.exec(setup.text)![1]!;
    clock.advance(STEP_MS);
    const done = await ivy.post(action, { csrf, next: '/', name: '<img src=x onerror=alert(1)>"\'', code: hotp(secret, totpStep(clock())) });
    assert.equal(done.status, 200, done.text);
    assert.doesNotMatch(done.text, /<img src=x/);
    assert.match(done.text, /&lt;img src=x onerror=alert\(1\)&gt;&quot;&#39;/);
  });

  test('removing the last real factor removes the recovery codes: they never sign in on their own', async () => {
    const ivy = await signIn('ivy');
    const codes = await server.services.recoveryCodes.regenerate(ids['ivy']!, null);
    shownSecrets.push(...codes);
    const csrf = await csrfOf(ivy);
    for (const row of await db().selectFrom('totp_credentials').select('id').where('user_id', '=', ids['ivy']!).execute()) {
      assert.equal((await ivy.post(`/secure/security/totp/${row.id}/remove`, { csrf, next: '/' })).status, 200);
    }
    assert.deepEqual(await server.services.factors.kinds(ids['ivy']!), []);
    assert.equal(await server.services.recoveryCodes.remaining(ids['ivy']!), 0);
  });
});

describe('guessing and racing one-time values', () => {
  test('TOTP and recovery-code guesses are limited per user across transactions and methods (then even the right code waits)', async () => {
    const stolenSession = await signIn('tom'); // for a step-up guess at the end
    await clearCodeThrottle('tom');
    for (const kind of ['totp', 'recovery', 'totp'] as const) {
      const { client } = await passwordStep('tom');
      for (let i = 0; i < (kind === 'recovery' ? 4 : 3); i++) {
        const res = await postCode(client, kind, kind === 'totp' ? wrongCode('tom') : 'aaaa-bbbb-cccc-dddd');
        assert.equal(res.status, 401);
      }
    }
    const { client } = await passwordStep('tom');
    const locked = await postCode(client, 'totp', freshCode('tom'));
    assert.equal(locked.status, 429, 'the eleventh code within the window was checked');
    assert.ok(Number(locked.headers.get('retry-after')) > 0);
    assert.equal(await signedIn(client), false);
    await makeStale(stolenSession);
    const stepUp = await postCode(stolenSession, 'recovery', tomCodes[0]!);
    assert.equal(stepUp.status, 429, 'a step-up check is one more guess of the same codes');
    await clearCodeThrottle('tom');
  });

  test('30 parallel wrong codes in one login transaction: at most 10 are checked, none gets through', async () => {
    await clearCodeThrottle('tom');
    const { client } = await passwordStep('tom');
    const page = await client.get('/login/totp?next=%2F');
    const csrf = hiddenField(page.text, 'csrf');
    const cookie = `tessera_session=${client.cookies.get('tessera_session')}`;
    const failedBefore = await db().selectFrom('audit_log').select('id').where('event', '=', 'login.second_factor_failed').where('actor_id', '=', ids['tom']!).execute();
    const results = await Promise.all(Array.from({ length: 30 }, (_, i) => fetch(`${server.baseUrl}/login/totp`, {
      method: 'POST', redirect: 'manual', headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ csrf, next: '/', code: String(100_000 + i * 31_337).padStart(6, '0') }).toString(),
    }).then(async (r) => ({ status: r.status, location: r.headers.get('location'), text: await r.text() }))));
    assert.equal(results.filter((r) => r.status === 303 && r.location === '/').length, 0);
    assert.ok(results.every((r) => r.status < 500));
    const failedAfter = await db().selectFrom('audit_log').select('id').where('event', '=', 'login.second_factor_failed').where('actor_id', '=', ids['tom']!).execute();
    assert.ok(failedAfter.length - failedBefore.length <= 10, `${failedAfter.length - failedBefore.length} codes were checked`);
    await clearCodeThrottle('tom');
  });

  test('one TOTP code seen over a shoulder, 10 parallel logins: exactly one gets through', async () => {
    const logins: Array<{ client: WebClient; csrf: string }> = [];
    for (let i = 0; i < 10; i++) {
      const { client } = await passwordStep('pia');
      const page = await client.get('/login/totp?next=%2F');
      logins.push({ client, csrf: hiddenField(page.text, 'csrf') });
    }
    const code = freshCode('pia');
    const results = await Promise.all(logins.map((l) => l.client.post('/login/totp', { csrf: l.csrf, next: '/', code })));
    assert.equal(results.filter((r) => r.status === 303).length, 1, results.map((r) => r.status).join(','));
    for (const r of results.filter((x) => x.status !== 303)) assert.ok([401, 429].includes(r.status), String(r.status));
    await clearCodeThrottle('pia');
  });

  test('parallel confirmations of one TOTP set-up confirm it once', async () => {
    const rex = await signIn('rex');
    const csrf = await csrfOf(rex);
    const setup = await rex.post('/secure/security/totp', { csrf, next: '/' });
    const secretText = /data-totp-secret="([A-Z2-7]+)"/.exec(setup.text)![1]!;
    shownSecrets.push(secretText);
    const id = /action="\/secure\/security\/totp\/([A-Za-z0-9]+)\/confirm"/.exec(setup.text)![1]!;
    const code = hotp(base32Decode(secretText), totpStep(clock()));
    const results = await Promise.all(Array.from({ length: 10 }, (_, i) =>
      rex.post(`/secure/security/totp/${id}/confirm`, { csrf, next: '/', name: `race ${i}`, code })));
    assert.equal(results.filter((r) => r.status === 200).length, 1, results.map((r) => r.status).join(','));
    assert.ok(results.every((r) => r.status < 500));
    const added = await db().selectFrom('audit_log').select('detail').where('event', '=', 'second_factor.added').execute();
    assert.equal(added.filter((a) => JSON.parse(a.detail).id === id).length, 1);
    // And the code that confirmed it does not sign in afterwards (its step is used).
    const { client } = await passwordStep('rex');
    assert.equal((await postCode(client, 'totp', code)).status, 401);
    await clearCodeThrottle('rex');
  });

  test('parallel "make new recovery codes": exactly one set of ten stays valid', async () => {
    const rex = await signIn('rex');
    const csrf = await csrfOf(rex);
    const results = await Promise.all(Array.from({ length: 5 }, () => rex.post('/secure/security/recovery-codes', { csrf, next: '/' })));
    assert.ok(results.every((r) => r.status === 200), results.map((r) => r.status).join(','));
    const sets = results.map((r) => [...r.text.matchAll(/<li><code>([a-z2-9-]+)<\/code><\/li>/g)].map((m) => m[1]!));
    for (const s of sets) shownSecrets.push(...s);
    const stored = (await db().selectFrom('recovery_codes').select('code_hash').where('user_id', '=', ids['rex']!).where('used_at', 'is', null).execute())
      .map((r) => r.code_hash).sort();
    assert.equal(stored.length, 10, `${stored.length} valid recovery codes`);
    const matching = sets.filter((s) => JSON.stringify(s.map((c) => sha256Hex(normaliseRecoveryCode(c))).sort()) === JSON.stringify(stored));
    assert.equal(matching.length, 1);
  });
});

describe('information leaks, bad input, redirects, headers', () => {
  test('before the password is right, nothing tells which users exist or which factors they have', async () => {
    const answers: Array<{ status: number; text: string }> = [];
    for (const name of ['nobody-here', 'nora', 'tom', 'pia']) {
      const client = new WebClient(server.baseUrl);
      const res = await submitPassword(client, name, 'not the password');
      answers.push({ status: res.status, text: res.text.replace(/value="[^"]*"/g, 'value=""') });
      for (const path of ['/login/methods', '/login/totp', '/login/recovery', '/login/challenge', '/login/verify']) {
        const page = await client.get(`${path}?next=%2F`);
        assert.equal(page.status, 303, `${name} ${path}`);
        assert.equal(page.location, '/login?next=%2F', `${name} ${path}`);
      }
    }
    for (const a of answers) assert.deepEqual(a, answers[0]);
    await db().deleteFrom('login_failures').execute();
  });

  test('bad input to every new route: never a 500 or a stack trace', async () => {
    // Three kinds of session: none yet, password done (Tom, TOTP pending), signed in and fresh (Rex). A
    // session that ends on the way (five wrong answers) is replaced, so every path meets every kind.
    type Who = 'anonymous' | 'half' | 'full';
    const make: Record<Who, () => Promise<{ client: WebClient; csrf: string }>> = {
      anonymous: async () => {
        const client = new WebClient(server.baseUrl);
        return { client, csrf: hiddenField((await client.get('/login')).text, 'csrf') };
      },
      half: async () => {
        const { client } = await passwordStep('tom');
        return { client, csrf: hiddenField((await client.get('/login/totp?next=%2F')).text, 'csrf') };
      },
      full: async () => {
        const client = await signIn('rex');
        return { client, csrf: await csrfOf(client) };
      },
    };
    const expected: Record<Who, string> = { anonymous: 'anonymous', half: 'second_factor', full: 'authenticated' };
    const sessions = {} as Record<Who, { client: WebClient; csrf: string }>;
    for (const who of Object.keys(make) as Who[]) sessions[who] = await make[who]();
    const current = async (who: Who) => {
      const row = await db().selectFrom('sessions').select('state').where('id_hash', '=', sessionHash(sessions[who].client)).executeTakeFirst();
      if (row?.state !== expected[who]) sessions[who] = await make[who]();
      return sessions[who];
    };
    const badIds = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf', 'a'.repeat(100), '%00', '%E2%80%A8', '%2e%2e', '%25', 'x%2Fy', '%FF'];
    const kinds = ['authenticators', 'totp', 'passkeys', '__proto__', 'constructor', 'toString', 'valueOf', 'hasOwnProperty', 'recovery-codes', '%00'];
    const paths = [
      '/secure/security', '/secure/security/authenticators', '/secure/security/totp', '/secure/security/recovery-codes',
      ...badIds.map((id) => `/secure/security/totp/${id}/confirm`),
      ...kinds.flatMap((k) => badIds.slice(0, 6).map((id) => `/secure/security/${k}/${id}/remove`)),
      '/login', '/login/push', '/login/challenge', '/login/methods', '/login/verify', '/login/totp', '/login/recovery', '/logout',
    ];
    const bodies = (csrf: string): Array<{ type: string; body: string }> => [
      { type: 'application/x-www-form-urlencoded', body: '' },
      { type: 'application/x-www-form-urlencoded', body: `csrf=${csrf}&csrf=x&code=1&code=2&next=/a&next=//evil.example&name=a&name=b&password=a&password=b` },
      { type: 'application/x-www-form-urlencoded', body: `csrf=${csrf}&next=/${'a'.repeat(5000)}&code=${'9'.repeat(200_000)}&name=${'n'.repeat(100_000)}&password=${'p'.repeat(100_000)}` },
      { type: 'application/x-www-form-urlencoded', body: `csrf=${csrf}&code=%00%FF%FE&name=%E2%80%AE%00&next=%FF` },
      { type: 'application/x-www-form-urlencoded', body: '%zz&&==&%' },
      { type: 'application/json', body: JSON.stringify({ csrf, code: ['1'], next: { a: 1 } }) },
      { type: 'application/json', body: '{"csrf":' },
      { type: 'text/plain', body: `csrf=${csrf}` },
      { type: 'multipart/form-data; boundary=x', body: `--x\r\nContent-Disposition: form-data; name="csrf"\r\n\r\n${csrf}\r\n--x--\r\n` },
    ];
    const problems: string[] = [];
    const check = async (who: string, method: string, path: string, res: Response) => {
      const text = await res.text();
      if (res.status >= 500 || /node_modules|\.ts:\d+|at async |TypeError|SqliteError/.test(text)) problems.push(`${who} ${method} ${path} → ${res.status}`);
    };
    for (const path of paths) {
      for (const who of Object.keys(make) as Who[]) {
        for (const method of ['GET', 'PUT', 'DELETE', 'PATCH']) {
          const { client } = await current(who);
          const res = await fetch(`${server.baseUrl}${path}?next=%FF&next=//evil.example&code=1`, {
            method, redirect: 'manual', headers: { cookie: `tessera_session=${client.cookies.get('tessera_session')}` },
          });
          await check(who, method, path, res);
        }
        for (let i = 0; i < bodies('').length; i++) {
          const { client, csrf } = await current(who);
          const { type, body } = bodies(csrf)[i]!;
          const res = await fetch(server.baseUrl + path, {
            method: 'POST', redirect: 'manual', headers: { cookie: `tessera_session=${client.cookies.get('tessera_session')}`, 'content-type': type }, body,
          });
          await check(who, 'POST', `${path} (${type}, ${body.slice(0, 30)})`, res);
        }
      }
      await clearCodeThrottle('tom');
      await clearCodeThrottle('rex');
    }
    for (const path of ['/login/challenge/events', '/login/challenge/events?next=%FF']) {
      for (const who of ['anonymous', 'half', 'full'] as Who[]) {
        const { client } = await current(who);
        const res = await fetch(server.baseUrl + path, { redirect: 'manual', headers: { cookie: `tessera_session=${client.cookies.get('tessera_session')}` } });
        await check(who, 'GET', path, res);
      }
    }
    assert.deepEqual(problems, []);
    await db().deleteFrom('login_failures').execute();
  });

  test('return URLs: no second-factor or step-up flow redirects off the site', async () => {
    const tricks = ['//evil.example/', '/\\evil.example', 'https://evil.example/', 'http:evil.example', '/\t/evil.example', ' //evil.example',
      '\\\\evil.example', '///evil.example', '//%09evil.example', '/%5C%5Cevil.example', 'javascript:alert(1)', '/\r\nLocation: https://evil.example'];
    const offSite = (location: string | null) => {
      if (location === null) return 'no location';
      if (location.startsWith('//') || location.startsWith('/\\') || /[\r\n\t]/.test(location)) return location;
      return new URL(location, server.baseUrl).origin === new URL(server.baseUrl).origin ? null : location;
    };
    const nora = await signIn('nora');
    const noraCsrf = await csrfOf(nora);
    for (const next of tricks) {
      const verified = await nora.post('/login/verify', { csrf: noraCsrf, next, password: TEST_PASSWORD });
      assert.equal(verified.status, 303);
      assert.equal(offSite(verified.location), null, `step-up next=${JSON.stringify(next)}`);
      const login = await nora.get(`/login?next=${encodeURIComponent(next)}`);
      assert.equal(offSite(login.location), null, `GET /login next=${JSON.stringify(next)}`);
      const security = await nora.post('/secure/security/authenticators', { csrf: 'wrong', next });
      assert.equal(security.status, 403);
    }
    await db().deleteFrom('login_failures').execute();
    // A TOTP login and a TOTP step-up with a trick in `next`.
    const { client } = await passwordStep('tom', '//evil.example/');
    assert.equal(offSite((await passwordStep('tom', '/\\evil.example')).after.location), null);
    const page = await client.get('/login/totp?next=%2F%2Fevil.example%2F');
    assert.equal(hiddenField(page.text, 'next'), '/');
    const done = await client.post('/login/totp', { csrf: hiddenField(page.text, 'csrf'), next: '//evil.example/', code: freshCode('tom') });
    assert.equal(done.status, 303);
    assert.equal(offSite(done.location), null);
    await makeStale(client);
    const stepUpPage = await client.get('/login/totp?next=https%3A%2F%2Fevil.example');
    const stepUp = await client.post('/login/totp', { csrf: hiddenField(stepUpPage.text, 'csrf'), next: 'https://evil.example', code: freshCode('tom') });
    assert.equal(stepUp.status, 303);
    assert.equal(offSite(stepUp.location), null);
    // The guard's own redirects carry `next` inside a local path.
    await makeStale(client);
    const guarded = await client.post('/secure/security/totp', { csrf: await csrfOf(client), next: '//evil.example' });
    assert.equal(offSite(guarded.location), null);
  });

  test('every new page refuses framing, sends no referrer and is not cached (codes and secrets included)', async () => {
    const pages: Array<[string, PageResponse]> = [];
    const { client: half } = await passwordStep('tom');
    for (const p of ['/login/totp?next=%2F', '/login/recovery?next=%2F', '/login/methods?next=%2F']) pages.push([p, await half.get(p)]);
    pages.push(['wrong code', await postCode(half, 'totp', wrongCode('tom'))]);
    const { client: piaHalf, after: piaAfter } = await passwordStep('pia');
    pages.push(['/login/challenge', await piaHalf.get(piaAfter.location!)]);
    const full = await signIn('rex');
    const csrf = await csrfOf(full);
    pages.push(['/secure/security', await full.get('/secure/security')]);
    pages.push(['totp set-up', await full.post('/secure/security/totp', { csrf, next: '/' })]);
    const setupSecret = /data-totp-secret="([A-Z2-7]+)"/.exec(pages.at(-1)![1].text)?.[1];
    if (setupSecret) shownSecrets.push(setupSecret);
    const action = /action="(\/secure\/security\/totp\/[A-Za-z0-9]+\/confirm)"/.exec(pages.at(-1)![1].text)![1]!;
    pages.push(['totp set-up, wrong code', await full.post(action, { csrf, next: '/', code: '' })]);
    pages.push(['recovery codes', await full.post('/secure/security/recovery-codes', { csrf, next: '/' })]);
    shownSecrets.push(...[...pages.at(-1)![1].text.matchAll(/<li><code>([a-z2-9-]+)<\/code><\/li>/g)].map((m) => m[1]!));
    pages.push(['authenticator link', await full.post('/secure/security/authenticators', { csrf, next: '/' })]);
    const link = /data-enrollment-uri="[^"]*#code=([A-Za-z0-9]+)"/.exec(pages.at(-1)![1].text)?.[1];
    if (link) shownSecrets.push(link);
    pages.push(['remove unknown', await full.post('/secure/security/totp/nope/remove', { csrf, next: '/' })]);
    pages.push(['bad csrf', await full.post('/secure/security/totp', { csrf: 'x', next: '/' })]);
    pages.push(['/login/verify (methods)', await full.get('/login/verify?next=%2F')]);
    const nora = await signIn('nora');
    pages.push(['/login/verify (password)', await nora.get('/login/verify?next=%2F')]);
    pages.push(['/login/verify wrong password', await nora.post('/login/verify', { csrf: await csrfOf(nora), next: '/', password: 'nope' })]);
    pages.push(['/login/verify bad csrf', await nora.post('/login/verify', { csrf: 'x', next: '/', password: 'nope' })]);
    for (const [name, p] of pages) {
      assert.ok(p.status !== 303, `${name} is a redirect`);
      assert.equal(p.headers.get('x-frame-options'), 'DENY', name);
      assert.match(p.headers.get('content-security-policy') ?? '', /frame-ancestors 'none'/, name);
      assert.equal(p.headers.get('cache-control'), 'no-store', name);
      assert.equal(p.headers.get('referrer-policy'), 'no-referrer', name);
    }
    await db().deleteFrom('login_failures').execute();
  });

  test('no TOTP secret, recovery code or enrolment code shown during this suite is in the audit log', async () => {
    assert.ok(shownSecrets.length > 20, `${shownSecrets.length} secrets collected`);
    const all = (await db().selectFrom('audit_log').select(['event', 'detail']).execute()).map((r) => `${r.event} ${r.detail}`.toLowerCase());
    for (const s of shownSecrets) {
      for (const form of new Set([s.toLowerCase(), normaliseRecoveryCode(s)])) {
        const hit = all.find((line) => line.includes(form));
        assert.equal(hit, undefined, `audit log line carries a secret: ${hit}`);
      }
    }
    assert.ok(!all.some((line) => line.includes(TEST_PASSWORD)));
  });
});

describe('secrets in log lines (the real server, debug level)', () => {
  test('setting up TOTP, making recovery codes and signing in with one put none of them in the log', async () => {
    const port = await freePort();
    const dir = mkdtempSync(join(tmpdir(), 'tessera-2fa-log-'));
    const adminPassword = 'admin-2fa-log-PW01';
    const child = spawn(TESSERA_COMMAND[0]!, [...TESSERA_COMMAND.slice(1), 'serve'], {
      env: {
        PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: dir, TESSERA_PORT: String(port), TESSERA_HOST: '127.0.0.1',
        TESSERA_DATABASE: join(dir, 'tessera.db'), TESSERA_LOG_LEVEL: 'debug', TESSERA_ADMIN_PASSWORD: adminPassword,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => { out += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { out += d.toString(); });
    const found: string[] = [];
    try {
      for (let i = 0; i < 300 && !out.includes('is listening on'); i++) await new Promise((r) => setTimeout(r, 100));
      assert.match(out, /is listening on/, out);
      const base = `http://127.0.0.1:${port}`;
      const admin = new WebClient(base);
      assert.equal((await submitPassword(admin, 'admin', adminPassword)).status, 303);
      const csrf = hiddenField((await admin.get('/secure/security')).text, 'csrf');
      const setup = await admin.post('/secure/security/totp', { csrf, next: '/' });
      const secretText = /data-totp-secret="([A-Z2-7]+)"/.exec(setup.text)![1]!;
      const action = /action="(\/secure\/security\/totp\/[A-Za-z0-9]+\/confirm)"/.exec(setup.text)![1]!;
      assert.equal((await admin.post(action, { csrf, next: '/', code: '000000' })).status, 400);
      assert.equal((await admin.post(action, { csrf, next: '/', name: 'app', code: hotp(base32Decode(secretText), totpStep(Date.now())) })).status, 200);
      const made = await admin.post('/secure/security/recovery-codes', { csrf, next: '/' });
      const codes = [...made.text.matchAll(/<li><code>([a-z2-9-]+)<\/code><\/li>/g)].map((m) => m[1]!);
      assert.equal(codes.length, 10);
      const link = await admin.post('/secure/security/authenticators', { csrf, next: '/' });
      const enrolCode = /#code=([A-Za-z0-9]+)/.exec(link.text)![1]!;
      await admin.post('/secure/security/constructor/x/remove', { csrf, next: '/' });
      await admin.post('/logout', { csrf });
      const again = new WebClient(base);
      assert.equal((await submitPassword(again, 'admin', adminPassword)).location, '/login/totp?next=%2F');
      const page = await again.get('/login/recovery?next=%2F');
      assert.equal((await again.post('/login/recovery', { csrf: hiddenField(page.text, 'csrf'), next: '/', code: 'wron-gcod-ewro-ngxx' })).status, 401);
      assert.equal((await again.post('/login/recovery', { csrf: hiddenField(page.text, 'csrf'), next: '/', code: codes[0]! })).status, 303);
      await new Promise((r) => setTimeout(r, 300));
      assert.match(out, /incoming request/, 'the log is on');
      for (const s of [secretText, ...codes, ...codes.map(normaliseRecoveryCode), enrolCode, adminPassword]) {
        if (out.toLowerCase().includes(s.toLowerCase())) found.push(s);
      }
    } finally {
      child.kill('SIGTERM');
      await new Promise((r) => child.on('close', r));
      rmSync(dir, { recursive: true, force: true });
    }
    assert.deepEqual(found, []);
  });
});
