// The web authenticator's server side on a real port: the app shell and its headers, CORS on the device API
// (and nowhere else), and the signed live challenge stream: refusals, the pending list pushed at connect and
// on every change, listeners cleaned up when the stream closes, and a clean end for removed devices and
// server shutdown. The browser side is test/e2e/web-authenticator.test.ts.
import assert from 'node:assert/strict';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { canonicalDeviceRequest, formatDeviceAuthorization, signDeviceRequest } from '../../src/protocol/push/device-signature.js';
import { createUser, startTestServer, TEST_PASSWORD, type TestServer } from '../helpers/server.js';
import { accessPass, submitPassword, TestDevice, WebClient } from '../helpers/web-client.js';

/** Reads `challenges` events off a device event stream, one at a time. */
class EventReader {
  private buffer = '';
  private readonly decoder = new TextDecoder();
  private readonly reader: ReadableStreamDefaultReader<Uint8Array>;
  ended = false;

  constructor(readonly response: Response) {
    this.reader = response.body!.getReader();
  }

  /** The next `challenges` list, or undefined when the stream ends first. */
  async next(): Promise<Array<{ id: string; candidates: string[]; application: string | null }> | undefined> {
    for (;;) {
      const end = this.buffer.indexOf('\n\n');
      if (end !== -1) {
        const block = this.buffer.slice(0, end);
        this.buffer = this.buffer.slice(end + 2);
        const data = /^event: challenges\ndata: (.*)$/m.exec(block);
        if (data) return (JSON.parse(data[1]!) as { challenges: never[] }).challenges;
        continue;
      }
      const { value, done } = await this.reader.read();
      if (done) {
        this.ended = true;
        return undefined;
      }
      this.buffer += this.decoder.decode(value, { stream: true });
    }
  }

  /** Closes the connection, as a client going away does. */
  close(): Promise<void> {
    return this.reader.cancel();
  }
}

async function openEvents(device: TestDevice): Promise<EventReader> {
  const res = await device.signedFetch('GET', '/api/authenticator/events');
  assert.equal(res.status, 200);
  return new EventReader(res);
}

/** Waits until `check` holds (the server cleans up asynchronously); fails after a generous deadline. */
async function eventually(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (check()) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  assert.fail(`never happened: ${what}`);
}

