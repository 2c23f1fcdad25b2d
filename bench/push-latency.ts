// Push latency benchmark (issue 4, item 5): how long after the authenticator approves does the waiting login
// page move on? Over N logins (default 200) on loopback against the real server in a child process
// (bench/push-server.ts): password login, the challenge page's event stream opened as the page's script does,
// the device's signed approval; timed from sending the approval to the `decided` event reaching the page, and
// to the page's Continue (POST /login/challenge) answering 303. Also the other direction: from sending the
// password to the new challenge arriving on the authenticator's live stream. Prints p50/p95/max.
//   node --import tsx bench/push-latency.ts [--logins N]
import { spawn } from 'node:child_process';
import { generateKeyPairSync, randomBytes, type KeyObject } from 'node:crypto';
import { Agent, request, type IncomingMessage } from 'node:http';
import { cpus, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { canonicalDeviceRequest, formatDeviceAuthorization, signDeviceRequest } from '../src/protocol/push/device-signature.js';

const { values } = parseArgs({ options: { logins: { type: 'string', default: '200' }, help: { type: 'boolean', short: 'h' } } });
if (values.help) {
  console.log('usage: node --import tsx bench/push-latency.ts [--logins N]');
  process.exit(0);
}
const LOGINS = Number(values.logins);
if (!Number.isInteger(LOGINS) || LOGINS < 1) throw new Error('--logins takes a positive whole number');
const WARM_UP = 10;

interface Reply {
  status: number;
  headers: IncomingMessage['headers'];
  body: string;
}

const agent = new Agent({ keepAlive: true, maxSockets: 4 });
let port = 0;

function send(method: string, path: string, headers: Record<string, string>, body?: string): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method, agent, headers: { host: `localhost:${port}`, ...headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.setTimeout(30_000, () => req.destroy(new Error(`timeout: ${method} ${path}`)));
    req.on('error', reject);
    req.end(body);
  });
}

/** One browser: a cookie jar over `send`. */
class Browser {
  private cookie = '';

  async go(method: string, path: string, form?: Record<string, string>): Promise<Reply> {
    const headers: Record<string, string> = this.cookie ? { cookie: this.cookie } : {};
    if (form) headers['content-type'] = 'application/x-www-form-urlencoded';
    const res = await send(method, path, headers, form ? new URLSearchParams(form).toString() : undefined);
    for (const line of res.headers['set-cookie'] ?? []) {
      const pair = line.split(';')[0]!;
      if (pair.startsWith('tessera_session=')) this.cookie = pair;
    }
    return res;
  }

  /** Opens the challenge page's event stream; resolves once the server has registered it (first bytes). */
  openEvents(): Promise<{ decided: Promise<number>; close(): void }> {
    return new Promise((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, path: '/login/challenge/events', headers: { host: `localhost:${port}`, cookie: this.cookie, accept: 'text/event-stream' } }, (res) => {
        if (res.statusCode !== 200) return reject(new Error(`event stream: ${res.statusCode}`));
        res.on('error', () => {}); // closed by us after the event
        let text = '';
        let opened = false;
        const decided = new Promise<number>((done) => {
          res.on('data', (chunk: Buffer) => {
            text += chunk.toString('utf8');
            if (!opened) {
              opened = true;
              resolve({ decided, close: () => req.destroy() });
            }
            if (text.includes('event: decided')) done(performance.now());
          });
        });
      });
      req.on('error', (err) => { if (!(err as NodeJS.ErrnoException).code?.includes('ECONNRESET')) reject(err); });
      req.end();
    });
  }
}

const field = (html: string, name: string) => new RegExp(`name="${name}" value="([^"]*)"`).exec(html)![1]!;

class Device {
  private readonly key: KeyObject;
  readonly publicKey: string;
  id = '';

  constructor() {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    this.key = privateKey;
    this.publicKey = publicKey.export({ format: 'der', type: 'spki' }).toString('base64');
  }

  private authorization(method: string, path: string, text: string): string {
    const ts = Math.floor(Date.now() / 1000);
    const nonce = randomBytes(12).toString('base64url');
    const signature = signDeviceRequest(this.key, canonicalDeviceRequest(method, path, ts, nonce, text));
    return formatDeviceAuthorization({ deviceId: this.id, timestamp: ts, nonce, signature });
  }

  signed(method: string, path: string, body?: unknown): Promise<Reply> {
    const text = body === undefined ? '' : JSON.stringify(body);
    const headers: Record<string, string> = { authorization: this.authorization(method, path, text) };
    if (body !== undefined) headers['content-type'] = 'application/json';
    return send(method, path, headers, body === undefined ? undefined : text);
  }

  /** The web authenticator's live stream (GET /api/authenticator/events): waiters for a new challenge. */
  private waiters: Array<(id: string, at: number) => void> = [];
  private seen = new Set<string>();
  private stream?: ReturnType<typeof request>;

