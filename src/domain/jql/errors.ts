// JQL syntax errors carry the position Jira users are used to seeing ("line 1, character 12"), so a client can
// point at the bad token. It is an AppError of kind bad_request, so a route that lets it escape answers a Jira
// 400 with the message in `errorMessages` without any JQL-specific mapping.
import { AppError } from '../../errors/app-error.js';

/** Why the query was refused; stable, for tests and callers that want to react to one kind. */
export type JqlSyntaxReason =
  | 'reserved-character'
  | 'illegal-character'
  | 'illegal-escape'
  | 'unterminated-string'
  | 'reserved-word'
  | 'unexpected-token'
  | 'too-deep';

export class JqlSyntaxError extends AppError {
  readonly reason: JqlSyntaxReason;
  /** 1-based line of the offending token. */
  readonly line: number;
  /** 1-based character within that line (UTF-16 code units, as Jira counts them). */
  readonly column: number;
  /** The message without the "Error in the JQL Query:" prefix and the position suffix. */
  readonly detail: string;

  constructor(reason: JqlSyntaxReason, detail: string, line: number, column: number) {
    super('bad_request', 'jql_syntax', `Error in the JQL Query: ${detail} (line ${line}, character ${column})`);
    this.name = 'JqlSyntaxError';
    this.reason = reason;
    this.detail = detail;
    this.line = line;
    this.column = column;
  }
}

/** Where an error points: a token's text and position (`kind` 'eof' at the end of the query). */
interface At {
  kind: string;
  text: string;
  line: number;
  column: number;
}

/** "Expecting X but got 'Y'." or, at the end, "Expecting X before the end of the query.", plus a hint. */
export function expectedError(what: string, at: At, hint?: string): JqlSyntaxError {
  const got = at.kind === 'eof' ? 'before the end of the query.' : `but got '${at.text}'.`;
  return new JqlSyntaxError('unexpected-token', `Expecting ${what} ${got}${hint === undefined ? '' : ` ${hint}`}`,
    at.line, at.column);
}

export function reservedWordError(word: string, at: At): JqlSyntaxError {
  return new JqlSyntaxError('reserved-word',
    `'${word}' is a reserved JQL word. You must surround it in quotation marks to use it in a query.`, at.line, at.column);
}

export const isJqlSyntaxError = (err: unknown): err is JqlSyntaxError => err instanceof JqlSyntaxError;
