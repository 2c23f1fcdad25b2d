// OAuth Problem Reporting (the oauth.net extension to OAuth 1.0, as Jira answers it): one error class
// carrying the problem code, its HTTP status and the optional fields the extension defines, and the
// rendering of a problem as a response (status, WWW-Authenticate, form-encoded body).
// Codes used by Tessera (and the step that reports them):
//   400 version_rejected           oauth_version present and not "1.0"
//   400 parameter_absent           a required parameter is missing (oauth_parameters_absent lists them)
//   400 parameter_rejected         duplicated protocol parameter, malformed encoding/header/callback/timestamp
//   400 timestamp_refused          outside the window (oauth_acceptable_timestamps=min-max)
//   400 signature_method_rejected  unknown method, or a method this application link may not use
//   401 nonce_used                 (consumer, token, timestamp, nonce) seen before
//   401 signature_invalid          (oauth_signature_base_string returned so a developer can diff it)
//   401 consumer_key_unknown       no such application link
//   401 token_rejected             unknown token, token of another consumer, wrong verifier (Jira's choice
//                                  too: the extension has no verifier code), user no longer active
//   401 token_used / token_expired / token_revoked
//   401 permission_unknown         request token not yet authorized by the user
//   401 permission_denied          the user denied the request token
// Left out: consumer_key_rejected/refused, additional_authorization_required, user_refused (never raised).
import { formEncode } from './percent-encoding.js';

export type OAuthProblemCode =
  | 'version_rejected'
  | 'parameter_absent'
  | 'parameter_rejected'
  | 'timestamp_refused'
  | 'signature_method_rejected'
  | 'nonce_used'
  | 'signature_invalid'
  | 'consumer_key_unknown'
  | 'token_rejected'
  | 'token_used'
  | 'token_expired'
  | 'token_revoked'
  | 'permission_unknown'
  | 'permission_denied';

const BAD_REQUEST: ReadonlySet<OAuthProblemCode> = new Set<OAuthProblemCode>([
  'version_rejected', 'parameter_absent', 'parameter_rejected', 'timestamp_refused', 'signature_method_rejected',
]);

export interface OAuthProblemDetails {
  parametersAbsent?: string[];
  advice?: string;
  baseString?: string;
  /** Seconds since the epoch. */
  acceptableTimestamps?: { min: number; max: number };
  acceptableVersions?: { min: string; max: string };
}

export class OAuthProblem extends Error {
  readonly code: OAuthProblemCode;
  readonly status: 400 | 401;
  readonly details: OAuthProblemDetails;

  constructor(code: OAuthProblemCode, details: OAuthProblemDetails = {}) {
    super(details.advice ? `${code}: ${details.advice}` : code);
    this.name = 'OAuthProblem';
    this.code = code;
    this.status = BAD_REQUEST.has(code) ? 400 : 401;
    this.details = details;
  }

  get parametersAbsent(): string[] | undefined { return this.details.parametersAbsent; }
  get advice(): string | undefined { return this.details.advice; }
  get baseString(): string | undefined { return this.details.baseString; }
  get acceptableTimestamps(): { min: number; max: number } | undefined { return this.details.acceptableTimestamps; }
}


export interface ProblemResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** A quoted-string (RFC 7230 3.2.6): the realm is configuration, but a quote in it must not break the header. */
export function quoteString(value: string): string {
  return `"${value.replace(/["\\]/g, (c) => `\\${c}`)}"`;
}

/** The problem as Jira answers it: status, `WWW-Authenticate: OAuth realm=…, oauth_problem=…`, form body. */
export function problemResponse(problem: OAuthProblem, realm: string): ProblemResponse {
  const { details } = problem;
  const fields: Array<[string, string]> = [['oauth_problem', problem.code]];
  // The extension's list is its names percent-encoded and joined by "&"; the whole is then encoded once more.
  if (details.parametersAbsent?.length) fields.push(['oauth_parameters_absent', details.parametersAbsent.join('&')]);
  if (details.advice) fields.push(['oauth_problem_advice', details.advice]);
  if (details.baseString !== undefined) fields.push(['oauth_signature_base_string', details.baseString]);
  if (details.acceptableTimestamps) {
    fields.push(['oauth_acceptable_timestamps', `${details.acceptableTimestamps.min}-${details.acceptableTimestamps.max}`]);
  }
  if (details.acceptableVersions) {
    fields.push(['oauth_acceptable_versions', `${details.acceptableVersions.min}-${details.acceptableVersions.max}`]);
  }
  return {
    status: problem.status,
    headers: {
      'WWW-Authenticate': `OAuth realm=${quoteString(realm)}, oauth_problem=${quoteString(problem.code)}`,
      'Content-Type': 'application/x-www-form-urlencoded',
    },
    body: formEncode(fields),
  };
}