describe('the web authenticator server side', () => {
  let server: TestServer;
  let alice: { id: number };
  let phone: TestDevice;

  before(async () => {
    server = await startTestServer();
    alice = await createUser(server, 'alice');
    phone = new TestDevice(server.baseUrl);
    assert.equal((await phone.enroll(await server.services.push.createEnrollmentCode(alice.id))).status, 201);
  });
  after(() => server.close());

  test('the app shell: page, enrolment entry, worker and manifest, under a strict policy with no inline script', async () => {
    for (const path of ['/authenticator/', '/authenticator/enroll']) {
      const res = await fetch(server.baseUrl + path);
      assert.equal(res.status, 200, path);
      assert.match(res.headers.get('content-type')!, /^text\/html/);
      const csp = res.headers.get('content-security-policy')!;
      for (const directive of ["default-src 'none'", "script-src 'self'", "manifest-src 'self'", "worker-src 'self'", "frame-ancestors 'none'"]) {
        assert.ok(csp.includes(directive), `${path}: ${directive} in ${csp}`);
      }
      assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
      const page = await res.text();
      assert.match(page, /<link rel="manifest" href="manifest.webmanifest">/);
      assert.match(page, /tessera authenticator enroll/, 'the page tells command-line users what to do');
      // Every script is a same-origin file; none has a body.
      for (const m of page.matchAll(/<script([^>]*)>([\s\S]*?)<\/script>/g)) {
        assert.match(m[1]!, /src="[a-z-]+\.js"/);
        assert.equal(m[2], '');
      }
    }
    const redirect = await fetch(`${server.baseUrl}/authenticator`, { redirect: 'manual' });
    assert.equal(redirect.status, 301);
    assert.equal(new URL(redirect.headers.get('location')!, `${server.baseUrl}/authenticator`).pathname, '/authenticator/');

    const sw = await fetch(`${server.baseUrl}/authenticator/sw.js`);
    assert.equal(sw.status, 200);
    assert.match(sw.headers.get('content-type')!, /^text\/javascript/);
    const worker = await sw.text();
    assert.doesNotMatch(worker, /__SHELL_VERSION__/, 'the cache is named after the shell version');
    assert.match(worker, /const CACHE = `tessera-authenticator-\$\{VERSION\}`/);

    const manifest = await fetch(`${server.baseUrl}/authenticator/manifest.webmanifest`);
    assert.equal(manifest.headers.get('content-type'), 'application/manifest+json');
    const m = (await manifest.json()) as { start_url: string; display: string; icons: Array<{ sizes: string; type: string }> };
    assert.equal(m.display, 'standalone');
    assert.ok(m.icons.some((i) => i.sizes === '512x512' && i.type === 'image/png'));
    const icon = await fetch(`${server.baseUrl}/authenticator/icon-192.png`);
    assert.deepEqual([...new Uint8Array(await icon.arrayBuffer()).slice(0, 4)], [0x89, 0x50, 0x4e, 0x47]);

    const symbols = await (await fetch(`${server.baseUrl}/authenticator/symbols.js`)).text();
    assert.match(symbols, /"anchor":"⚓"/);
    // Revalidation is cheap, and unknown names are a plain 404.
    const appJs = await fetch(`${server.baseUrl}/authenticator/app.js`);
    assert.equal((await fetch(`${server.baseUrl}/authenticator/app.js`, { headers: { 'if-none-match': appJs.headers.get('etag')! } })).status, 304);
    for (const path of ['/authenticator/index.html', '/authenticator/nope.js', '/authenticator/..%2fapp.ts']) {
      assert.equal((await fetch(server.baseUrl + path)).status, 404, path);
    }
  });

  test('CORS: any origin may call the device API, without credentials; other paths get no CORS headers', async () => {
    const preflight = await fetch(`${server.baseUrl}/api/authenticator/challenges`, {
      method: 'OPTIONS', headers: { origin: 'https://other.example', 'access-control-request-method': 'GET', 'access-control-request-headers': 'authorization' },
    });
    assert.equal(preflight.status, 204);
    assert.equal(preflight.headers.get('access-control-allow-origin'), '*');
    assert.match(preflight.headers.get('access-control-allow-headers')!, /authorization/);
    assert.equal(preflight.headers.get('access-control-allow-credentials'), null);
    // Errors and unknown paths under the prefix carry the header too, so a foreign page can read the message.
    const refused = await fetch(`${server.baseUrl}/api/authenticator/challenges`, { headers: { origin: 'https://other.example' } });
    assert.equal(refused.status, 401);
    assert.equal(refused.headers.get('access-control-allow-origin'), '*');
    assert.equal(((await refused.json()) as { error: string }).error, 'device_unauthenticated');
    const unknown = await fetch(`${server.baseUrl}/api/authenticator/nothing`, { headers: { origin: 'https://other.example' } });
    assert.equal(unknown.status, 404);
    assert.equal(unknown.headers.get('access-control-allow-origin'), '*');
    const listing = await phone.signedFetch('GET', '/api/authenticator/challenges');
    assert.equal(listing.headers.get('access-control-allow-origin'), '*');
    assert.equal(listing.headers.get('cache-control'), 'no-store', 'device API answers are never cached');
    for (const path of ['/login', '/authenticator/', '/rest/api/2/serverInfo', '/secure/security']) {
      const res = await fetch(server.baseUrl + path, { headers: { origin: 'https://other.example' }, redirect: 'manual' });
      assert.equal(res.headers.get('access-control-allow-origin'), null, path);
    }
    const otherPreflight = await fetch(`${server.baseUrl}/login`, { method: 'OPTIONS', headers: { origin: 'https://other.example', 'access-control-request-method': 'POST' } });
    assert.equal(otherPreflight.headers.get('access-control-allow-origin'), null);
  });

  test('the event stream refuses unsigned, foreign and stale requests with the device API error', async () => {
    const bob = await createUser(server, 'bob');
    const bobPhone = new TestDevice(server.baseUrl);
    assert.equal((await bobPhone.enroll(await server.services.push.createEnrollmentCode(bob.id))).status, 201);
    const stranger = new TestDevice(server.baseUrl); // never enrolled
    const responses = [
      await fetch(`${server.baseUrl}/api/authenticator/events`),
      await fetch(`${server.baseUrl}/api/authenticator/events`, { headers: { authorization: 'Basic YWxpY2U6eA==' } }),
      // Bob's key signing in the name of Alice's device, and a key nobody enrolled.
      await bobPhone.signedFetch('GET', '/api/authenticator/events', undefined, { deviceId: phone.deviceId }),
      await stranger.signedFetch('GET', '/api/authenticator/events', undefined, { deviceId: 'X'.repeat(24) }),
      await phone.signedFetch('GET', '/api/authenticator/events', undefined, { timestamp: Math.floor(Date.now() / 1000) - 600 }),
    ];
    for (const res of responses) {
      assert.equal(res.status, 401);
      assert.match(res.headers.get('content-type')!, /^application\/json/);
      assert.deepEqual(await res.json(), { error: 'device_unauthenticated', message: 'The authenticator request is not signed by an enrolled device.' });
    }
    // A signature for the listing does not open the stream (the path is signed).
    const listing = await phone.signedFetch('GET', '/api/authenticator/challenges');
    assert.equal(listing.status, 200);
  });

  test('the stream sends the pending list at connect and on every change, then cleans up when closed', async () => {
    const listeners = () => server.services.push.events.listenerCount(`challenge:${alice.id}`);
    const before = listeners();
    const res = await phone.signedFetch('GET', '/api/authenticator/events');
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type')!, /^text\/event-stream/);
    assert.equal(res.headers.get('cache-control'), 'no-store');
    assert.equal(res.headers.get('x-accel-buffering'), 'no');
    const events = new EventReader(res);
    assert.deepEqual(await events.next(), [], 'nothing pending at connect');

    const client = new WebClient(server.baseUrl);
    const page = await client.get((await submitPassword(client, 'alice', TEST_PASSWORD)).location!);
    const [created] = (await events.next())!;
    assert.ok(created, 'the new challenge arrives on the stream');
    assert.equal(created.candidates.length, 4);
    assert.ok(created.candidates.includes(accessPass(page.text)));
    assert.equal(listeners(), before + 1);
    assert.equal(server.services.push.events.listenerCount(`decided:${created.id}`) >= 1, true, 'the stream follows the listed challenge');

    assert.equal((await phone.answer(created.id, 'approve', accessPass(page.text))).status, 200);
    assert.deepEqual(await events.next(), [], 'a decided challenge leaves the list');

    await events.close();
    await eventually(() => listeners() === before, 'the stream removed its listener');
    assert.equal(server.services.push.events.listenerCount(`decided:${created.id}`), 0);
  });

  test('a removed device loses its stream; server shutdown ends open streams', { timeout: 30_000 }, async () => {
    const own = await startTestServer();
    try {
      const carol = await createUser(own, 'carol');
      const device = new TestDevice(own.baseUrl);
      assert.equal((await device.enroll(await own.services.push.createEnrollmentCode(carol.id))).status, 201);
      const events = await openEvents(device);
      assert.deepEqual(await events.next(), []);
      assert.ok(await own.services.factors.remove(carol.id, 'authenticator', device.deviceId, null));
      // The slow poll (5 s) notices and ends the stream instead of sending anything more.
      assert.equal(await events.next(), undefined);
      assert.ok(events.ended);
      assert.equal((await device.signedFetch('GET', '/api/authenticator/events')).status, 401);

      const second = new TestDevice(own.baseUrl);
      assert.equal((await second.enroll(await own.services.push.createEnrollmentCode(carol.id))).status, 201);
      const open = await openEvents(second);
      assert.deepEqual(await open.next(), []);
      await own.app.close(); // would wait for ever if the stream kept the server open
      assert.equal(await open.next(), undefined);
    } finally {
      await own.close().catch(() => {});
    }
  });
});