  listen(): Promise<void> {
    return new Promise((resolve, reject) => {
      const path = '/api/authenticator/events';
      this.stream = request({ host: '127.0.0.1', port, path, headers: { host: `localhost:${port}`, authorization: this.authorization('GET', path, '') } }, (res) => {
        if (res.statusCode !== 200) return reject(new Error(`device stream: ${res.statusCode}`));
        res.on('error', () => {});
        let buffer = '';
        res.on('data', (chunk: Buffer) => {
          const at = performance.now();
          buffer += chunk.toString('utf8');
          let end: number;
          while ((end = buffer.indexOf('\n\n')) !== -1) {
            const data = /^data: (.*)$/m.exec(buffer.slice(0, end));
            buffer = buffer.slice(end + 2);
            if (!data) continue;
            for (const c of (JSON.parse(data[1]!) as { challenges: Array<{ id: string }> }).challenges) {
              if (this.seen.has(c.id)) continue;
              this.seen.add(c.id);
              for (const w of this.waiters.splice(0)) w(c.id, at);
            }
            resolve();
          }
        });
      });
      this.stream.on('error', () => {});
      this.stream.end();
    });
  }

  nextChallenge(): Promise<{ id: string; at: number }> {
    return new Promise((resolve) => this.waiters.push((id, at) => resolve({ id, at })));
  }

  close(): void {
    this.stream?.destroy();
  }
}

async function oneLogin(device: Device, username: string, password: string): Promise<{ decided: number; movedOn: number; pushed: number }> {
  const browser = new Browser();
  const login = await browser.go('GET', '/login?next=%2F');
  const created = device.nextChallenge();
  const passwordSent = performance.now();
  const afterPassword = await browser.go('POST', '/login', { csrf: field(login.body, 'csrf'), next: '/', username, password });
  if (afterPassword.status !== 303) throw new Error(`password step: ${afterPassword.status}`);
  const challenge = await created;
  const page = await browser.go('GET', afterPassword.headers.location!);
  const symbol = /data-access-pass="([a-z]+)"/.exec(page.body)![1]!;
  const events = await browser.openEvents();

  const start = performance.now();
  const approval = device.signed('POST', `/api/authenticator/challenges/${challenge.id}`, { decision: 'approve', symbol });
  const decidedAt = await events.decided;
  // The page's script submits its form as soon as the event arrives.
  const moved = await browser.go('POST', '/login/challenge', { csrf: field(page.body, 'csrf'), next: field(page.body, 'next') });
  const movedAt = performance.now();
  const answered = await approval;
  events.close();
  if (answered.status !== 200 || !answered.body.includes('"approved"')) throw new Error(`approval: ${answered.status} ${answered.body}`);
  if (moved.status !== 303 || moved.headers.location !== '/') throw new Error(`continue: ${moved.status}`);
  // The challenge is made inside the password request, so this one includes that whole request (cheap scrypt).
  return { decided: decidedAt - start, movedOn: movedAt - start, pushed: challenge.at - passwordSent };
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

function summary(label: string, samples: number[]): string {
  const s = [...samples].sort((a, b) => a - b);
  const f = (x: number) => x.toFixed(1).padStart(6);
  return `  ${label.padEnd(46)} p50 ${f(percentile(s, 50))} ms   p95 ${f(percentile(s, 95))} ms   max ${f(s[s.length - 1]!)} ms`;
}

async function main(): Promise<void> {
  console.log(`push latency benchmark: node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? '?'}, load ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  const child = spawn(process.execPath, ['--import', 'tsx', new URL('push-server.ts', import.meta.url).pathname], { stdio: ['pipe', 'pipe', 'inherit'] });
  try {
    const ready = await new Promise<{ port: number; enrollmentUri: string; username: string; password: string }>((resolve, reject) => {
      child.once('exit', (code) => reject(new Error(`server exited (${code})`)));
      createInterface({ input: child.stdout! }).once('line', (line) => resolve(JSON.parse(line)));
    });
    port = ready.port;
    console.log(`  server: pid ${child.pid} on 127.0.0.1:${port}; user '${ready.username}' (cheap scrypt cost), one enrolled device`);
    const device = new Device();
    const code = /#code=(.+)$/.exec(ready.enrollmentUri)![1]!;
    const enrolled = await send('POST', '/api/authenticator/enroll', { 'content-type': 'application/json' }, JSON.stringify({ code, publicKey: device.publicKey, name: 'bench device' }));
    if (enrolled.status !== 201) throw new Error(`enrolment: ${enrolled.status} ${enrolled.body}`);
    device.id = (JSON.parse(enrolled.body) as { deviceId: string }).deviceId;

    await device.listen();
    for (let i = 0; i < WARM_UP; i++) await oneLogin(device, ready.username, ready.password);
    const decided: number[] = [];
    const movedOn: number[] = [];
    const pushed: number[] = [];
    const began = performance.now();
    for (let i = 0; i < LOGINS; i++) {
      const r = await oneLogin(device, ready.username, ready.password);
      decided.push(r.decided);
      movedOn.push(r.movedOn);
      pushed.push(r.pushed);
    }
    device.close();
    console.log(`  ${LOGINS} logins (after ${WARM_UP} warm-up) in ${((performance.now() - began) / 1000).toFixed(1)} s, one at a time, over loopback`);
    console.log(summary('approval sent → decided event at the login page', decided));
    console.log(summary('approval sent → login page moved on (303)', movedOn));
    console.log(summary('password sent → challenge on the device stream', pushed));
    console.log(`  load at the end: ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  } finally {
    agent.destroy();
    child.stdin!.end();
    child.kill('SIGTERM');
  }
}

await main();
