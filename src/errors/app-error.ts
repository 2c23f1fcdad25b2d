// One error type for the whole application. Each route group maps it to its own wire format in one place
// (Jira JSON for /rest, oauth_problem for the OAuth servlet paths, a page for browsers).
export type ErrorKind =
  | 'bad_request' // 400
  | 'unauthenticated' // 401
  | 'forbidden' // 403
  | 'not_found' // 404
  | 'conflict' // 409
  | 'gone' // 410
  | 'too_many_requests' // 429
  | 'internal'; // 500

export const STATUS_BY_KIND: Record<ErrorKind, number> = {
  bad_request: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  gone: 410,
  too_many_requests: 429,
  internal: 500,
};

export class AppError extends Error {
  readonly kind: ErrorKind;
  /** Stable machine-readable code, listed in docs/errors.md. */
  readonly code: string;
  /** Per-field messages (Jira's `errors` object). */
  readonly fields: Record<string, string>;

  constructor(kind: ErrorKind, code: string, message: string, fields: Record<string, string> = {}) {
    super(message);
    this.name = 'AppError';
    this.kind = kind;
    this.code = code;
    this.fields = fields;
  }

  get status(): number {
    return STATUS_BY_KIND[this.kind];
  }
}

export const isAppError = (err: unknown): err is AppError => err instanceof AppError;
