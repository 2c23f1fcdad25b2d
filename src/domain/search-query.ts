// A deliberately small JQL front end: it accepts `project = KEY` with an optional `ORDER BY created [ASC|DESC]`
// (and the empty query, which Jira reads as "every issue you can see"), and answers anything else with a Jira
// 400 that says full JQL is not supported yet. The lexer already follows JQL's lexical rules (quotes, escapes,
// case-insensitive keywords, operators) and the parser produces the AST the full language will extend
// (OR/AND/NOT clauses, more operators, functions) in the next issue.
import { AppError } from '../errors/app-error.js';

export interface JqlValue {
  type: 'value';
  value: string;
  /** `project = "EMPTY"` names a project; `project = EMPTY` would not: quoting matters in full JQL. */
  quoted: boolean;
}

export interface JqlTerminalClause {
  type: 'terminal';
  /** Field name, lower-cased (JQL field names are case-insensitive). */
  field: string;
  operator: '=';
  operand: JqlValue;
}

/** Grows into a union with `and`, `or` and `not` nodes. */
export type JqlClause = JqlTerminalClause;

export interface JqlSortKey {
  field: string;
  /** null: the field's default direction. */
  direction: 'asc' | 'desc' | null;
}

export interface JqlQuery {
  /** null: no condition (every visible issue). */
  where: JqlClause | null;
  orderBy: JqlSortKey[];
}

type Token =
  | { kind: 'word'; text: string; at: number }
  | { kind: 'string'; text: string; at: number }
  | { kind: 'operator'; text: string; at: number }
  | { kind: 'punct'; text: string; at: number };

const SUPPORTED = "Tessera understands only 'project = KEY', optionally followed by 'ORDER BY created ASC' or 'ORDER BY created DESC'";
const OPERATORS = ['!=', '<=', '>=', '!~', '=', '~', '<', '>'];
const PUNCTUATION = new Set(['(', ')', ',', '[', ']', '|', '&']);
const WORD_STOP = new Set([' ', '\t', '\n', '\r', '"', "'", '=', '!', '<', '>', '(', ')', '~', ',', '[', ']', '|', '&']);
const RESERVED_CHARACTERS = new Set(['{', '}', '*', '/', '%', '+', '^', '$', '#', '@', '?', ';']);
const SIMPLE_ESCAPES: Record<string, string> = { t: '\t', n: '\n', r: '\r', '"': '"', "'": "'", '\\': '\\', ' ': ' ' };

export const SORTABLE_FIELDS: ReadonlySet<string> = new Set(['created']);

function unsupported(jql: string, detail?: string): AppError {
  const where = detail ? ` (${detail})` : '';
  return new AppError('bad_request', 'jql_unsupported',
    `Full JQL is not supported yet: ${SUPPORTED}. The query was: ${JSON.stringify(jql)}${where}.`);
}

/** Parses the supported subset; anything else throws AppError('bad_request', 'jql_unsupported', …). */
export function parseSearchQuery(jql: string): JqlQuery {
  const parser = new Parser(jql, tokenize(jql));
  return parser.parseQuery();
}

function tokenize(jql: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < jql.length) {
    const c = jql[i] as string;
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') { i += 1; continue; }
    if (c === '"' || c === "'") {
      const [text, next] = readEscaped(jql, i + 1, (ch) => ch === c, true);
      tokens.push({ kind: 'string', text, at: i });
      i = next + 1;
      continue;
    }
    const op = OPERATORS.find((o) => jql.startsWith(o, i));
    if (op) { tokens.push({ kind: 'operator', text: op, at: i }); i += op.length; continue; }
    if (PUNCTUATION.has(c)) { tokens.push({ kind: 'punct', text: c, at: i }); i += 1; continue; }
    const [text, next] = readEscaped(jql, i, (ch) => WORD_STOP.has(ch), false);
    tokens.push({ kind: 'word', text, at: i });
    i = next;
  }
  return tokens;
}

