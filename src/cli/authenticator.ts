// `tessera authenticator`: a push authenticator on the command line. It keeps an ECDSA P-256 private key in
// a file of its own (mode 0600); the server only ever sees the public key and signed requests.
import { generateKeyPairSync, createPrivateKey, randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { canonicalDeviceRequest, formatDeviceAuthorization, signDeviceRequest } from '../protocol/push/device-signature.js';
import { symbolByName } from '../protocol/push/symbols.js';
import { readLine, UsageError, type CliIo } from './io.js';

interface DeviceFile {
  server: string;
  deviceId: string;
  username: string;
  name: string;
  privateKey: string; // PKCS#8 PEM
}

interface Challenge {
  id: string;
  service: string;
  application: string | null;
  ip: string;
  time: string;
  candidates: string[];
}

const USAGE = `usage:
  tessera authenticator enroll URI --file device.json [--name NAME]
  tessera authenticator pending --file device.json [--json]
  tessera authenticator approve --file device.json [--pick SYMBOL] [--wait SECONDS]
  tessera authenticator deny --file device.json [--wait SECONDS] [--report]   (--report: "this wasn't me")`;

function loadDevice(file: string): DeviceFile {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as DeviceFile;
  } catch (err) {
    throw new UsageError(`cannot read device file ${file}: ${(err as Error).message}`);
  }
}

async function deviceFetch(device: DeviceFile, method: string, path: string, body?: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  const text = body === undefined ? '' : JSON.stringify(body);
  const ts = Math.floor(Date.now() / 1000);
  const nonce = randomBytes(12).toString('base64url');
  const pathAndQuery = new URL(device.server).pathname.replace(/\/$/, '') + path;
  const sig = signDeviceRequest(createPrivateKey(device.privateKey), canonicalDeviceRequest(method, pathAndQuery, ts, nonce, text));
  const res = await fetch(device.server + path, {
    method,
    headers: {
      authorization: formatDeviceAuthorization({ deviceId: device.deviceId, timestamp: ts, nonce, signature: sig }),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: text }),
  });
  const json = (await res.json().catch(() => ({}))) as Record<string, unknown>;
  return { status: res.status, json };
}

async function pending(device: DeviceFile): Promise<Challenge[]> {
  const { status, json } = await deviceFetch(device, 'GET', '/api/authenticator/challenges');
  if (status !== 200) throw new Error(`server refused: ${String(json['message'] ?? status)}`);
  return json['challenges'] as Challenge[];
}

async function waitForChallenge(device: DeviceFile, waitSeconds: number): Promise<Challenge | undefined> {
  const deadline = Date.now() + waitSeconds * 1000;
  for (;;) {
    const list = await pending(device);
    if (list[0]) return list[0];
    if (Date.now() >= deadline) return undefined;
    await new Promise((r) => setTimeout(r, 300));
  }
}

function describe(c: Challenge): string {
  const lines = [
    `Sign-in request for ${c.service}${c.application ? ` (application: ${c.application})` : ''}`,
    `  from IP ${c.ip} at ${c.time}`,
    '  Pick the symbol your browser shows:',
    ...c.candidates.map((name, i) => `    ${i + 1}. ${symbolByName(name)?.glyph ?? ''} ${name}`),
  ];
  return lines.join('\n') + '\n';
}

export async function runAuthenticatorCommand(args: string[], io: CliIo): Promise<number> {
  const [sub, ...rest] = args;
  const { values, positionals } = parseArgs({
    args: rest, allowPositionals: true, strict: true,
    options: { file: { type: 'string' }, name: { type: 'string' }, pick: { type: 'string' }, wait: { type: 'string' }, json: { type: 'boolean' }, report: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
  });
  if (!sub || sub === '--help' || sub === '-h' || values.help || !values.file) throw new UsageError(USAGE);
  const waitSeconds = values.wait === undefined ? 30 : Number(values.wait);
  if (!Number.isFinite(waitSeconds) || waitSeconds < 0) throw new UsageError('--wait takes a number of seconds');

  if (sub === 'enroll') {
    const uri = positionals[0];
    if (!uri) throw new UsageError(USAGE);
    const match = /^(https?:\/\/.+?)\/authenticator\/enroll#code=([A-Za-z0-9]+)$/.exec(uri);
    if (!match) throw new UsageError('that is not an enrolment link (it looks like https://HOST/authenticator/enroll#code=…)');
    if (existsSync(values.file)) throw new UsageError(`${values.file} exists already; choose another file`);
    const [, server, code] = match as unknown as [string, string, string];
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const name = values.name ?? 'CLI authenticator';
    const res = await fetch(`${server}/api/authenticator/enroll`, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ code, name, publicKey: publicKey.export({ format: 'der', type: 'spki' }).toString('base64') }),
    });
    const json = (await res.json().catch(() => ({}))) as Record<string, string>;
    if (res.status !== 201) {
      io.stderr.write(`enrolment refused: ${json['message'] ?? res.status}\n`);
      return 1;
    }
    const device: DeviceFile = {
      server, deviceId: json['deviceId']!, username: json['username']!, name,
      privateKey: privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
    };
    writeFileSync(values.file, JSON.stringify(device, null, 2) + '\n', { mode: 0o600, flag: 'wx' });
    io.stdout.write(`Enrolled "${name}" for ${device.username} on ${server}; the private key is in ${values.file}.\n`);
    return 0;
  }

  const device = loadDevice(values.file);
  if (sub === 'pending') {
    const list = await pending(device);
    if (values.json) io.stdout.write(JSON.stringify(list.map(({ id, service, application, ip, time, candidates }) =>
      ({ id, service, application, ip, time, candidates })), null, 2) + '\n');
    else if (list.length === 0) io.stdout.write('No pending sign-in requests.\n');
    else for (const c of list) io.stdout.write(`[${c.id}]\n${describe(c)}`);
    return 0;
  }

  if (sub === 'approve' || sub === 'deny') {
    const challenge = await waitForChallenge(device, waitSeconds);
    if (!challenge) {
      io.stderr.write('No pending sign-in request.\n');
      return 1;
    }
    io.stdout.write(describe(challenge));
    let symbol: string | undefined;
    if (sub === 'approve') {
      symbol = values.pick;
      if (symbol === undefined) {
        io.stdout.write('Your choice (number or name, empty to deny): ');
        const answer = await readLine(io.stdin);
        symbol = /^\d+$/.test(answer) ? challenge.candidates[Number(answer) - 1] : answer || undefined;
      }
    }
    const decision = sub === 'approve' && symbol ? 'approve' : sub === 'deny' && values.report ? 'report' : 'deny';
    const { status, json } = await deviceFetch(device, 'POST', `/api/authenticator/challenges/${encodeURIComponent(challenge.id)}`,
      decision === 'approve' ? { decision, symbol } : { decision });
    if (status !== 200) {
      io.stderr.write(`answer refused: ${String(json['message'] ?? status)}\n`);
      return 1;
    }
    const outcome = String(json['outcome']);
    io.stdout.write(outcome === 'approved' ? 'Approved.\n' : outcome === 'wrong_symbol' ? 'Wrong symbol: the sign-in was denied.\n'
      : outcome === 'reported' ? 'Reported: the sign-in was blocked and recorded.\n' : 'Denied.\n');
    return outcome === 'approved' || sub === 'deny' ? 0 : 1;
  }
  throw new UsageError(USAGE);
}
