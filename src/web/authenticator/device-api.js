// The device API, spoken from the browser: enrolment, signed requests and the live challenge stream.
// A request is signed over TESSERA-DEVICE-V1, method, path with query, timestamp, nonce and the body's SHA-256
// (src/protocol/push/device-signature.ts); WebCrypto's ECDSA signature is already the IEEE P1363 (r||s) form
// the server expects. Requests never carry cookies (credentials: 'omit'): the signature is the credential.
const encoder = new TextEncoder();

function base64url(bytes) {
  let s = '';
  for (const b of new Uint8Array(bytes)) s += String.fromCharCode(b);
  return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

async function sha256Hex(text) {
  const digest = await crypto.subtle.digest('SHA-256', encoder.encode(text));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/** `https://host/tessera/authenticator/enroll#code=…` → { server: 'https://host/tessera', code }. */
export function parseEnrolmentLink(text) {
  const m = /^(https?:\/\/[^#?\s]+?)\/authenticator\/enroll#code=([A-Za-z0-9]{16,64})$/.exec(String(text).trim());
  return m ? { server: m[1], code: m[2] } : undefined;
}

async function readError(res) {
  const body = await res.json().catch(() => ({}));
  return body.message || `The server answered ${res.status}.`;
}

/** Makes the key pair (private half non-extractable) and registers the public half with the one-time code. */
export async function enrol(server, code, name) {
  const keyPair = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign']);
  const spki = await crypto.subtle.exportKey('spki', keyPair.publicKey);
  const res = await fetch(`${server}/api/authenticator/enroll`, {
    method: 'POST', credentials: 'omit', cache: 'no-store', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ code, name, publicKey: btoa(String.fromCharCode(...new Uint8Array(spki))) }),
  });
  if (res.status !== 201) throw new Error(await readError(res));
  const body = await res.json();
  return {
    id: crypto.randomUUID(), server, deviceId: body.deviceId, username: body.username, service: body.service || 'Tessera',
    name: body.name, keyPair, createdAt: Date.now(),
  };
}

/** fetch() with the TesseraDevice Authorization header. The path is signed as the server sees it. */
export async function signedFetch(account, method, path, body, init = {}) {
  const text = body === undefined ? '' : JSON.stringify(body);
  const pathAndQuery = new URL(account.server).pathname.replace(/\/$/, '') + path;
  const ts = Math.floor(Date.now() / 1000);
  const nonce = base64url(crypto.getRandomValues(new Uint8Array(12)));
  const canonical = ['TESSERA-DEVICE-V1', method, pathAndQuery, String(ts), nonce, await sha256Hex(text)].join('\n');
  const sig = await crypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, account.keyPair.privateKey, encoder.encode(canonical));
  const headers = { authorization: `TesseraDevice id="${account.deviceId}", ts="${ts}", nonce="${nonce}", sig="${base64url(sig)}"`, ...init.headers };
  if (body !== undefined) headers['content-type'] = 'application/json';
  return fetch(account.server + path, {
    method, credentials: 'omit', cache: 'no-store', ...init, headers, ...(body === undefined ? {} : { body: text }),
  });
}

/** The answer: 'approved' | 'denied' | 'wrong_symbol' | 'reported', or 'not_pending' when it was too late. */
export async function answer(account, challengeId, decision, symbol) {
  const res = await signedFetch(account, 'POST', `/api/authenticator/challenges/${encodeURIComponent(challengeId)}`,
    symbol === undefined ? { decision } : { decision, symbol });
  if (res.status === 409) return 'not_pending';
  if (res.status !== 200) throw new Error(await readError(res));
  return (await res.json()).outcome;
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * Keeps a signed event stream open to the account's server and calls onChallenges(list) with every pending
 * list it sends. Reconnects by itself: at once after a clean end (the server ends streams after a while),
 * with exponential backoff and jitter after errors, and at once when the browser comes back online.
 * onStatus: 'connecting' | 'live' | 'offline' | 'refused' (the server does not know this device any more).
 */
export function watchChallenges(account, { onChallenges, onStatus }) {
  let stopped = false;
  let controller;
  let backoff = 1000;
  let live = false;
  let hurry = false;
  let wake = () => {};
  const status = (s) => {
    live = s === 'live';
    onStatus(s);
  };

  async function connectOnce() {
    controller = new AbortController();
    status('connecting');
    const res = await signedFetch(account, 'GET', '/api/authenticator/events', undefined, { signal: controller.signal, headers: { accept: 'text/event-stream' } });
    if (res.status === 401) throw Object.assign(new Error('refused'), { refused: true });
    if (res.status !== 200 || !res.body) throw new Error(`stream answered ${res.status}`);
    status('live');
    backoff = 1000;
    const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buffer += value;
      let end;
      while ((end = buffer.indexOf('\n\n')) !== -1) {
        handleEvent(buffer.slice(0, end));
        buffer = buffer.slice(end + 2);
      }
    }
  }

  function handleEvent(block) {
    let event = 'message';
    const data = [];
    for (const line of block.split('\n')) {
      if (line.startsWith(':')) continue; // heartbeat
      const colon = line.indexOf(':');
      const field = colon === -1 ? line : line.slice(0, colon);
      const value = colon === -1 ? '' : line.slice(colon + 1).replace(/^ /, '');
      if (field === 'event') event = value;
      else if (field === 'data') data.push(value);
    }
    if (event === 'challenges' && data.length > 0) onChallenges(JSON.parse(data.join('\n')).challenges);
  }

  async function loop() {
    while (!stopped) {
      let delay = 0;
      try {
        await connectOnce();
      } catch (err) {
        if (stopped) return;
        status(err && err.refused ? 'refused' : 'offline');
        // A refusal (device removed, clock far off) is retried slowly; a network error sooner.
        delay = err && err.refused ? 60_000 : backoff;
        backoff = Math.min(backoff * 2, 30_000);
      }
      if (stopped) return;
      if (hurry) delay = 0;
      hurry = false;
      await Promise.race([sleep(delay + (delay ? Math.random() * 500 : 0)), new Promise((r) => { wake = r; })]);
    }
  }

  // Back online, or the app came to the foreground: a stream that is not live tries again at once.
  const reconnectNow = () => {
    if (live || stopped) return;
    backoff = 1000;
    hurry = true;
    controller?.abort();
    wake();
  };
  window.addEventListener('online', reconnectNow);
  loop();
  return {
    stop() {
      stopped = true;
      window.removeEventListener('online', reconnectNow);
      controller?.abort();
      wake();
    },
    reconnectNow,
  };
}
