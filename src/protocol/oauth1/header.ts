// RFC 5849 section 3.5.1 (Authorization Header), the sending side: `OAuth realm="…", name="value", …` with
// names and values percent-encoded (3.6) and the realm as a plain quoted-string. Used by our client; the
// receiving side is parseAuthorizationHeader in request.ts.
// Left out: line folding, header parameters other than those given.
import { percentEncode } from './percent-encoding.js';
import { quoteString } from './problems.js';

export function buildAuthorizationHeader(
  params: Record<string, string> | ReadonlyArray<readonly [string, string]>,
  realm?: string,
): string {
  const pairs = Array.isArray(params) ? params : Object.entries(params);
  const parts = pairs.map(([name, value]) => `${percentEncode(name)}="${percentEncode(value)}"`);
  if (realm !== undefined) parts.unshift(`realm=${quoteString(realm)}`);
  return `OAuth ${parts.join(', ')}`;
}
