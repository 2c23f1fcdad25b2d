// An OAuth 1.0a client for Tessera (and Jira) application links: request token, authorize URL, access token,
// signed REST calls. It signs with the very protocol code the server verifies with (src/protocol/oauth1) and
// imports nothing of the server. Parameters travel in the Authorization header; the query is signed; a JSON
// body is not (RFC 5849 signs only form bodies, and Jira implements no oauth_body_hash).
import { randomBytes } from 'node:crypto';
import { baseStringUri, signatureBaseString } from '../protocol/oauth1/base-string.js';
import { buildAuthorizationHeader } from '../protocol/oauth1/header.js';
import { formEncode, parseFormEncoded, percentEncode } from '../protocol/oauth1/percent-encoding.js';
import { parseAuthorizationHeader } from '../protocol/oauth1/request.js';
import { sign, type SignatureMethod } from '../protocol/oauth1/signature.js';

export const REQUEST_TOKEN_PATH = '/plugins/servlet/oauth/request-token';
export const AUTHORIZE_PATH = '/plugins/servlet/oauth/authorize';
export const ACCESS_TOKEN_PATH = '/plugins/servlet/oauth/access-token';

export interface OAuthClientOptions {
  /** The server's public base URL (with its context path, if any). */
  baseUrl: string;
  consumerKey: string;
  /** PEM private key of the application link, for the RSA methods. */
  privateKeyPem?: string | undefined;
  /** Shared secret, for an HMAC or PLAINTEXT application link. */
  consumerSecret?: string | undefined;
  signatureMethod?: SignatureMethod;
  /** Milliseconds since the epoch; the timestamp of each signature. */
  now?: () => number;
  fetch?: typeof fetch;
}

export interface TokenPair {
  token: string;
  tokenSecret: string;
}

export interface RequestToken extends TokenPair {
  callbackConfirmed: boolean;
}

export interface AccessToken extends TokenPair {
  expiresIn?: number | undefined;
  sessionHandle?: string | undefined;
  authorizationExpiresIn?: number | undefined;
}

/** What the server said about a refused OAuth request (Problem Reporting fields, when it gave them). */
export interface ProblemReport {
  problem?: string | undefined;
  advice?: string | undefined;
  parametersAbsent?: string[] | undefined;
  baseString?: string | undefined;
  acceptableTimestamps?: string | undefined;
}

export class OAuthClientError extends Error {
  constructor(readonly status: number, readonly report: ProblemReport, readonly body: string) {
    const parts = [`HTTP ${status}`];
    if (report.problem) parts.push(`oauth_problem=${report.problem}`);
    if (report.parametersAbsent?.length) parts.push(`missing ${report.parametersAbsent.join(', ')}`);
    if (report.advice) parts.push(report.advice);
    if (report.acceptableTimestamps) parts.push(`acceptable timestamps ${report.acceptableTimestamps}`);
    super(parts.join(': '));
    this.name = 'OAuthClientError';
  }

  get problem(): string | undefined { return this.report.problem; }
  get baseString(): string | undefined { return this.report.baseString; }
}

export interface ClientRequest {
  method?: string;
  /** Path under the base URL, e.g. /rest/api/2/myself; may carry a query string. */
  path: string;
  /** Sent as JSON (and, being JSON, not signed). */
  body?: unknown;
  /** The access token (its secret matters only to HMAC and PLAINTEXT links). */
  token?: TokenPair | string | undefined;
  query?: Record<string, string | number | boolean | ReadonlyArray<string>> | undefined;
}

export interface ClientResponse {
  status: number;
  headers: Headers;
  body: string;
  /** The parsed body when the server answered JSON. */
  json?: unknown;
  /** Problem Reporting fields from WWW-Authenticate or a form body, when the server refused the signature. */
  problem?: ProblemReport | undefined;
}

const tokenPair = (token: TokenPair | string): TokenPair => (typeof token === 'string' ? { token, tokenSecret: '' } : token);

function safeParseForm(text: string): Map<string, string> {
  try {
    return new Map(parseFormEncoded(text.trim()));
  } catch {
    return new Map();
  }
}

/** Problem Reporting fields from a response: the form body first, then the WWW-Authenticate header. */
function problemOf(headers: Headers, body: string): ProblemReport | undefined {
  const form = /^[\w%.~+-]+=/.test(body.trim()) ? safeParseForm(body) : new Map<string, string>();
  let problem = form.get('oauth_problem');
  const challenge = headers.get('www-authenticate');
  if (!problem && challenge) {
    try {
      problem = new Map(parseAuthorizationHeader(challenge) ?? []).get('oauth_problem');
    } catch { /* not an OAuth challenge we can read */ }
  }
  if (!problem) return undefined;
  const absent = form.get('oauth_parameters_absent');
  return {
    problem,
    advice: form.get('oauth_problem_advice'),
    parametersAbsent: absent ? absent.split('&') : undefined,
    baseString: form.get('oauth_signature_base_string'),
    acceptableTimestamps: form.get('oauth_acceptable_timestamps'),
  };
}

export class OAuthClient {
  readonly baseUrl: string;
  readonly consumerKey: string;
  readonly signatureMethod: SignatureMethod;
  private readonly privateKeyPem: string | undefined;
  private readonly consumerSecret: string | undefined;
  private readonly now: () => number;
  private readonly fetch: typeof fetch;

