// RFC 5849 section 3.4.2 (HMAC-SHA1), 3.4.3 (RSA-SHA1, RSASSA-PKCS1-v1_5) and 3.4.4 (PLAINTEXT), plus the
// SHA-256 variants HMAC-SHA256 and RSA-SHA256 (same constructions with SHA-256, as oauthlib and others name
// them). Verification never throws on a garbage signature or key: it answers false. HMAC and PLAINTEXT
// signatures are compared in constant time. RSA verification accepts only RSA keys (an EC key handed to
// crypto.verify would otherwise check an ECDSA signature under the RSA method's name).
// Left out: which method a given application link may use (provider.ts decides), oauth_body_hash.
import { createHmac, createPrivateKey, createPublicKey, sign as cryptoSign, timingSafeEqual, verify as cryptoVerify } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { percentEncode } from './percent-encoding.js';

export const signatureMethods = ['HMAC-SHA1', 'HMAC-SHA256', 'RSA-SHA1', 'RSA-SHA256', 'PLAINTEXT'] as const;
export type SignatureMethod = (typeof signatureMethods)[number];

export const isSignatureMethod = (value: string): value is SignatureMethod =>
  (signatureMethods as readonly string[]).includes(value);

export const isRsaMethod = (method: SignatureMethod): boolean => method === 'RSA-SHA1' || method === 'RSA-SHA256';

export interface SigningSecrets {
  consumerSecret?: string | undefined;
  tokenSecret?: string | undefined;
  /** PEM (PKCS#8 or PKCS#1) or a KeyObject, for the RSA methods. */
  privateKey?: string | KeyObject | undefined;
}

export interface VerifyingSecrets {
  consumerSecret?: string | undefined;
  tokenSecret?: string | undefined;
  /** PEM (SPKI) or a KeyObject, for the RSA methods. */
  publicKey?: string | KeyObject | undefined;
}

const digestOf = (method: SignatureMethod): 'sha1' | 'sha256' => (method.endsWith('SHA256') ? 'sha256' : 'sha1');

/** RFC 5849 3.4.2: the HMAC key, also the whole PLAINTEXT signature (3.4.4). */
function sharedKey(consumerSecret = '', tokenSecret = ''): string {
  return `${percentEncode(consumerSecret)}&${percentEncode(tokenSecret)}`;
}

function rsaKey(key: string | KeyObject, kind: 'private' | 'public'): KeyObject {
  const object = typeof key === 'string' ? (kind === 'private' ? createPrivateKey(key) : createPublicKey(key)) : key;
  if (object.asymmetricKeyType !== 'rsa') throw new Error(`an RSA ${kind} key is required`);
  return object;
}

/** The base64 signature of `baseString`. Throws when a needed secret or key is missing or unusable. */
export function sign(method: SignatureMethod, baseString: string, secrets: SigningSecrets): string {
  switch (method) {
    case 'HMAC-SHA1':
    case 'HMAC-SHA256':
      return createHmac(digestOf(method), sharedKey(secrets.consumerSecret, secrets.tokenSecret))
        .update(baseString, 'utf8').digest('base64');
    case 'RSA-SHA1':
    case 'RSA-SHA256': {
      if (!secrets.privateKey) throw new Error(`${method} needs a private key`);
      return cryptoSign(digestOf(method), Buffer.from(baseString, 'utf8'), rsaKey(secrets.privateKey, 'private')).toString('base64');
    }
    case 'PLAINTEXT':
      return sharedKey(secrets.consumerSecret, secrets.tokenSecret);
  }
}

function equalInConstantTime(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  // timingSafeEqual needs equal lengths; comparing x with itself keeps the time the same when they differ.
  return timingSafeEqual(x, x.length === y.length ? y : x) && x.length === y.length;
}

/** Whether `signature` is right for `baseString`. Never throws: bad input of any kind is false. */
export function verify(method: SignatureMethod, baseString: string, signature: string, secrets: VerifyingSecrets): boolean {
  try {
    switch (method) {
      case 'HMAC-SHA1':
      case 'HMAC-SHA256':
      case 'PLAINTEXT':
        return equalInConstantTime(sign(method, baseString, secrets), signature);
      case 'RSA-SHA1':
      case 'RSA-SHA256': {
        if (!secrets.publicKey || !/^[A-Za-z0-9+/]+={0,2}$/.test(signature)) return false;
        return cryptoVerify(digestOf(method), Buffer.from(baseString, 'utf8'),
          rsaKey(secrets.publicKey, 'public'), Buffer.from(signature, 'base64'));
      }
    }
  } catch {
    return false;
  }
}
