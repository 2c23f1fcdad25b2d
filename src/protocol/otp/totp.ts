// RFC 4226 (HOTP) and RFC 6238 (TOTP), as pure functions: the caller passes the stored secret, the clock and
// the last step it accepted, and persists the step that comes back. The HMAC and truncation are otpauth's;
// what is ours is the policy a 2FA product needs: SHA-1, 6 digits, 30 s steps, ±1 step of clock drift, and
// each step's code accepted at most once (RFC 6238 §5.2: "the verifier MUST NOT accept the second attempt
// of the same OTP"). Every candidate step is compared in constant time, with no early exit.
// Left out: HOTP counters as a login factor (resynchronisation windows), other algorithms for enrolment.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { HOTP, Secret, TOTP } from 'otpauth';

export const TOTP_PERIOD_SECONDS = 30;
export const TOTP_DIGITS = 6;
export const TOTP_ALGORITHM = 'SHA1';
/** Steps of clock drift accepted either side of now: one (RFC 6238 §6 recommends at most one). */
export const TOTP_DRIFT_STEPS = 1;

export type OtpAlgorithm = 'SHA1' | 'SHA256' | 'SHA512';

export function hotp(secret: Uint8Array, counter: number, options: { digits?: number; algorithm?: OtpAlgorithm } = {}): string {
  return HOTP.generate({
    secret: new Secret({ buffer: Uint8Array.from(secret).buffer }), counter,
    digits: options.digits ?? TOTP_DIGITS, algorithm: options.algorithm ?? TOTP_ALGORITHM,
  });
}

/** The RFC 6238 time step of a moment: floor((unix seconds − T0) / X), with T0 = 0. */
export function totpStep(nowMs: number, periodSeconds = TOTP_PERIOD_SECONDS): number {
  return Math.floor(nowMs / 1000 / periodSeconds);
}

export function totpAt(secret: Uint8Array, nowMs: number, options: { digits?: number; algorithm?: OtpAlgorithm; periodSeconds?: number } = {}): string {
  return hotp(secret, totpStep(nowMs, options.periodSeconds), options);
}

export function base32Decode(text: string): Uint8Array {
  return new Uint8Array(Secret.fromBase32(text.replace(/[\s=-]/g, '').toUpperCase()).buffer);
}

/** A new TOTP secret: 20 random bytes (160 bits, RFC 4226 §4's recommended length), in base32. */
export function newTotpSecret(): string {
  return new Secret({ buffer: Uint8Array.from(randomBytes(20)).buffer }).base32;
}

/** The `otpauth://totp/…` key URI authenticator apps read from the QR code (Google Authenticator's format). */
export function totpKeyUri(options: { issuer: string; account: string; secretBase32: string }): string {
  return new TOTP({
    issuer: options.issuer, label: options.account, secret: Secret.fromBase32(options.secretBase32),
    algorithm: TOTP_ALGORITHM, digits: TOTP_DIGITS, period: TOTP_PERIOD_SECONDS,
  }).toString();
}

export type TotpCheck =
  | { ok: true; step: number }
  | { ok: false; problem: 'malformed' | 'wrong' | 'reused' };

/**
 * Checks a code typed by a person (spaces allowed) against the secret at `nowMs`. `lastUsedStep` is the
 * newest step accepted before; a code for that step or an older one is `reused`. On success the caller must
 * store `step` with a conditional update (… WHERE last_used_step IS NULL OR last_used_step < step), so two
 * requests racing with one code cannot both pass.
 */
export function checkTotp(input: { secretBase32: string; code: string; nowMs: number; lastUsedStep: number | null }): TotpCheck {
  const code = input.code.replace(/\s+/g, '');
  if (!/^\d{6}$/.test(code)) return { ok: false, problem: 'malformed' };
  const secret = base32Decode(input.secretBase32);
  const now = totpStep(input.nowMs);
  let matched: number | null = null;
  for (let delta = -TOTP_DRIFT_STEPS; delta <= TOTP_DRIFT_STEPS; delta++) {
    const expected = Buffer.from(hotp(secret, now + delta), 'ascii');
    if (timingSafeEqual(expected, Buffer.from(code, 'ascii')) && matched === null) matched = now + delta;
  }
  if (matched === null) return { ok: false, problem: 'wrong' };
  if (input.lastUsedStep !== null && matched <= input.lastUsedStep) return { ok: false, problem: 'reused' };
  return { ok: true, step: matched };
}
