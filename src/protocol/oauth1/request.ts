// RFC 5849 section 3.5 (Parameter Transmission) and 3.4.1.3.1 (Parameter Sources): where the protocol
// and signed parameters of a request come from. Sources: the `Authorization: OAuth …` header (3.5.1; its
// realm is ignored), the query string (3.5.3) and a single-part application/x-www-form-urlencoded body
// (3.5.2). A JSON or any other body is never signed (Tessera, like Jira, implements no oauth_body_hash).
// A protocol parameter (oauth_*) that appears twice, in any combination of sources, is 400 parameter_rejected:
// two values leave it open which one the signature covered.
// Header values are percent-decoded, not form-decoded (a raw "+" stays "+"): see percent-encoding.ts.
// Left out: multipart bodies, oauth_body_hash, header parameters spread over several Authorization headers.
import { parseFormEncoded, percentDecode } from './percent-encoding.js';
import { OAuthProblem } from './problems.js';

/** The parts of an HTTP request the protocol needs, uninterpreted. */
export interface RawRequest {
  method: string;
  /** As sent, without the query. */
  path: string;
  /** Raw, without the "?". */
  query: string;
  authorization?: string | undefined;
  contentType?: string | undefined;
  /** Raw body text; only read when the content type is application/x-www-form-urlencoded. */
  body?: string | undefined;
}

export interface CollectedParameters {
  /** The oauth_* parameters by name (oauth_signature included, realm never). */
  protocol: Record<string, string>;
  /** Every parameter that goes into the base string (RFC 5849 3.4.1.3.1): all sources, minus oauth_signature. */
  signed: Array<[string, string]>;
  /** oauth_signature as decoded, or '' when absent. */
  signature: string;
}

const malformed = (advice: string) => new OAuthProblem('parameter_rejected', { advice });

/**
 * The parameters of an `Authorization: OAuth …` header value, percent-decoded, realm left out.
 * Null when the scheme is not OAuth (Basic, Bearer: not ours to read). Throws parameter_rejected when the
 * header says OAuth but is not a comma-separated list of name="value" (RFC 2617 auth-params; an unquoted
 * token value is tolerated).
 */
export function parseAuthorizationHeader(value: string): Array<[string, string]> | null {
  const scheme = /^\s*OAuth(?=\s|$)/i.exec(value);
  if (!scheme) return null;
  const text = value.slice(scheme[0].length);
  const pairs: Array<[string, string]> = [];
  let i = 0;
  const skipSpace = () => { while (i < text.length && /\s/.test(text[i] as string)) i++; };
  while (i < text.length) {
    skipSpace();
    if (text[i] === ',') { i++; continue; } // tolerate empty list elements and trailing commas
    if (i >= text.length) break;
    const name = /^[^\s=,"]+/.exec(text.slice(i))?.[0];
    if (!name) throw malformed('The Authorization header is not a list of name="value" parameters.');
    i += name.length;
    skipSpace();
    if (text[i] !== '=') throw malformed(`The Authorization header parameter ${name} has no value.`);
    i++;
    skipSpace();
    let raw: string;
    if (text[i] === '"') {
      i++;
      raw = '';
      while (i < text.length && text[i] !== '"') {
        if (text[i] === '\\' && i + 1 < text.length) i++;
        raw += text[i];
        i++;
      }
      if (text[i] !== '"') throw malformed(`The Authorization header parameter ${name} has an unterminated quoted value.`);
      i++;
    } else {
      raw = /^[^\s,"]*/.exec(text.slice(i))?.[0] ?? '';
      i += raw.length;
    }
    skipSpace();
    if (i < text.length && text[i] !== ',') throw malformed('The Authorization header parameters must be separated by commas.');
    // realm is a plain quoted-string, not percent-encoded, and never signed (RFC 5849 3.4.1.3.1).
    if (name.toLowerCase() === 'realm') continue;
    pairs.push([percentDecode(name), percentDecode(raw)]);
  }
  return pairs;
}

/** True for application/x-www-form-urlencoded, whatever its parameters (charset) and case. */
export function isFormContentType(contentType: string | undefined): boolean {
  return (contentType ?? '').split(';')[0]?.trim().toLowerCase() === 'application/x-www-form-urlencoded';
}

/** All parameters of a request, from header, query and form body, with duplicate protocol parameters refused. */
export function collectParameters(raw: RawRequest): CollectedParameters {
  const header = raw.authorization ? parseAuthorizationHeader(raw.authorization) ?? [] : [];
  const query = parseFormEncoded(raw.query);
  const body = isFormContentType(raw.contentType) && raw.body ? parseFormEncoded(raw.body) : [];
  const all = [...header, ...query, ...body];
  const protocol: Record<string, string> = {};
  for (const [name, value] of all) {
    if (!name.startsWith('oauth_')) continue;
    if (Object.hasOwn(protocol, name)) throw malformed(`The parameter ${name} appears more than once.`);
    protocol[name] = value;
  }
  return {
    protocol,
    signed: all.filter(([name]) => name !== 'oauth_signature'),
    signature: protocol['oauth_signature'] ?? '',
  };
}
