// A plain HTTP client with a cookie jar, driving the HTML pages as a browser without JavaScript would.
import { generateKeyPairSync, randomBytes, type KeyObject } from 'node:crypto';
import { canonicalDeviceRequest, formatDeviceAuthorization, signDeviceRequest } from '../../src/protocol/push/device-signature.js';

export interface PageResponse {
  status: number;
  headers: Headers;
  text: string;
  location: string | null;
}

export class WebClient {
  readonly cookies = new Map<string, string>();

  constructor(readonly baseUrl: string) {}

  private cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  private remember(headers: Headers): void {
    for (const line of headers.getSetCookie()) {
      const [pair] = line.split(';');
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq).trim();
      const value = pair!.slice(eq + 1).trim();
      if (/max-age=0/i.test(line) || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  async request(method: string, path: string, init: { form?: Record<string, string>; json?: unknown; headers?: Record<string, string> } = {}): Promise<PageResponse> {
    const url = path.startsWith('http') ? path : this.baseUrl + path;
    const headers: Record<string, string> = { ...init.headers };
    if (this.cookies.size > 0) headers['cookie'] = this.cookieHeader();
    let body: string | undefined;
    if (init.form) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams(init.form).toString();
    } else if (init.json !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(init.json);
    }
    const res = await fetch(url, { method, headers, redirect: 'manual', ...(body === undefined ? {} : { body }) });
    this.remember(res.headers);
    return { status: res.status, headers: res.headers, text: await res.text(), location: res.headers.get('location') };
  }

  get(path: string): Promise<PageResponse> {
    return this.request('GET', path);
  }

  post(path: string, form: Record<string, string>): Promise<PageResponse> {
    return this.request('POST', path, { form });
  }

  /** GET, following same-origin redirects. */
  async follow(path: string, max = 5): Promise<PageResponse & { url: string }> {
    let current = path;
    for (let i = 0; i < max; i++) {
      const res = await this.get(current);
      if (res.status < 300 || res.status >= 400 || !res.location) return { ...res, url: current };
      current = res.location;
    }
    throw new Error('too many redirects');
  }
}

export function hiddenField(html: string, name: string): string {
  const m = new RegExp(`name="${name}" value="([^"]*)"`).exec(html);
  if (!m) throw new Error(`no hidden field ${name} in page`);
  return m[1]!.replace(/&amp;/g, '&').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>');
}

export function accessPass(html: string): string {
  const m = /data-access-pass="([a-z]+)"/.exec(html);
  if (!m) throw new Error('no access-pass symbol in page');
  return m[1]!;
}

/** Logs in with the password; returns the page after it (challenge page for users with an authenticator). */
export async function submitPassword(client: WebClient, username: string, password: string, next = '/'): Promise<PageResponse> {
  const page = await client.get(`/login?next=${encodeURIComponent(next)}`);
  return client.post('/login', { csrf: hiddenField(page.text, 'csrf'), next: hiddenField(page.text, 'next'), username, password });
}

/** An authenticator in the test process: the same signed device API the CLI and web authenticators use. */
export class TestDevice {
  private readonly privateKey: KeyObject;
  readonly publicKeySpki: string;
  deviceId = '';

  constructor(readonly baseUrl: string) {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    this.privateKey = privateKey;
    this.publicKeySpki = publicKey.export({ format: 'der', type: 'spki' }).toString('base64');
  }

  async enroll(code: string): Promise<Response> {
    const res = await fetch(`${this.baseUrl}/api/authenticator/enroll`, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ code, publicKey: this.publicKeySpki, name: 'test phone' }),
    });
    if (res.status === 201) this.deviceId = ((await res.clone().json()) as { deviceId: string }).deviceId;
    return res;
  }

  async signedFetch(method: string, path: string, body?: unknown, opts: { timestamp?: number; deviceId?: string } = {}): Promise<Response> {
    const text = body === undefined ? '' : JSON.stringify(body);
    const ts = opts.timestamp ?? Math.floor(Date.now() / 1000);
    const nonce = randomBytes(9).toString('base64url');
    const signature = signDeviceRequest(this.privateKey, canonicalDeviceRequest(method, path, ts, nonce, text));
    return fetch(this.baseUrl + path, {
      method,
      headers: {
        authorization: formatDeviceAuthorization({ deviceId: opts.deviceId ?? this.deviceId, timestamp: ts, nonce, signature }),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: text }),
    });
  }

  async pending(): Promise<Array<{ id: string; candidates: string[]; application: string | null; ip: string; service: string; time: string }>> {
    const res = await this.signedFetch('GET', '/api/authenticator/challenges');
    if (res.status !== 200) throw new Error(`pending refused: ${res.status} ${await res.text()}`);
    return ((await res.json()) as { challenges: never[] }).challenges;
  }

  answer(challengeId: string, decision: 'approve' | 'deny', symbol?: string): Promise<Response> {
    return this.signedFetch('POST', `/api/authenticator/challenges/${challengeId}`, symbol === undefined ? { decision } : { decision, symbol });
  }
}
