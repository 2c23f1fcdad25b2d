// Issue 4, acceptance 5, over HTTP on a real port: the push rules as a person meets them. A wrong symbol
// fails; deny, then approve on a second device, stays denied; a second login suspends the first challenge;
// the sixth push in 10 minutes is refused with a clear message; an expired challenge cannot be approved;
// "This wasn't me" is recorded and blocks that attempt.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ACCESS_SYMBOLS } from '../../src/protocol/push/symbols.js';
import { createUser, startTestServer, TEST_PASSWORD, type TestServer } from '../helpers/server.js';
import { accessPass, hiddenField, submitPassword, TestDevice, WebClient, type PageResponse } from '../helpers/web-client.js';

type MovableClock = (() => number) & { advance(ms: number): void };
let server: TestServer;

before(async () => {
  server = await startTestServer({ manualTime: true, settings: { TESSERA_PUSH_RATE_LIMIT: '5' } });
});
after(() => server.close());

async function userWithDevices(name: string, devices = 1): Promise<TestDevice[]> {
  const user = await createUser(server, name);
  const out: TestDevice[] = [];
  for (let i = 0; i < devices; i++) {
    const d = new TestDevice(server.baseUrl);
    assert.equal((await d.enroll(await server.services.push.createEnrollmentCode(user.id))).status, 201);
    out.push(d);
  }
  return out;
}

/** Password step and the challenge page: the client, the symbol shown, and the page's form fields. */
async function startLogin(name: string): Promise<{ client: WebClient; symbol: string; page: PageResponse }> {
  const client = new WebClient(server.baseUrl);
  const after = await submitPassword(client, name, TEST_PASSWORD, '/');
  assert.equal(after.status, 303, after.text);
  const page = await client.get(after.location!);
  assert.equal(page.status, 200, page.text);
  return { client, symbol: accessPass(page.text), page };
}

// Devices sign with the server's (movable) clock, as a phone with a synced clock would.
const ts = () => ({ timestamp: Math.floor(server.clock() / 1000) });
async function pending(phone: TestDevice): Promise<Array<{ id: string; candidates: string[] }>> {
  const res = await phone.signedFetch('GET', '/api/authenticator/challenges', undefined, ts());
  assert.equal(res.status, 200);
  return ((await res.json()) as { challenges: Array<{ id: string; candidates: string[] }> }).challenges;
}
function answer(phone: TestDevice, id: string, decision: 'approve' | 'deny' | 'report', symbol?: string): Promise<Response> {
  return phone.signedFetch('POST', `/api/authenticator/challenges/${id}`, symbol === undefined ? { decision } : { decision, symbol }, ts());
}

function proceed(login: { client: WebClient; page: PageResponse }): Promise<PageResponse> {
  return login.client.post('/login/challenge', { csrf: hiddenField(login.page.text, 'csrf'), next: hiddenField(login.page.text, 'next') });
}

