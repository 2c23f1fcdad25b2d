// RFC 5849 section 3.4.1 (Signature Base String): 3.4.1.2 base string URI, 3.4.1.3.2 parameter
// normalisation, 3.4.1.1 the string itself.
// The URI is built from the configured public base URL (scheme, host, port, context path) plus the request
// path as sent, never from what the socket saw: behind a TLS proxy the socket sees http while the client
// signed https, the most reported cause of signature_invalid with Jira.
// Left out: nothing of 3.4.1; the path is deliberately not normalised (kept as sent, as clients sign it).
import { percentEncode } from './percent-encoding.js';

/**
 * RFC 5849 3.4.1.2: scheme and host lower-cased, default port (80 for http, 443 for https) dropped, the base
 * URL's own path (a context path such as /jira) prefixed to the request path, which is kept as sent.
 */
export function baseStringUri(baseUrl: string, path: string): string {
  const url = new URL(baseUrl); // lower-cases scheme and host and drops a default port
  const contextPath = url.pathname.replace(/\/+$/, '');
  const requestPath = path === '' ? '/' : path.startsWith('/') ? path : `/${path}`;
  return `${url.protocol}//${url.host}${contextPath}${requestPath}`;
}

/** RFC 5849 3.4.1.3.2: encode names and values, sort by name then value (byte order), join with & and =. */
export function normalizeParameters(pairs: ReadonlyArray<readonly [string, string]>): string {
  const encoded = pairs.map(([name, value]) => [percentEncode(name), percentEncode(value)] as const);
  // Encoded strings are ASCII, so comparing UTF-16 code units is comparing bytes, as the RFC asks.
  const order = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  encoded.sort((a, b) => order(a[0], b[0]) || order(a[1], b[1]));
  return encoded.map(([name, value]) => `${name}=${value}`).join('&');
}

/** RFC 5849 3.4.1.1: METHOD&encoded-uri&encoded-normalised-parameters. */
export function signatureBaseString(method: string, uri: string, pairs: ReadonlyArray<readonly [string, string]>): string {
  return [method.toUpperCase(), percentEncode(uri), percentEncode(normalizeParameters(pairs))].join('&');
}