  constructor(options: OAuthClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.consumerKey = options.consumerKey;
    this.signatureMethod = options.signatureMethod ?? 'RSA-SHA1';
    this.privateKeyPem = options.privateKeyPem;
    this.consumerSecret = options.consumerSecret;
    this.now = options.now ?? Date.now;
    this.fetch = options.fetch ?? globalThis.fetch;
  }

  /** Where the user allows the application. */
  authorizeUrl(token: string): string {
    return `${this.baseUrl}${AUTHORIZE_PATH}?oauth_token=${percentEncode(token)}`;
  }

  /**
   * The Authorization header for a request to `url` (absolute, query included, exactly as it will be sent),
   * with `extra` protocol parameters (oauth_callback, oauth_verifier) and the form parameters of the body.
   */
  authorization(method: string, url: string, options: { token?: TokenPair | undefined; extra?: Record<string, string>; form?: Array<[string, string]> } = {}): string {
    const target = new URL(url);
    const params: Array<[string, string]> = [
      ['oauth_consumer_key', this.consumerKey],
      ['oauth_nonce', randomBytes(16).toString('hex')],
      ['oauth_signature_method', this.signatureMethod],
      ['oauth_timestamp', String(Math.floor(this.now() / 1000))],
      ['oauth_version', '1.0'],
    ];
    if (options.token) params.push(['oauth_token', options.token.token]);
    for (const [name, value] of Object.entries(options.extra ?? {})) params.push([name, value]);
    const signed = [...params, ...parseFormEncoded(target.search.slice(1)), ...(options.form ?? [])];
    const baseString = signatureBaseString(method, baseStringUri(target.origin, target.pathname), signed);
    const signature = sign(this.signatureMethod, baseString, {
      privateKey: this.privateKeyPem, consumerSecret: this.consumerSecret, tokenSecret: options.token?.tokenSecret,
    });
    return buildAuthorizationHeader([...params, ['oauth_signature', signature]]);
  }

  private async tokenRequest(path: string, token: TokenPair | undefined, extra: Record<string, string>): Promise<Map<string, string>> {
    const url = this.baseUrl + path;
    const res = await this.fetch(url, { method: 'POST', headers: { authorization: this.authorization('POST', url, { token, extra }) } });
    const body = await res.text();
    if (!res.ok) throw new OAuthClientError(res.status, problemOf(res.headers, body) ?? {}, body);
    const fields = safeParseForm(body);
    if (!fields.get('oauth_token') || !fields.has('oauth_token_secret')) {
      throw new OAuthClientError(res.status, { advice: 'The answer holds no oauth_token and oauth_token_secret.' }, body);
    }
    return fields;
  }

  /** Step 1: a request token, with `oob` (the user copies the verifier) or a callback URL. */
  async requestToken(callback = 'oob'): Promise<RequestToken> {
    const fields = await this.tokenRequest(REQUEST_TOKEN_PATH, undefined, { oauth_callback: callback });
    return {
      token: fields.get('oauth_token') as string,
      tokenSecret: fields.get('oauth_token_secret') as string,
      callbackConfirmed: fields.get('oauth_callback_confirmed') === 'true',
    };
  }

  /** Step 3: the access token for an authorized request token and its verifier. */
  async accessToken(requestToken: TokenPair | string, verifier: string): Promise<AccessToken> {
    const fields = await this.tokenRequest(ACCESS_TOKEN_PATH, tokenPair(requestToken), { oauth_verifier: verifier });
    const number = (name: string) => (fields.has(name) ? Number(fields.get(name)) : undefined);
    return {
      token: fields.get('oauth_token') as string,
      tokenSecret: fields.get('oauth_token_secret') as string,
      expiresIn: number('oauth_expires_in'),
      sessionHandle: fields.get('oauth_session_handle'),
      authorizationExpiresIn: number('oauth_authorization_expires_in'),
    };
  }

  /** A signed call; answers whatever the server answered (check `status`), with `problem` when OAuth refused it. */
  async request(request: ClientRequest): Promise<ClientResponse> {
    const method = (request.method ?? 'GET').toUpperCase();
    const path = request.path.startsWith('/') ? request.path : `/${request.path}`;
    const q = path.indexOf('?');
    const pairs = q === -1 ? [] : parseFormEncoded(path.slice(q + 1));
    for (const [name, value] of Object.entries(request.query ?? {})) {
      for (const one of Array.isArray(value) ? value : [String(value)]) pairs.push([name, one]);
    }
    // Our own encoding of the query, so that what is signed is exactly what the server will decode.
    const target = new URL(this.baseUrl + (q === -1 ? path : path.slice(0, q)));
    const url = `${target.origin}${target.pathname}${pairs.length ? `?${formEncode(pairs)}` : ''}`;
    const headers: Record<string, string> = {
      authorization: this.authorization(method, url, { token: request.token === undefined ? undefined : tokenPair(request.token) }),
      accept: 'application/json',
    };
    let body: string | undefined;
    if (request.body !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(request.body);
    }
    const res = await this.fetch(url, { method, headers, ...(body === undefined ? {} : { body }) });
    const text = await res.text();
    let json: unknown;
    if (/json/i.test(res.headers.get('content-type') ?? '') && text.trim() !== '') {
      try { json = JSON.parse(text); } catch { json = undefined; }
    }
    return {
      status: res.status, headers: res.headers, body: text, ...(json === undefined ? {} : { json }),
      problem: res.ok ? undefined : problemOf(res.headers, text),
    };
  }
}
