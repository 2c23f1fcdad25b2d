// Issue 4, acceptance 3: passkeys in a real browser. Chromium (Debian's, through playwright-core) with a
// WebAuthn virtual authenticator (CDP WebAuthn domain: a CTAP2 platform authenticator with resident keys and
// user verification) on the test server's http://localhost:PORT base URL, which is a secure context, as
// WebAuthn needs. The user enrols a passkey on the security page, signs out, signs in with password and
// passkey; then the refusals: a bad signature, a counter behind the stored one, no user verification.
// Screenshots go to test-artifacts/passkey/.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, BrowserContext, CDPSession, Page } from 'playwright-core';
import { artifactPath, launchBrowser } from '../helpers/browser.js';
import { createUser, startTestServer, TEST_PASSWORD, type TestServer } from '../helpers/server.js';

describe('passkeys in Chromium with a virtual authenticator (issue 4, acceptance 3)', () => {
  let server: TestServer;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let cdp: CDPSession;
  let authenticatorId: string;
  const shot = (name: string) => page.screenshot({ path: artifactPath('passkey', `${name}.png`), fullPage: true });
  const url = (path: string) => server.baseUrl + path;
  const passkeyRows = () => server.services.context.db.selectFrom('webauthn_credentials').selectAll().execute();

  /** Password step; a user with a passkey lands on the passkey page. */
  async function password(next = '/') {
    await page.goto(url(`/login?next=${encodeURIComponent(next)}`));
    await page.fill('#username', 'nora');
    await page.fill('#password', TEST_PASSWORD);
    await Promise.all([page.waitForURL((u) => u.pathname !== '/login'), page.click('form[action="/login"] button[type=submit]')]);
  }
  /** On the passkey page: press the button; the page shows the refusal it gets. */
  async function refusedWith(pattern: RegExp, name: string) {
    await password();
    assert.equal(new URL(page.url()).pathname, '/login/passkey');
    await page.click('#use-passkey');
    const error = page.locator('#passkey-error');
    await error.waitFor({ state: 'visible' });
    assert.match((await error.textContent()) ?? '', pattern);
    await shot(name);
    assert.equal(new URL(page.url()).pathname, '/login/passkey', 'still on the passkey page, not signed in');
    // Nothing broke on the server: the login page answers.
    assert.equal((await fetch(url('/login'))).status, 200);
  }

  before(async () => {
    server = await startTestServer();
    await createUser(server, 'nora');
    browser = await launchBrowser();
    context = await browser.newContext();
    page = await context.newPage();
    cdp = await context.newCDPSession(page);
    await cdp.send('WebAuthn.enable', { enableUI: false });
    ({ authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
      options: { protocol: 'ctap2', transport: 'internal', hasResidentKey: true, hasUserVerification: true, isUserVerified: true },
    }));
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  test('enrol a passkey on the security page: listed with its name', async () => {
    await password();
    assert.equal(new URL(page.url()).pathname, '/', 'no second factor yet: the password signs in');
    await page.goto(url('/secure/security'));
    await page.fill('#passkey-name', "Nora's laptop");
    await Promise.all([page.waitForURL(/\/secure\/security\?next=/), page.click('#add-passkey')]);
    const row = page.locator('table[data-list="passkeys"] tbody tr');
    assert.equal(await row.count(), 1);
    assert.equal(await row.locator('td').first().textContent(), "Nora's laptop");
    assert.equal(await row.locator('td').nth(2).textContent(), 'never');
    await shot('1-enrolled');
    const { credentials } = await cdp.send('WebAuthn.getCredentials', { authenticatorId });
    assert.equal(credentials.length, 1);
    const rows = await passkeyRows();
    assert.equal(rows[0]!.id, credentials[0]!.credentialId.replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, ''));
  });

  test('sign out, then password and passkey sign in; the security page shows a last-used time', async () => {
    await page.goto(url('/'));
    await Promise.all([page.waitForURL(/\/login$/), page.click('button:has-text("Sign out")')]);
    await password();
    assert.equal(new URL(page.url()).pathname, '/login/passkey');
    assert.match((await page.locator('h1').textContent()) ?? '', /Use your passkey/);
    await shot('2-passkey-step');
    await Promise.all([page.waitForURL(url('/')), page.click('#use-passkey')]);
    assert.match((await page.locator('main').textContent()) ?? '', /Signed in as Nora Tester/);
    await page.goto(url('/secure/security'));
    const lastUsed = await page.locator('table[data-list="passkeys"] tbody tr td').nth(2).textContent();
    assert.match(lastUsed ?? '', /^\d{4}-\d\d-\d\d \d\d:\d\d UTC$/);
    await shot('3-last-used');
    assert.ok(Number((await passkeyRows())[0]!.counter) > 0, 'the virtual authenticator counts, and the counter is stored');
  });

  test('a response with a bad signature is refused with a clear message, not a 500', async () => {
    await context.clearCookies();
    await cdp.send('WebAuthn.setResponseOverrideBits', { authenticatorId, isBogusSignature: true });
    try {
      await refusedWith(/The passkey signature is not valid/, '4-bad-signature');
    } finally {
      await cdp.send('WebAuthn.setResponseOverrideBits', { authenticatorId, isBogusSignature: false });
    }
    // The same page, with an honest answer now, signs in.
    await Promise.all([page.waitForURL(url('/')), page.click('#use-passkey')]);
  });

  test('a stored counter ahead of what the authenticator sends is refused (a cloned key)', async () => {
    await context.clearCookies();
    await server.services.context.db.updateTable('webauthn_credentials').set({ counter: 1_000_000 }).execute();
    await refusedWith(/use count that did not go up: it may have been copied/, '5-counter');
    const [row] = await passkeyRows();
    assert.equal(Number(row!.counter), 1_000_000, 'the refused answer stored nothing');
    const { credentials } = await cdp.send('WebAuthn.getCredentials', { authenticatorId });
    await server.services.context.db.updateTable('webauthn_credentials').set({ counter: credentials[0]!.signCount }).execute();
  });

  test('user verification is required: an answer without it is refused', async () => {
    await context.clearCookies();
    // The authenticator claims user verification it did not do (the UV flag is cleared): the server refuses.
    await cdp.send('WebAuthn.setResponseOverrideBits', { authenticatorId, isBadUV: true });
    try {
      await refusedWith(/did not confirm it is you \(PIN, fingerprint or face\)/, '6-no-user-verification');
    } finally {
      await cdp.send('WebAuthn.setResponseOverrideBits', { authenticatorId, isBadUV: false });
    }
    const refusals = async () => (await server.services.context.db.selectFrom('audit_log').select('detail')
      .where('event', '=', 'login.passkey_refused').orderBy('id').execute()).map((a) => JSON.parse(a.detail).problem as string);
    assert.deepEqual(await refusals(), ['bad_signature', 'counter_not_increased', 'user_not_verified']);
    // The authenticator fails to verify its user (isUserVerified false): since the options require user
    // verification, the browser itself refuses, and nothing reaches the server.
    await context.clearCookies();
    await cdp.send('WebAuthn.setUserVerified', { authenticatorId, isUserVerified: false });
    try {
      await refusedWith(/could not confirm it is you/, '7-user-not-verified');
    } finally {
      await cdp.send('WebAuthn.setUserVerified', { authenticatorId, isUserVerified: true });
    }
    assert.equal((await refusals()).length, 3, 'the browser sent no answer');
  });
});
