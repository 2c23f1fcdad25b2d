// WebAuthn Level 3 (W3C) ceremonies for passkeys as a second factor: registration (§7.1) and authentication
// (§7.2), through @simplewebauthn/server 13. Pure: the caller passes the relying party, the challenge it kept
// and the stored credential, and persists what comes back. What is ours is the policy:
// - user verification required at both ceremonies (a passkey is then "something you have" unlocked by
//   "something you are or know"), attestation 'none' (we do not vet authenticator makes);
// - the signature counter (§6.1.1) must increase whenever either side has a non-zero one, and is judged only
//   after the signature verified, so a forged response always reads "bad signature" and a counter problem
//   means a genuine key whose counter went backwards: a clone, or a replay;
// - every expected failure comes back as a value, never as an exception.
// The clientData and authenticator-data checks run here before the library repeats them, so each problem has
// a name of its own instead of depending on the library's error messages.
// Left out: attestation statements checked against FIDO metadata, conditional UI (autofill), usernameless
// (first-factor) passkey login.
import { createHash, timingSafeEqual } from 'node:crypto';
import {
  generateAuthenticationOptions, generateRegistrationOptions, verifyAuthenticationResponse, verifyRegistrationResponse,
  type AuthenticationResponseJSON, type AuthenticatorTransportFuture, type PublicKeyCredentialCreationOptionsJSON,
  type PublicKeyCredentialRequestOptionsJSON, type RegistrationResponseJSON,
} from '@simplewebauthn/server';
import { decodeAttestationObject, isoBase64URL, parseAuthenticatorData } from '@simplewebauthn/server/helpers';

export interface RelyingParty {
  /** The RP ID: the host name of the public base URL (WebAuthn scopes credentials to it). */
  id: string;
  name: string;
  /** The origin the browser reports in clientDataJSON: scheme, host and port of the base URL. */
  origin: string;
}

export const relyingPartyOf = (baseUrl: string, name: string): RelyingParty => {
  const url = new URL(baseUrl);
  return { id: url.hostname, name, origin: url.origin };
};

/** How long the browser may take (the authenticator's prompt); the server keeps the challenge a little longer. */
export const CEREMONY_TIMEOUT_MS = 120_000;

export type CeremonyProblem =
  | 'malformed' // not a WebAuthn response at all, or one the library cannot parse
  | 'wrong_ceremony' // a registration answer to an authentication challenge, or the other way round
  | 'challenge_mismatch' // signed over another challenge (an old or foreign response)
  | 'wrong_site' // another origin or RP ID (phishing site, wrong base URL)
  | 'user_not_verified' // the authenticator did not verify its user (PIN, biometrics)
  | 'bad_signature'
  | 'counter_not_increased';

export type Ceremony<T> = ({ ok: true } & T) | { ok: false; problem: CeremonyProblem };

export interface StoredCredential {
  id: string; // base64url
  publicKey: string; // COSE, base64url
  counter: number;
  transports: string[];
}

export function registrationOptions(input: {
  rp: RelyingParty; userHandle: Uint8Array; userName: string; displayName: string; exclude: Pick<StoredCredential, 'id' | 'transports'>[];
}): Promise<PublicKeyCredentialCreationOptionsJSON> {
  return generateRegistrationOptions({
    rpName: input.rp.name, rpID: input.rp.id, userName: input.userName, userDisplayName: input.displayName,
    userID: Uint8Array.from(input.userHandle), timeout: CEREMONY_TIMEOUT_MS, attestationType: 'none',
    excludeCredentials: input.exclude.map((c) => ({ id: c.id, transports: c.transports as AuthenticatorTransportFuture[] })),
    authenticatorSelection: { residentKey: 'preferred', userVerification: 'required' },
  });
}

export function authenticationOptions(input: { rp: RelyingParty; allow: Pick<StoredCredential, 'id' | 'transports'>[] }): Promise<PublicKeyCredentialRequestOptionsJSON> {
  return generateAuthenticationOptions({
    rpID: input.rp.id, timeout: CEREMONY_TIMEOUT_MS, userVerification: 'required',
    allowCredentials: input.allow.map((c) => ({ id: c.id, transports: c.transports as AuthenticatorTransportFuture[] })),
  });
}

/** The credential id a response names, if it looks like a response at all (to look the credential up). */
export function responseCredentialId(response: unknown): string | undefined {
  const r = response as { id?: unknown; rawId?: unknown } | null;
  return typeof r === 'object' && r !== null && typeof r.id === 'string' && r.id === r.rawId && isoBase64URL.isBase64URL(r.id) && r.id.length <= 1400
    ? r.id : undefined;
}