test('behind a proxy that strips the base URL path, device requests are checked against the path the device signed', async () => {
  const server = await startTestServer({ listen: false, settings: { TESSERA_BASE_URL: 'http://localhost:8080/tessera' } });
  try {
    const user = await createUser(server, 'erin');
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const spki = publicKey.export({ format: 'der', type: 'spki' }).toString('base64');
    const { device } = await server.services.push.enroll(await server.services.push.createEnrollmentCode(user.id), spki, 'erin phone');
    const signedFor = (path: string) => {
      const ts = Math.floor(Date.now() / 1000);
      const nonce = randomBytes(9).toString('base64url');
      return formatDeviceAuthorization({ deviceId: device.id, timestamp: ts, nonce, signature: signDeviceRequest(privateKey, canonicalDeviceRequest('GET', path, ts, nonce, '')) });
    };
    // What the CLI and the web authenticator sign: the public path, /tessera included; the proxy forwards /api/….
    const ok = await server.app.inject({ method: 'GET', url: '/api/authenticator/challenges', headers: { authorization: signedFor('/tessera/api/authenticator/challenges') } });
    assert.equal(ok.statusCode, 200, ok.body);
    const unprefixed = await server.app.inject({ method: 'GET', url: '/api/authenticator/challenges', headers: { authorization: signedFor('/api/authenticator/challenges') } });
    assert.equal(unprefixed.statusCode, 401);
  } finally {
    await server.close();
  }
});
