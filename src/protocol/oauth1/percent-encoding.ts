// RFC 5849 section 3.6 (Percent Encoding) and the decoding side of sections 3.4.1.3.1 and 3.5.
// Encoding: UTF-8 bytes, everything but the unreserved set ALPHA DIGIT "-" "." "_" "~" becomes %XX with
// upper-case hex. Decoding is strict: a "%" not followed by two hex digits, or bytes that are not UTF-8, are
// a parameter_rejected problem, never silently repaired (a repaired value would sign differently on each side).
// Form decoding ("+" means space) applies only to the query string and to application/x-www-form-urlencoded
// bodies. Header values are percent-decoded only: a raw "+" in a quoted Authorization header value stays "+"
// (Tessera's deliberate, documented difference; RFC 5849 3.5.1 has header values percent-encoded, so a
// conforming client never sends a raw "+" there anyway).
// Left out: encodings other than UTF-8.
import { OAuthProblem } from './problems.js';

const HEX = '0123456789ABCDEF';

function isUnreserved(byte: number): boolean {
  return (byte >= 0x41 && byte <= 0x5a) // A-Z
    || (byte >= 0x61 && byte <= 0x7a) // a-z
    || (byte >= 0x30 && byte <= 0x39) // 0-9
    || byte === 0x2d || byte === 0x2e || byte === 0x5f || byte === 0x7e; // - . _ ~
}

/** RFC 5849 3.6: the one encoding used for base strings, keys, headers and our own form bodies. */
export function percentEncode(value: string): string {
  let out = '';
  for (const byte of Buffer.from(value, 'utf8')) {
    out += isUnreserved(byte) ? String.fromCharCode(byte) : `%${HEX[byte >> 4]}${HEX[byte & 15]}`;
  }
  return out;
}

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

function hexValue(code: number): number {
  if (code >= 0x30 && code <= 0x39) return code - 0x30;
  if (code >= 0x41 && code <= 0x46) return code - 0x37;
  if (code >= 0x61 && code <= 0x66) return code - 0x57;
  return -1;
}

/** Strict percent-decoding to UTF-8; "+" is left alone. Throws OAuthProblem parameter_rejected. */
export function percentDecode(value: string): string {
  if (!value.includes('%')) return value;
  const raw = Buffer.from(value, 'utf8');
  const bytes: number[] = [];
  for (let i = 0; i < raw.length; i++) {
    const byte = raw[i] as number;
    if (byte !== 0x25) { bytes.push(byte); continue; }
    const hi = hexValue(raw[i + 1] ?? -1);
    const lo = hexValue(raw[i + 2] ?? -1);
    if (hi < 0 || lo < 0) {
      throw new OAuthProblem('parameter_rejected', { advice: 'A parameter holds a malformed percent-encoding.' });
    }
    bytes.push(hi * 16 + lo);
    i += 2;
  }
  try {
    return utf8.decode(Uint8Array.from(bytes));
  } catch {
    throw new OAuthProblem('parameter_rejected', { advice: 'A parameter is not percent-encoded UTF-8.' });
  }
}

/** application/x-www-form-urlencoded decoding: "+" is a space, then strict percent-decoding. */
export function formDecode(value: string): string {
  return percentDecode(value.replace(/\+/g, ' '));
}

/**
 * Splits a query string or form body into decoded pairs (RFC 5849 3.4.1.3.1): "a" without "=" is ("a", ""),
 * empty segments ("a=1&&b=2") are skipped.
 */
export function parseFormEncoded(text: string): Array<[string, string]> {
  const pairs: Array<[string, string]> = [];
  for (const segment of text.split('&')) {
    if (segment === '') continue;
    const eq = segment.indexOf('=');
    const name = eq === -1 ? segment : segment.slice(0, eq);
    const value = eq === -1 ? '' : segment.slice(eq + 1);
    pairs.push([formDecode(name), formDecode(value)]);
  }
  return pairs;
}

/** Serialises pairs as a form body with RFC 5849 3.6 encoding (what our responses and our client send). */
export function formEncode(pairs: ReadonlyArray<readonly [string, string]>): string {
  return pairs.map(([name, value]) => `${percentEncode(name)}=${percentEncode(value)}`).join('&');
}
