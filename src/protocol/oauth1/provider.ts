// RFC 5849 section 3.2 (Verifying Requests) for a service provider, with the OAuth Problem Reporting codes
// Jira answers, over a store interface this module defines and the application implements (the role of
// oauthlib's RequestValidator). No HTTP, no database, no clock: `now` comes in.
// The checks run in a fixed order and stop at the first failure, each failure reporting only what the
// protocol itself reports: parameters → version → signature method → timestamp window → consumer →
// method allowed for that consumer → token → signature → nonce. The nonce is recorded last, once the
// signature is known good, so that nobody without the key can burn a client's nonces.
// Policies (Jira's unless noted): an RSA application link refuses HMAC and PLAINTEXT
// (signature_method_rejected); a shared-secret link refuses RSA; PLAINTEXT only when the base URL is https
// (Tessera); oauth_timestamp and oauth_nonce are required for every method (RFC 5849 lets PLAINTEXT omit
// them; Jira does not).
// Left out: token issuing and the verifier (the caller's job: services/oauth-provider.ts), oauth_body_hash.
import { baseStringUri, signatureBaseString } from './base-string.js';
import { OAuthProblem } from './problems.js';
import { collectParameters, type RawRequest } from './request.js';
import { isRsaMethod, isSignatureMethod, signatureMethods, verify, type SignatureMethod } from './signature.js';

/** An application link as the protocol needs it. */
export interface OAuthConsumer {
  key: string;
  /** SPKI PEM of the link's RSA public key; null for a shared-secret link. */
  publicKeyPem: string | null;
  /** The shared secret of an HMAC link; null for an RSA link. */
  sharedSecret: string | null;
}

export type TokenKind = 'request' | 'access';

/** A stored token as the protocol needs it. */
export interface OAuthTokenRecord {
  consumerKey: string;
  /** Clear token secret, needed only by HMAC and PLAINTEXT; null when the store keeps none (RSA links). */
  secret: string | null;
  /** Milliseconds since the epoch. */
  expiresAt: number;
  /** Request tokens: new → authorized | denied → used. Access tokens: active | revoked. */
  state: 'new' | 'authorized' | 'denied' | 'used' | 'active' | 'revoked';
}

export interface NonceEntry {
  consumerKey: string;
  /** '' when the request carried no token. */
  token: string;
  /** oauth_timestamp, seconds. */
  timestamp: number;
  nonce: string;
}

/** Implemented by the application; C and T let it carry its own fields through verification. */
export interface OAuthStore<C extends OAuthConsumer = OAuthConsumer, T extends OAuthTokenRecord = OAuthTokenRecord> {
  findConsumer(key: string): Promise<C | null>;
  /** The token by its clear value (the store decides how it looks it up), or null. */
  findToken(kind: TokenKind, token: string): Promise<T | null>;
  /** Records the nonce atomically; false when that (consumer, token, timestamp, nonce) was recorded before. */
  recordNonce(entry: NonceEntry, now: number): Promise<boolean>;
}

export interface VerifyOptions<C extends OAuthConsumer = OAuthConsumer, T extends OAuthTokenRecord = OAuthTokenRecord> {
  /** The configured public base URL: the only source of the base string URI's scheme, host and port. */
  baseUrl: string;
  /** Milliseconds since the epoch. */
  now: number;
  windowSeconds: number;
  store: OAuthStore<C, T>;
  /** none: request-token (a token is refused); request: access-token; access: resource requests. */
  requireToken: 'none' | 'request' | 'access';
}

export interface VerifiedRequest<C extends OAuthConsumer = OAuthConsumer, T extends OAuthTokenRecord = OAuthTokenRecord> {
  consumer: C;
  /** The clear token the request was signed with, or null for requireToken 'none'. */
  token: string | null;
  tokenRecord: T | null;
  /** Every oauth_* parameter of the request (oauth_callback, oauth_verifier …). */
  protocol: Record<string, string>;
}

const REQUIRED = ['oauth_consumer_key', 'oauth_signature_method', 'oauth_signature', 'oauth_timestamp', 'oauth_nonce'];
const MAX_NONCE_LENGTH = 255; // bounds what a client can make us store

/** Why a token cannot be used now, or null when it can. Precedence: consumer, final states, expiry, pending. */
export function tokenProblem(kind: TokenKind, record: OAuthTokenRecord | null, consumerKey: string, now: number): OAuthProblem | null {
  // A token of another consumer is reported exactly like an unknown one: it tells nothing about the token.
  if (!record || record.consumerKey !== consumerKey) return new OAuthProblem('token_rejected');
  if (kind === 'access') {
    if (record.state === 'revoked') return new OAuthProblem('token_revoked');
    if (record.state !== 'active') return new OAuthProblem('token_rejected');
  } else {
    if (record.state === 'used') return new OAuthProblem('token_used');
    if (record.state === 'denied') return new OAuthProblem('permission_denied');
    if (record.state !== 'new' && record.state !== 'authorized') return new OAuthProblem('token_rejected');
  }
  if (record.expiresAt <= now) return new OAuthProblem('token_expired');
  if (kind === 'request' && record.state === 'new') {
    return new OAuthProblem('permission_unknown', { advice: 'The user has not authorized this request token yet.' });
  }
  return null;
}