/** Reads up to (not including) the first unescaped character for which `stop` holds. */
function readEscaped(jql: string, start: number, stop: (ch: string) => boolean, quoted: boolean): [string, number] {
  let out = '';
  let i = start;
  for (; i < jql.length; i += 1) {
    const ch = jql[i] as string;
    if (stop(ch)) return [out, i];
    if (!quoted && RESERVED_CHARACTERS.has(ch)) {
      throw unsupported(jql, `the character '${ch}' at character ${i + 1} is a reserved JQL character`);
    }
    if (ch !== '\\') { out += ch; continue; }
    const [decoded, width] = decodeEscape(jql, i);
    out += decoded;
    i += width - 1;
  }
  if (quoted) throw unsupported(jql, `the quoted string starting at character ${start} is not terminated`);
  return [out, i];
}

function decodeEscape(jql: string, at: number): [string, number] {
  const next = jql[at + 1];
  if (next !== undefined && next in SIMPLE_ESCAPES) return [SIMPLE_ESCAPES[next] as string, 2];
  if (next === 'u') {
    const hex = jql.slice(at + 2, at + 6);
    if (/^[0-9a-fA-F]{4}$/.test(hex)) return [String.fromCharCode(parseInt(hex, 16)), 6];
  }
  throw unsupported(jql, `invalid escape sequence at character ${at + 1}`);
}

class Parser {
  private position = 0;

  constructor(private readonly jql: string, private readonly tokens: Token[]) {}

  parseQuery(): JqlQuery {
    const where = this.atEnd() || this.atKeyword('order') ? null : this.parseTerminal();
    const orderBy = this.atKeyword('order') ? this.parseOrderBy() : [];
    if (!this.atEnd()) throw this.fail(this.peek());
    return { where, orderBy };
  }

  private parseTerminal(): JqlTerminalClause {
    const fieldToken = this.next();
    if (fieldToken.kind !== 'word' && fieldToken.kind !== 'string') throw this.fail(fieldToken);
    const field = fieldToken.text.toLowerCase();
    if (field !== 'project') throw unsupported(this.jql, `the field '${fieldToken.text}' cannot be searched yet`);
    const operator = this.next();
    if (operator.kind !== 'operator' || operator.text !== '=') throw this.fail(operator);
    const operand = this.next();
    if (operand.kind !== 'word' && operand.kind !== 'string') throw this.fail(operand);
    return { type: 'terminal', field, operator: '=', operand: { type: 'value', value: operand.text, quoted: operand.kind === 'string' } };
  }

  private parseOrderBy(): JqlSortKey[] {
    this.next(); // ORDER
    if (!this.atKeyword('by')) throw this.fail(this.peek());
    this.next();
    const fieldToken = this.next();
    if (fieldToken.kind !== 'word' && fieldToken.kind !== 'string') throw this.fail(fieldToken);
    const field = fieldToken.text.toLowerCase();
    if (!SORTABLE_FIELDS.has(field)) throw unsupported(this.jql, `results cannot be ordered by '${fieldToken.text}' yet`);
    let direction: JqlSortKey['direction'] = null;
    if (this.atKeyword('asc') || this.atKeyword('desc')) direction = this.next().text.toLowerCase() as 'asc' | 'desc';
    return [{ field, direction }];
  }

  private atEnd(): boolean {
    return this.position >= this.tokens.length;
  }

  private atKeyword(word: string): boolean {
    const token = this.tokens[this.position];
    return token !== undefined && token.kind === 'word' && token.text.toLowerCase() === word;
  }

  private peek(): Token | undefined {
    return this.tokens[this.position];
  }

  private next(): Token {
    const token = this.tokens[this.position];
    if (!token) throw unsupported(this.jql, 'the query ends too early');
    this.position += 1;
    return token;
  }

  private fail(token: Token | undefined): AppError {
    if (!token) return unsupported(this.jql, 'the query ends too early');
    return unsupported(this.jql, `unexpected '${token.text}' at character ${token.at + 1}`);
  }
}