export async function verifyRegistration(input: { rp: RelyingParty; expectedChallenge: string; response: unknown }):
  Promise<Ceremony<{ credential: StoredCredential }>> {
  const response = input.response as RegistrationResponseJSON;
  if (!responseCredentialId(response) || response.type !== 'public-key' || !isBase64Url(response.response?.attestationObject)) return fail('malformed');
  const pre = checkClientData(response.response.clientDataJSON, 'webauthn.create', input);
  if (pre) return fail(pre);
  let authData: AuthData;
  try {
    authData = decodeAttestationObject(isoBase64URL.toBuffer(response.response.attestationObject)).get('authData');
  } catch {
    return fail('malformed');
  }
  const flagsProblem = checkAuthenticatorData(authData, input.rp);
  if (flagsProblem) return fail(flagsProblem);
  try {
    const result = await verifyRegistrationResponse({
      response, expectedChallenge: input.expectedChallenge, expectedOrigin: input.rp.origin, expectedRPID: input.rp.id,
      requireUserVerification: true,
    });
    if (!result.verified) return fail('bad_signature');
    const { credential } = result.registrationInfo;
    return {
      ok: true,
      credential: {
        id: credential.id, publicKey: isoBase64URL.fromBuffer(credential.publicKey), counter: credential.counter,
        transports: (response.response.transports ?? []).filter((t) => typeof t === 'string').slice(0, 8),
      },
    };
  } catch {
    return fail('malformed');
  }
}

export async function verifyAuthentication(input: { rp: RelyingParty; expectedChallenge: string; response: unknown; credential: StoredCredential }):
  Promise<Ceremony<{ newCounter: number }>> {
  const response = input.response as AuthenticationResponseJSON;
  if (responseCredentialId(response) !== input.credential.id || response.type !== 'public-key'
    || !isBase64Url(response.response?.authenticatorData) || !isBase64Url(response.response?.signature)) return fail('malformed');
  const pre = checkClientData(response.response.clientDataJSON, 'webauthn.get', input);
  if (pre) return fail(pre);
  const flagsProblem = checkAuthenticatorData(isoBase64URL.toBuffer(response.response.authenticatorData), input.rp);
  if (flagsProblem) return fail(flagsProblem);
  let result: Awaited<ReturnType<typeof verifyAuthenticationResponse>>;
  try {
    result = await verifyAuthenticationResponse({
      response, expectedChallenge: input.expectedChallenge, expectedOrigin: input.rp.origin, expectedRPID: input.rp.id,
      requireUserVerification: true,
      // Counter 0 here: the library's own counter check runs before the signature; ours runs after it (below).
      credential: { id: input.credential.id, publicKey: isoBase64URL.toBuffer(input.credential.publicKey), counter: 0 },
    });
  } catch {
    return fail('malformed');
  }
  if (!result.verified) return fail('bad_signature');
  const newCounter = result.authenticationInfo.newCounter;
  if (!counterAdvances(input.credential.counter, newCounter)) return fail('counter_not_increased');
  return { ok: true, newCounter };
}

/** §6.1.1: authenticators without a counter send 0 forever; any other value must go up every time. */
export function counterAdvances(stored: number, received: number): boolean {
  return (stored === 0 && received === 0) || received > stored;
}

function checkClientData(encoded: unknown, type: string, input: { rp: RelyingParty; expectedChallenge: string }): CeremonyProblem | undefined {
  if (!isBase64Url(encoded)) return 'malformed';
  let data: { type?: unknown; challenge?: unknown; origin?: unknown };
  try {
    data = JSON.parse(Buffer.from(encoded, 'base64url').toString('utf8')) as typeof data;
  } catch {
    return 'malformed';
  }
  if (typeof data !== 'object' || data === null) return 'malformed';
  if (data.type !== type) return data.type === 'webauthn.create' || data.type === 'webauthn.get' ? 'wrong_ceremony' : 'malformed';
  if (typeof data.challenge !== 'string' || !sameString(data.challenge, input.expectedChallenge)) return 'challenge_mismatch';
  if (data.origin !== input.rp.origin) return 'wrong_site';
  return undefined;
}

type AuthData = Parameters<typeof parseAuthenticatorData>[0];

function checkAuthenticatorData(authData: AuthData, rp: RelyingParty): CeremonyProblem | undefined {
  let parsed: ReturnType<typeof parseAuthenticatorData>;
  try {
    parsed = parseAuthenticatorData(authData);
  } catch {
    return 'malformed';
  }
  if (!sameBytes(parsed.rpIdHash, createHash('sha256').update(rp.id, 'utf8').digest())) return 'wrong_site';
  if (!parsed.flags.up || !parsed.flags.uv) return 'user_not_verified';
  return undefined;
}

const fail = (problem: CeremonyProblem): { ok: false; problem: CeremonyProblem } => ({ ok: false, problem });
const isBase64Url = (v: unknown): v is string => typeof v === 'string' && v.length > 0 && v.length < 65536 && isoBase64URL.isBase64URL(v);
/** The challenge is no secret (the browser was given it), but comparing in constant time costs nothing. */
const sameString = (a: string, b: string) => sameBytes(createHash('sha256').update(a).digest(), createHash('sha256').update(b).digest());
const sameBytes = (a: Uint8Array, b: Uint8Array) => a.length === b.length && timingSafeEqual(a, b);
