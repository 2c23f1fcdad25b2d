// Issue 4, acceptance 2: the OAuth dance in a real browser (Debian chromium through playwright-core) where
// the user's browser is one context and the phone's web authenticator is a second one. The phone enrols the
// way a phone camera would: the QR code image on the security page is screenshotted and decoded (jsqr +
// pngjs). Then Deny, "This wasn't me", a second account on a second server (cross-origin, CORS) and the
// offline app shell. Screenshots go to test-artifacts/web-authenticator/.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import jsQR from 'jsqr';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { PNG } from 'pngjs';
import { OAuthClient } from '../../src/client/oauth-client.js';
import { artifactPath, launchBrowser } from '../helpers/browser.js';
import { createUser, startTestServer, TEST_PASSWORD, type TestServer } from '../helpers/server.js';

const FIXTURES = new URL('../fixtures/', import.meta.url);
const PRIVATE_KEY = readFileSync(new URL('testcases-rsa-private.pem', FIXTURES), 'utf8');
const PUBLIC_KEY = readFileSync(new URL('testcases-rsa-public.pem', FIXTURES), 'utf8');
const PHONE_NAME = "Alice's phone";
const shot = (name: string) => artifactPath('web-authenticator', `${name}.png`);

describe('the web authenticator in a real browser', { timeout: 120_000 }, () => {
  let server: TestServer;
  let other: TestServer; // a second Tessera server, for a second account in the same authenticator
  let browser: Browser;
  let user: BrowserContext; // the person's browser
  let phoneContext: BrowserContext; // the phone
  let phone: Page;
  let app: OAuthClient;
  let aliceLabel: string;

  before(async () => {
    [server, other] = await Promise.all([startTestServer(), startTestServer()]);
    assert.match(server.baseUrl, /^http:\/\/localhost:\d+$/, 'localhost is a secure context: WebCrypto and service workers work');
    await createUser(server, 'alice');
    await createUser(other, 'bob');
    await server.services.consumers.add({ key: 'testcases-app', name: 'TestCases App', publicKeyText: PUBLIC_KEY });
    app = new OAuthClient({ baseUrl: server.baseUrl, consumerKey: 'testcases-app', privateKeyPem: PRIVATE_KEY });
    aliceLabel = `alice @ ${new URL(server.baseUrl).host}`;
    browser = await launchBrowser();
    user = await browser.newContext();
    phoneContext = await browser.newContext({ viewport: { width: 412, height: 915 }, isMobile: true, hasTouch: true });
    phone = await phoneContext.newPage();
  });
  after(async () => {
    await browser?.close();
    await Promise.all([server?.close(), other?.close()]);
  });

  /** Password sign-in in `page`, from wherever it is sent to /login; returns at the challenge page. */
  async function signIn(page: Page, url: string, username: string): Promise<string> {
    await page.context().clearCookies(); // signed out, whatever the test before did
    await page.goto(url);
    await page.waitForURL((u) => u.pathname === '/login');
    await page.fill('#username', username);
    await page.fill('#password', TEST_PASSWORD);
    await Promise.all([page.waitForURL((u) => u.pathname === '/login/challenge'), page.click('button[type=submit]')]);
    const symbol = await page.getAttribute('[data-access-pass]', 'data-access-pass');
    assert.ok(symbol);
    return symbol;
  }

  /** The live challenge card for `account` on the phone (no reload: it arrives over the event stream). */
  async function challengeOnPhone(account: string) {
    const card = phone.locator(`.challenge[data-account="${account}"]`);
    await card.waitFor({ state: 'visible', timeout: 10_000 });
    return card;
  }

  test('enrol: the phone decodes the QR code on the security page and registers its key', async () => {
    // Alice has a password and no second factor yet: the password alone signs her in.
    const page = await user.newPage();
    await page.goto(`${server.baseUrl}/secure/security`);
    await page.fill('#username', 'alice');
    await page.fill('#password', TEST_PASSWORD);
    await Promise.all([page.waitForURL((u) => u.pathname === '/secure/security'), page.click('button[type=submit]')]);
    await Promise.all([page.waitForURL((u) => u.pathname === '/secure/security/authenticators'), page.click('#add-authenticator')]);
    // The phone camera's view: a picture of the QR code, nothing from the DOM.
    const picture = PNG.sync.read(await page.locator('#enrolment-qr').screenshot());
    // jsqr is CommonJS: under NodeNext its function is the default export's `default`.
    const qr = jsQR.default(new Uint8ClampedArray(picture.data), picture.width, picture.height);
    assert.ok(qr, 'the QR code decodes');
    assert.match(qr.data, new RegExp(`^${server.baseUrl}/authenticator/enroll#code=[A-Za-z0-9]{32}$`));
    assert.equal(qr.data, await page.getAttribute('[data-enrollment-uri]', 'data-enrollment-uri'));

    await phone.goto(qr.data);
    await phone.locator('#enrol').waitFor({ state: 'visible' });
    assert.equal(await phone.textContent('#enrol-server'), new URL(server.baseUrl).host);
    assert.equal(new URL(phone.url()).hash, '', 'the code left the address bar at once');
    await phone.fill('#device-name', PHONE_NAME);
    await phone.click('#enrol-button');
    await phone.locator(`#accounts li[data-account="${aliceLabel}"] .status[data-status="live"]`).waitFor({ timeout: 10_000 });
    await phone.screenshot({ path: shot('01-phone-enrolled'), fullPage: true });

    // The security page lists the new device under the name the app sent; the server has only a public key.
    await page.click('#enrolment-done');
    assert.match(await page.textContent('[data-list="authenticators"]') ?? '', new RegExp(PHONE_NAME));
    const rows = await server.services.context.db.selectFrom('authenticators').selectAll().execute();
    assert.equal(rows.length, 1);
    assert.equal(rows[0]!.name, PHONE_NAME);
    assert.doesNotMatch(JSON.stringify(rows), /PRIVATE/);
    // The key in IndexedDB is non-extractable: the page itself cannot read the private key.
    // (Browser code as a string: this project's TypeScript has no DOM types.)
    const extractable = await phone.evaluate(`new Promise((resolve, reject) => {
      const open = indexedDB.open('tessera-authenticator');
      open.onerror = () => reject(open.error);
      open.onsuccess = () => {
        const req = open.result.transaction('accounts').objectStore('accounts').getAll();
        req.onsuccess = () => resolve(req.result.map((a) => [a.keyPair.privateKey.extractable, a.keyPair.privateKey.algorithm]));
      };
    })`);
    assert.deepEqual(extractable, [[false, { name: 'ECDSA', namedCurve: 'P-256' }]]);
    // Sign out: from now on this browser signs in with the password and the phone.
    await page.goto(`${server.baseUrl}/`);
    await Promise.all([page.waitForURL((u) => u.pathname === '/login'), page.click('text=Sign out')]);
    await page.close();
  });

  test('the OAuth dance: password, symbol picked on the phone, the page moves on by itself, Allow, verifier, myself', async () => {
    const requestToken = await app.requestToken('oob');
    const page = await user.newPage();
    const symbol = await signIn(page, app.authorizeUrl(requestToken.token), 'alice');
    await page.screenshot({ path: shot('02-challenge-page'), fullPage: true });

    const card = await challengeOnPhone(aliceLabel);
    assert.equal(await card.locator('[data-field="application"]').textContent(), 'TestCases App');
    assert.equal(await card.locator('[data-field="ip"]').textContent(), '127.0.0.1');
    assert.equal(await card.locator('[data-field="account"]').textContent(), aliceLabel);
    const offered = await card.locator('button[data-symbol]').evaluateAll((bs) => bs.map((b) => b.getAttribute('data-symbol')));
    assert.equal(offered.length, 4);
    assert.ok(offered.includes(symbol), `${symbol} among ${offered.join(', ')}`);
    await phone.screenshot({ path: shot('03-phone-challenge'), fullPage: true });

    // Nobody presses Continue: the challenge page's event stream moves it on to the approval page.
    await Promise.all([
      page.waitForURL((u) => u.pathname === '/plugins/servlet/oauth/authorize', { timeout: 10_000 }),
      card.locator(`button[data-symbol="${symbol}"]`).click(),
    ]);
    await phone.locator('[data-result="approved"]').waitFor();
    await phone.screenshot({ path: shot('04-phone-approved'), fullPage: true });
    await Promise.all([page.waitForLoadState(), page.click('button[value="allow"]')]);
    const verifier = await page.getAttribute('[data-verifier]', 'data-verifier');
    assert.match(verifier ?? '', /^[A-Za-z0-9]+$/);
    await page.screenshot({ path: shot('05-verifier'), fullPage: true });

    const access = await app.accessToken(requestToken, verifier!);
    const me = await app.request({ path: '/rest/api/2/myself', token: access });
    assert.equal(me.status, 200);
    assert.equal((me.json as { name: string }).name, 'alice');
    await page.close();
  });

  test('Deny on the phone: the waiting sign-in fails', async () => {
    const page = await user.newPage();
    await signIn(page, `${server.baseUrl}/`, 'alice');
    const card = await challengeOnPhone(aliceLabel);
    await Promise.all([page.waitForSelector('text=Sign-in not approved', { timeout: 10_000 }), card.locator('[data-action="deny"]').click()]);
    assert.match(await page.textContent('[role="alert"]') ?? '', /denied on your authenticator/);
    await phone.locator('[data-result="denied"]').first().waitFor();
    assert.equal(await phone.locator('.challenge').count(), 0, 'the answered request left the phone');
    await page.close();
  });

  test("This wasn't me: the sign-in is blocked, reported, and in the audit log", async () => {
    const page = await user.newPage();
    await signIn(page, `${server.baseUrl}/`, 'alice');
    const card = await challengeOnPhone(aliceLabel);
    const id = await card.getAttribute('data-challenge-id');
    await Promise.all([page.waitForSelector('text=Sign-in not approved', { timeout: 10_000 }), card.locator('[data-action="report"]').click()]);
    assert.match(await page.textContent('[role="alert"]') ?? '', /reported this sign-in as not yours/);
    await phone.locator(`[data-result="reported"][data-challenge-id="${id}"]`).waitFor();
    await phone.screenshot({ path: shot('06-phone-reported'), fullPage: true });
    const reports = await server.services.context.db.selectFrom('audit_log').selectAll().where('event', '=', 'push.reported').execute();
    assert.equal(reports.length, 1);
    assert.deepEqual({ challenge: JSON.parse(reports[0]!.detail).challenge, loginIp: JSON.parse(reports[0]!.detail).loginIp }, { challenge: id, loginIp: '127.0.0.1' });
    await page.close();
  });

  test('a second account, on a second server, in the same authenticator (pasted link, cross-origin)', async () => {
    const bob = await other.services.accounts.findByUsername('bob');
    const link = other.services.push.enrollmentUri(await other.services.push.createEnrollmentCode(bob!.id));
    await phone.goto(`${server.baseUrl}/authenticator/`);
    await phone.fill('#enrolment-link', link);
    await phone.click('#add-account');
    assert.equal(await phone.textContent('#enrol-server'), new URL(other.baseUrl).host);
    await phone.click('#enrol-button');
    const bobLabel = `bob @ ${new URL(other.baseUrl).host}`;
    for (const label of [aliceLabel, bobLabel]) {
      await phone.locator(`#accounts li[data-account="${label}"] .status[data-status="live"]`).waitFor({ timeout: 10_000 });
    }
    assert.equal((await other.services.push.listDevices(bob!.id)).length, 1);

    const browserB = await browser.newContext();
    const page = await browserB.newPage();
    const symbol = await signIn(page, `${other.baseUrl}/`, 'bob');
    const card = await challengeOnPhone(bobLabel);
    assert.equal(await phone.locator(`.challenge[data-account="${aliceLabel}"]`).count(), 0);
    await phone.screenshot({ path: shot('07-phone-second-account'), fullPage: true });
    await Promise.all([page.waitForURL((u) => u.pathname === '/', { timeout: 10_000 }), card.locator(`button[data-symbol="${symbol}"]`).click()]);
    assert.match(await page.textContent('main') ?? '', /Signed in as Bob Tester/);
    await browserB.close();
  });

  test('the app shell opens offline from the service worker cache, which holds no API answer', async () => {
    await phone.goto(`${server.baseUrl}/authenticator/`);
    await phone.evaluate('navigator.serviceWorker.ready.then(() => undefined)');
    const cached = await phone.evaluate<string[]>(`(async () => {
      const urls = [];
      for (const key of await caches.keys()) for (const req of await (await caches.open(key)).keys()) urls.push(new URL(req.url).pathname);
      return urls;
    })()`);
    assert.ok(cached.includes('/authenticator/app.js'), cached.join(', '));
    assert.ok(cached.every((p) => p.startsWith('/authenticator/')), cached.join(', '));
    await phoneContext.setOffline(true);
    try {
      await phone.reload();
      await phone.locator('#accounts li').first().waitFor();
      assert.equal(await phone.locator('#accounts li').count(), 2, 'both accounts are still there');
      await phone.locator('.status[data-status="offline"]').first().waitFor({ timeout: 10_000 });
    } finally {
      await phoneContext.setOffline(false);
    }
    // Back online, the streams reconnect by themselves.
    await phone.locator(`#accounts li[data-account="${aliceLabel}"] .status[data-status="live"]`).waitFor({ timeout: 15_000 });
  });
});