describe('push rules', () => {
  test('a wrong symbol fails the login', async () => {
    const [phone] = await userWithDevices('wendy');
    const login = await startLogin('wendy');
    const [challenge] = await pending(phone!);
    const wrong = challenge!.candidates.find((s) => s !== login.symbol)!;
    const picked = await answer(phone!, challenge!.id, 'approve', wrong);
    assert.equal(picked.status, 200);
    assert.deepEqual(await picked.json(), { outcome: 'wrong_symbol' });
    const result = await proceed(login);
    assert.equal(result.status, 401);
    assert.match(result.text, /denied on your authenticator/);
  });

  test('deny, then approve on a second device: it stays denied', async () => {
    const [first, second] = await userWithDevices('dora', 2);
    const login = await startLogin('dora');
    const [challenge] = await pending(first!);
    assert.equal((await answer(first!, challenge!.id, 'deny')).status, 200);
    const late = await answer(second!, challenge!.id, 'approve', login.symbol);
    assert.equal(late.status, 409, 'the first decision wins');
    const result = await proceed(login);
    assert.equal(result.status, 401);
    assert.match(result.text, /denied/);
  });

  test('a second login suspends the first challenge', async () => {
    const [phone] = await userWithDevices('sam');
    const firstLogin = await startLogin('sam');
    const [older] = await pending(phone!);
    const secondLogin = await startLogin('sam');
    const now = await pending(phone!);
    assert.equal(now.length, 1, 'one pending challenge per user');
    assert.notEqual(now[0]!.id, older!.id);
    assert.equal((await answer(phone!, older!.id, 'approve', firstLogin.symbol)).status, 409, 'the older one is suspended');
    const first = await proceed(firstLogin);
    assert.equal(first.status, 401);
    assert.match(first.text, /newer sign-in replaced this one/);
    assert.equal((await answer(phone!, now[0]!.id, 'approve', secondLogin.symbol)).status, 200);
    assert.equal((await proceed(secondLogin)).status, 303, 'the newer login goes through');
  });

  test('the sixth push within 10 minutes is refused with a clear message', async () => {
    await userWithDevices('rita');
    for (let i = 0; i < 5; i++) await startLogin('rita');
    const client = new WebClient(server.baseUrl);
    const sixth = await submitPassword(client, 'rita', TEST_PASSWORD, '/');
    assert.equal(sixth.status, 429);
    assert.equal(sixth.headers.get('retry-after'), '600');
    assert.match(sixth.text, /Too many sign-in requests were sent to this account&#39;s authenticator/);
    (server.clock as MovableClock).advance(10 * 60 * 1000 + 1000);
    const later = await submitPassword(new WebClient(server.baseUrl), 'rita', TEST_PASSWORD, '/');
    assert.equal(later.status, 303, 'the window moves on');
  });

  test('an expired challenge cannot be approved', async () => {
    const [phone] = await userWithDevices('eve');
    const login = await startLogin('eve');
    const [challenge] = await pending(phone!);
    (server.clock as MovableClock).advance(server.config.pushChallengeLifetimeSeconds * 1000 + 1000);
    const late = await answer(phone!, challenge!.id, 'approve', login.symbol);
    assert.equal(late.status, 409);
    const result = await proceed(login);
    assert.equal(result.status, 401);
    assert.match(result.text, /expired/);
  });

  test('"This wasn\'t me" blocks that attempt and is recorded with where it came from', async () => {
    const [phone] = await userWithDevices('nora');
    const login = await startLogin('nora');
    const [challenge] = await pending(phone!);
    const report = await answer(phone!, challenge!.id, 'report');
    assert.equal(report.status, 200);
    assert.deepEqual(await report.json(), { outcome: 'reported' });
    const result = await proceed(login);
    assert.equal(result.status, 401);
    assert.match(result.text, /reported this sign-in as not yours/);
    // The same approval cannot come later either.
    const approve = await answer(phone!, challenge!.id, 'approve', login.symbol);
    assert.equal(approve.status, 409);
    const nora = (await server.services.accounts.findByUsername('nora'))!;
    const rows = await server.services.context.db.selectFrom('audit_log').select(['event', 'detail'])
      .where('actor_id', '=', nora.id).where('event', '=', 'push.reported').execute();
    assert.equal(rows.length, 1);
    assert.equal(JSON.parse(rows[0]!.detail).loginIp, '127.0.0.1');
    assert.equal(JSON.parse(rows[0]!.detail).challenge, challenge!.id);
  });

  test('an approval from a device that is removed before the login uses it does not count', async () => {
    const [phone] = await userWithDevices('rob');
    const login = await startLogin('rob');
    const [challenge] = await pending(phone!);
    assert.equal((await answer(phone!, challenge!.id, 'approve', login.symbol)).status, 200);
    const rob = (await server.services.accounts.findByUsername('rob'))!;
    assert.equal(await server.services.factors.remove(rob.id, 'authenticator', phone!.deviceId, null), true);
    const result = await proceed(login);
    assert.equal(result.status, 401);
  });

  test('the candidates are four distinct symbols from the set, the shown one among them', async () => {
    const [phone] = await userWithDevices('cara');
    const login = await startLogin('cara');
    const [challenge] = await pending(phone!);
    assert.equal(challenge!.candidates.length, 4);
    assert.equal(new Set(challenge!.candidates).size, 4);
    assert.ok(challenge!.candidates.includes(login.symbol));
    for (const s of challenge!.candidates) assert.ok(ACCESS_SYMBOLS.some((x) => x.name === s));
  });
});

describe('a waiting login page and server shutdown', () => {
  // The challenge lives 120 s: a close that waited for it would trip this test's timeout.
  test('an open challenge event stream does not hold up app.close()', { timeout: 60_000 }, async () => {
    const own = await startTestServer();
    const user = await createUser(own, 'wait');
    const phone = new TestDevice(own.baseUrl);
    assert.equal((await phone.enroll(await own.services.push.createEnrollmentCode(user.id))).status, 201);
    const client = new WebClient(own.baseUrl);
    const after = await submitPassword(client, 'wait', TEST_PASSWORD, '/');
    assert.equal(after.location, '/login/challenge?next=%2F');
    const stream = await fetch(`${own.baseUrl}/login/challenge/events`, { headers: { cookie: `tessera_session=${client.cookies.get('tessera_session')}` } });
    assert.equal(stream.headers.get('content-type'), 'text/event-stream');
    const reading = stream.text(); // ends when the server ends the stream
    await own.close();
    assert.equal(await reading, 'retry: 1000\n\n', 'the stream ended without a decision');
  });
});
