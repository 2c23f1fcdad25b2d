// Application links: the consumers an admin registers (key, name, RSA public key, optional callback URL,
// the legacy no-verifier switch). Keys arrive in whatever form the admin has at hand and are stored as
// PEM SPKI, the one form the signature code reads.
import { createHash, createPublicKey, X509Certificate, type KeyObject } from 'node:crypto';
import { AppError } from '../errors/app-error.js';
import { isAcceptableCallbackUrl } from '../protocol/oauth1/callback.js';
import type { ServiceContext } from './context.js';

const MIN_RSA_BITS = 1024; // the oauth.net TestCases key, still what Atlassian's examples ship, is 1024 bits

const ACCEPTED_FORMATS = 'The public key must be an RSA key of at least 1024 bits, given as one of: a PEM public key '
  + '(-----BEGIN PUBLIC KEY-----), the same base64 without the BEGIN/END lines, an X.509 certificate '
  + '(-----BEGIN CERTIFICATE-----) or a PKCS#1 RSA public key (-----BEGIN RSA PUBLIC KEY-----).';

const invalid = (why: string) => new AppError('bad_request', 'public_key_invalid', `${why} ${ACCEPTED_FORMATS}`, { publicKey: why });

function readKey(text: string): KeyObject {
  const trimmed = text.trim();
  const label = /-----BEGIN ([A-Z0-9 ]+)-----/.exec(trimmed)?.[1];
  // Node would happily derive a public key from a private one; an admin who pastes a private key has leaked
  // it, and must hear so rather than have it quietly accepted.
  if (label && /PRIVATE KEY/.test(label)) {
    throw invalid('This is a private key: give the application link its public key, and keep the private key with the application only.');
  }
  try {
    if (label === 'CERTIFICATE') return new X509Certificate(trimmed).publicKey;
    if (label === 'PUBLIC KEY') return createPublicKey({ key: trimmed, format: 'pem' });
    if (label === 'RSA PUBLIC KEY') return createPublicKey({ key: trimmed, format: 'pem', type: 'pkcs1' });
  } catch {
    throw invalid(`The ${label} block could not be read.`);
  }
  if (label) throw invalid(`A "${label}" block is not a public key.`);
  const base64 = trimmed.replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(base64)) throw invalid('The text is neither PEM nor base64.');
  const der = Buffer.from(base64, 'base64');
  try { return createPublicKey({ key: der, format: 'der', type: 'spki' }); } catch { /* try the next form */ }
  try { return new X509Certificate(der).publicKey; } catch { /* nor a certificate */ }
  throw invalid('The base64 text is not a public key.');
}

/** Any accepted form of an RSA public key → PEM SPKI; anything else → AppError public_key_invalid. */
export function parsePublicKey(text: string): { pem: string } {
  const key = readKey(text);
  if (key.asymmetricKeyType !== 'rsa') throw invalid(`This is a ${key.asymmetricKeyType ?? 'non-RSA'} key, not RSA.`);
  const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
  if (bits < MIN_RSA_BITS) throw invalid(`This RSA key has ${bits} bits.`);
  return { pem: key.export({ format: 'pem', type: 'spki' }).toString() };
}

/** SHA-256 of the key's DER SPKI, hex, first 16 bytes: enough for an admin to tell keys apart. */
export function publicKeyFingerprint(pem: string): string {
  const der = createPublicKey(pem).export({ format: 'der', type: 'spki' });
  return createHash('sha256').update(der).digest('hex').slice(0, 32).replace(/(..)(?=.)/g, '$1:');
}

export interface ConsumerInfo {
  key: string;
  name: string;
  publicKeyPem: string;
  callbackUrl: string | null;
  allowNoVerifier: boolean;
  createdAt: number;
}

export interface NewConsumer {
  key: string;
  name: string;
  publicKeyText: string;
  callbackUrl?: string | undefined;
  allowNoVerifier?: boolean | undefined;
}

function checkCallbackUrl(value: string): string {
  if (!isAcceptableCallbackUrl(value)) {
    throw new AppError('bad_request', 'callback_invalid', 'The callback URL must be an absolute http or https URL without credentials.', { callbackUrl: 'not an absolute http(s) URL' });
  }
  return value;
}

export class Consumers {
  constructor(private readonly ctx: ServiceContext) {}

  async add(input: NewConsumer): Promise<ConsumerInfo> {
    const key = input.key.trim();
    const name = input.name.trim();
    // Consumer keys travel in signed headers and base strings: printable, no spaces, bounded.
    if (!/^[\x21-\x7e]{1,200}$/.test(key)) {
      throw new AppError('bad_request', 'consumer_key_invalid', 'The consumer key must be 1 to 200 printable characters without spaces.', { key: 'invalid' });
    }
    if (name === '' || name.length > 200) {
      throw new AppError('bad_request', 'consumer_name_invalid', 'The application name must be 1 to 200 characters.', { name: 'invalid' });
    }
    const { pem } = parsePublicKey(input.publicKeyText);
    const callbackUrl = input.callbackUrl ? checkCallbackUrl(input.callbackUrl) : null;
    const createdAt = this.ctx.clock();
    try {
      await this.ctx.db.insertInto('consumers').values({
        consumer_key: key, name, public_key: pem, callback_url: callbackUrl,
        allow_no_verifier: input.allowNoVerifier ? 1 : 0, created_at: createdAt,
      }).execute();
    } catch (err) {
      if (this.ctx.dialect.isUniqueViolation(err)) {
        throw new AppError('conflict', 'consumer_exists', `An application link with the consumer key "${key}" already exists.`, { key: 'already used' });
      }
      throw err;
    }
    return { key, name, publicKeyPem: pem, callbackUrl, allowNoVerifier: input.allowNoVerifier === true, createdAt };
  }

  async list(): Promise<ConsumerInfo[]> {
    const rows = await this.ctx.db.selectFrom('consumers').selectAll().orderBy('consumer_key').execute();
    return rows.map((row) => ({
      key: row.consumer_key, name: row.name, publicKeyPem: row.public_key, callbackUrl: row.callback_url,
      allowNoVerifier: row.allow_no_verifier === 1, createdAt: Number(row.created_at),
    }));
  }

  /** Removes the link with all its tokens and nonces; whether it existed. */
  async remove(key: string): Promise<boolean> {
    return this.ctx.db.transaction().execute(async (tx) => {
      // Explicit rather than relying on ON DELETE CASCADE, which SQLite applies only with foreign_keys on.
      await tx.deleteFrom('access_tokens').where('consumer_key', '=', key).execute();
      await tx.deleteFrom('request_tokens').where('consumer_key', '=', key).execute();
      await tx.deleteFrom('oauth_nonces').where('consumer_key', '=', key).execute();
      const result = await tx.deleteFrom('consumers').where('consumer_key', '=', key).executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    });
  }
}
