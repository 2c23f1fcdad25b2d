// Authenticator (device) request signatures. A device holds an ECDSA P-256 private key; the server keeps only
// the public key (SPKI). Each device API request is signed over a canonical string that binds the method,
// the path with its query, a timestamp, a nonce and the SHA-256 of the body, so an answer cannot be moved to
// another challenge or replayed outside the time window. Signatures are IEEE P1363 (r||s), the format
// WebCrypto produces, so the browser authenticator can use the same scheme.
import { createHash, createPublicKey, sign as cryptoSign, verify as cryptoVerify, type KeyObject } from 'node:crypto';

export const DEVICE_AUTH_SCHEME = 'TesseraDevice';

export interface DeviceAuthorization {
  deviceId: string;
  timestamp: number; // seconds
  nonce: string;
  signature: string; // base64url
}

export function canonicalDeviceRequest(method: string, pathAndQuery: string, timestamp: number, nonce: string, body: string): string {
  const bodyHash = createHash('sha256').update(body, 'utf8').digest('hex');
  return ['TESSERA-DEVICE-V1', method.toUpperCase(), pathAndQuery, String(timestamp), nonce, bodyHash].join('\n');
}

export function signDeviceRequest(privateKey: KeyObject, canonical: string): string {
  return cryptoSign('sha256', Buffer.from(canonical, 'utf8'), { key: privateKey, dsaEncoding: 'ieee-p1363' }).toString('base64url');
}

export function verifyDeviceSignature(publicKeySpkiBase64: string, canonical: string, signature: string): boolean {
  try {
    const key = createPublicKey({ key: Buffer.from(publicKeySpkiBase64, 'base64'), format: 'der', type: 'spki' });
    return cryptoVerify('sha256', Buffer.from(canonical, 'utf8'), { key, dsaEncoding: 'ieee-p1363' }, Buffer.from(signature, 'base64url'));
  } catch {
    return false;
  }
}

export function formatDeviceAuthorization(a: DeviceAuthorization): string {
  return `${DEVICE_AUTH_SCHEME} id="${a.deviceId}", ts="${a.timestamp}", nonce="${a.nonce}", sig="${a.signature}"`;
}

export function parseDeviceAuthorization(header: string | undefined): DeviceAuthorization | undefined {
  if (!header || !header.startsWith(`${DEVICE_AUTH_SCHEME} `)) return undefined;
  const fields = new Map<string, string>();
  for (const m of header.slice(DEVICE_AUTH_SCHEME.length + 1).matchAll(/([a-z]+)="([^"]*)"/g)) fields.set(m[1]!, m[2]!);
  const id = fields.get('id');
  const ts = fields.get('ts');
  const nonce = fields.get('nonce');
  const sig = fields.get('sig');
  if (!id || !ts || !/^\d{1,12}$/.test(ts) || !nonce || !sig) return undefined;
  return { deviceId: id, timestamp: Number(ts), nonce, signature: sig };
}

/** Checks that a public key is an ECDSA P-256 SPKI key; returns it normalized to base64. */
export function normalizeDevicePublicKey(spkiBase64: string): string | undefined {
  try {
    const key = createPublicKey({ key: Buffer.from(spkiBase64, 'base64'), format: 'der', type: 'spki' });
    if (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'prime256v1') return undefined;
    return key.export({ format: 'der', type: 'spki' }).toString('base64');
  } catch {
    return undefined;
  }
}