function checkMethodForConsumer(method: SignatureMethod, consumer: OAuthConsumer, baseUrl: string): void {
  if (isRsaMethod(method)) {
    if (!consumer.publicKeyPem) {
      throw new OAuthProblem('signature_method_rejected', { advice: 'This application link signs with a shared secret (HMAC-SHA1 or HMAC-SHA256).' });
    }
    return;
  }
  if (!consumer.sharedSecret) {
    throw new OAuthProblem('signature_method_rejected', { advice: 'This application link has a public key: sign with RSA-SHA1 or RSA-SHA256.' });
  }
  if (method === 'PLAINTEXT' && new URL(baseUrl).protocol !== 'https:') {
    throw new OAuthProblem('signature_method_rejected', { advice: 'PLAINTEXT is accepted over https only.' });
  }
}

interface CheckedParameters {
  method: SignatureMethod;
  timestamp: number;
  nonce: string;
}

/** The stateless checks: presence, version, method, timestamp window, nonce size. */
function checkProtocolParameters(protocol: Record<string, string>, requireToken: VerifyOptions['requireToken'], now: number, windowSeconds: number): CheckedParameters {
  const absent = REQUIRED.filter((name) => !protocol[name]);
  if (requireToken !== 'none' && !protocol['oauth_token']) absent.push('oauth_token');
  if (absent.length > 0) {
    throw new OAuthProblem('parameter_absent', { parametersAbsent: absent, advice: `Missing: ${absent.join(', ')}.` });
  }
  // A token at request-token would sign with a secret nobody agreed on; an empty one (some clients) is no token.
  if (requireToken === 'none' && protocol['oauth_token']) {
    throw new OAuthProblem('parameter_rejected', { advice: 'A request-token request carries no oauth_token.' });
  }
  const version = protocol['oauth_version'];
  if (version !== undefined && version !== '1.0') {
    throw new OAuthProblem('version_rejected', { acceptableVersions: { min: '1.0', max: '1.0' } });
  }
  const method = protocol['oauth_signature_method'] as string;
  if (!isSignatureMethod(method)) {
    throw new OAuthProblem('signature_method_rejected', { advice: `Accepted: ${signatureMethods.join(', ')}.` });
  }
  const timestampText = protocol['oauth_timestamp'] as string;
  if (!/^\d{1,12}$/.test(timestampText)) {
    throw new OAuthProblem('parameter_rejected', { advice: 'oauth_timestamp must be whole seconds since the epoch.' });
  }
  const timestamp = Number(timestampText);
  const nowSeconds = Math.floor(now / 1000);
  if (Math.abs(timestamp - nowSeconds) > windowSeconds) {
    throw new OAuthProblem('timestamp_refused', {
      acceptableTimestamps: { min: nowSeconds - windowSeconds, max: nowSeconds + windowSeconds },
    });
  }
  const nonce = protocol['oauth_nonce'] as string;
  if (nonce.length > MAX_NONCE_LENGTH) {
    throw new OAuthProblem('parameter_rejected', { advice: `oauth_nonce is longer than ${MAX_NONCE_LENGTH} characters.` });
  }
  return { method, timestamp, nonce };
}

/** Verifies a signed request; throws OAuthProblem on the first check that fails. */
export async function verifySignedRequest<C extends OAuthConsumer, T extends OAuthTokenRecord>(
  raw: RawRequest, options: VerifyOptions<C, T>,
): Promise<VerifiedRequest<C, T>> {
  const { baseUrl, now, windowSeconds, store, requireToken } = options;
  const { protocol, signed, signature } = collectParameters(raw); // duplicates → parameter_rejected
  const { method, timestamp, nonce } = checkProtocolParameters(protocol, requireToken, now, windowSeconds);

  const consumer = await store.findConsumer(protocol['oauth_consumer_key'] as string);
  if (!consumer) throw new OAuthProblem('consumer_key_unknown');
  checkMethodForConsumer(method, consumer, baseUrl);

  const token = requireToken === 'none' ? null : (protocol['oauth_token'] as string);
  let tokenRecord: T | null = null;
  if (token !== null) {
    const kind = requireToken === 'access' ? 'access' : 'request';
    tokenRecord = await store.findToken(kind, token);
    const problem = tokenProblem(kind, tokenRecord, consumer.key, now);
    if (problem) throw problem;
  }

  const baseString = signatureBaseString(raw.method, baseStringUri(baseUrl, raw.path), signed);
  const good = verify(method, baseString, signature, {
    publicKey: consumer.publicKeyPem ?? undefined,
    consumerSecret: consumer.sharedSecret ?? undefined,
    tokenSecret: tokenRecord?.secret ?? undefined,
  });
  if (!good) throw new OAuthProblem('signature_invalid', { baseString });

  const fresh = await store.recordNonce({ consumerKey: consumer.key, token: token ?? '', timestamp, nonce }, now);
  if (!fresh) throw new OAuthProblem('nonce_used');

  return { consumer, token, tokenRecord, protocol };
}
