// RFC 4226 Appendix D (HOTP) and RFC 6238 Appendix B (TOTP) vectors, from test/vectors/otp-vectors.json
// (copied from the project's shared cases; see README.md here), then the checks Tessera's TOTP policy adds:
// ±1 step of drift, each step accepted once, malformed input refused.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { Secret, URI } from 'otpauth';
import {
  base32Decode, checkTotp, hotp, newTotpSecret, totpAt, totpKeyUri, totpStep, type OtpAlgorithm,
} from '../../src/protocol/otp/totp.js';

interface Vectors {
  hotp: { secret_ascii: string; secret_base32: string; codes_by_counter: string[] };
  totp: { seeds_ascii: Record<OtpAlgorithm, string>; digits: number; period: number; rows: Array<{ time: number } & Record<OtpAlgorithm, string>> };
  key_uri_examples: string[];
}
const V = JSON.parse(readFileSync(new URL('./otp-vectors.json', import.meta.url), 'utf8')) as Vectors;
const ascii = (s: string) => new Uint8Array(Buffer.from(s, 'ascii'));

describe('RFC 4226 Appendix D: HOTP', () => {
  test('the base32 form of the secret is the ASCII secret', () => {
    assert.deepEqual(base32Decode(V.hotp.secret_base32), ascii(V.hotp.secret_ascii));
  });
  V.hotp.codes_by_counter.forEach((code, counter) => {
    test(`counter ${counter} → ${code}`, () => assert.equal(hotp(ascii(V.hotp.secret_ascii), counter), code));
  });
});

describe('RFC 6238 Appendix B: TOTP (8 digits, 30 s)', () => {
  for (const row of V.totp.rows) {
    for (const algorithm of ['SHA1', 'SHA256', 'SHA512'] as const) {
      test(`T = ${row.time} s, ${algorithm} → ${row[algorithm]}`, () => {
        const code = totpAt(ascii(V.totp.seeds_ascii[algorithm]), row.time * 1000, { digits: V.totp.digits, algorithm, periodSeconds: V.totp.period });
        assert.equal(code, row[algorithm]);
      });
    }
  }
  test('the last row is past 2^32 seconds: the time counter is not truncated to 32 bits', () => {
    const last = V.totp.rows.at(-1)!;
    assert.ok(last.time > 2 ** 32);
    assert.equal(totpStep(last.time * 1000), Math.floor(last.time / 30));
  });
});

describe("Tessera's TOTP check (SHA-1, 6 digits, ±1 step, once per step)", () => {
  const secretBase32 = V.hotp.secret_base32;
  const secret = base32Decode(secretBase32);
  const now = 1_700_000_015_000; // inside step 56666667
  const step = totpStep(now);
  const codeAt = (s: number) => hotp(secret, s);

  test('6-digit codes are the last 6 digits of the 8-digit vectors', () => {
    const row = V.totp.rows[0]!;
    assert.equal(totpAt(ascii(V.totp.seeds_ascii.SHA1), row.time * 1000), row.SHA1.slice(-6));
  });
  test('the current step, one before and one after are accepted, each reporting its step', () => {
    for (const delta of [-1, 0, 1]) {
      assert.deepEqual(checkTotp({ secretBase32, code: codeAt(step + delta), nowMs: now, lastUsedStep: null }), { ok: true, step: step + delta });
    }
  });
  test('two steps away is refused, either way', () => {
    for (const delta of [-2, 2]) {
      assert.deepEqual(checkTotp({ secretBase32, code: codeAt(step + delta), nowMs: now, lastUsedStep: null }), { ok: false, problem: 'wrong' });
    }
  });
  test('a code whose step was already used (or an older one) is refused as reused', () => {
    assert.deepEqual(checkTotp({ secretBase32, code: codeAt(step), nowMs: now, lastUsedStep: step }), { ok: false, problem: 'reused' });
    assert.deepEqual(checkTotp({ secretBase32, code: codeAt(step - 1), nowMs: now, lastUsedStep: step }), { ok: false, problem: 'reused' });
    assert.deepEqual(checkTotp({ secretBase32, code: codeAt(step + 1), nowMs: now, lastUsedStep: step }), { ok: true, step: step + 1 });
  });
  test('spaces are allowed; anything but six digits is malformed', () => {
    const c = codeAt(step);
    assert.equal(checkTotp({ secretBase32, code: `${c.slice(0, 3)} ${c.slice(3)}`, nowMs: now, lastUsedStep: null }).ok, true);
    for (const bad of ['', '12345', '1234567', 'abcdef', '12345a', '１２３４５６']) {
      assert.deepEqual(checkTotp({ secretBase32, code: bad, nowMs: now, lastUsedStep: null }), { ok: false, problem: 'malformed' }, bad);
    }
  });
  test('a wrong code is wrong', () => {
    const wrong = String((Number(codeAt(step)) + 1) % 1_000_000).padStart(6, '0');
    assert.equal(checkTotp({ secretBase32, code: wrong, nowMs: now, lastUsedStep: null }).ok, false);
  });
});

describe('secrets and key URIs', () => {
  test('a new secret is 160 random bits in base32, different each time', () => {
    const a = newTotpSecret();
    assert.match(a, /^[A-Z2-7]{32}$/);
    assert.equal(base32Decode(a).length, 20);
    assert.notEqual(a, newTotpSecret());
  });
  test('the key URI carries issuer, account and parameters, and parses back (with the example URIs)', () => {
    const uri = totpKeyUri({ issuer: 'Tessera', account: 'alice', secretBase32: V.hotp.secret_base32 });
    assert.match(uri, /^otpauth:\/\/totp\/Tessera:alice\?/);
    const parsed = URI.parse(uri);
    assert.equal(parsed.issuer, 'Tessera');
    assert.equal(parsed.label, 'alice');
    assert.equal(parsed.secret.base32, V.hotp.secret_base32);
    assert.equal((parsed as unknown as { period: number }).period, 30);
    assert.equal(parsed.digits, 6);
    assert.equal(parsed.algorithm, 'SHA1');
    for (const example of V.key_uri_examples) assert.ok(URI.parse(example).secret instanceof Secret, example);
  });
});
