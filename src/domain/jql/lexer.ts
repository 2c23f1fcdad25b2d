// The JQL lexer, hand-written after the lexical rules of Atlassian's grammar (notes §5.3): whitespace (newlines
// included) separates tokens; strings are quoted ("…", '…') or unquoted runs that stop at whitespace and the
// operator characters; both decode the same escapes. Keywords are not token kinds of their own: an unquoted
// word carries `keyword` when its source text (escapes excluded) is one, case-insensitively, and the parser
// decides by position. Tokens are produced on demand so the first error in reading order is the one reported.
import { JqlSyntaxError } from './errors.js';

export type TokenKind = 'string' | 'number' | 'symbol' | 'eof';

/** Canonical symbols: `&` and `&&` both read as '&&', `|` and `||` as '||', a lone `!` is NOT. */
export type JqlSymbol = '=' | '!=' | '~' | '!~' | '<' | '>' | '<=' | '>=' | '(' | ')' | ',' | '[' | ']' | '&&' | '||' | '!';

export interface Token {
  kind: TokenKind;
  /** Decoded text for strings, digits for numbers, the canonical symbol for symbols, '' at the end. */
  value: string;
  /** The source text, quotes and escapes included: what error messages quote. */
  text: string;
  quoted: boolean;
  /** Lower-cased keyword when the token is an unquoted, escape-free keyword (`and`, `ORDER`, `cf`, …). */
  keyword: string | undefined;
  line: number;
  column: number;
}

/** Words the grammar gives a meaning to. All but `during` are also reserved words. */
export const KEYWORDS: ReadonlySet<string> = new Set([
  'and', 'or', 'not', 'empty', 'null', 'in', 'is', 'was', 'changed', 'order', 'by', 'asc', 'desc',
  'from', 'to', 'before', 'after', 'on', 'during', 'cf',
]);

/** The 178 reserved words of Jira's grammar (corpus reserved-words.json): only usable when quoted. */
export const RESERVED_WORDS: ReadonlySet<string> = new Set((
  'abort access add after alias alter and any as asc audit avg before begin between boolean break by byte catch ' +
  'cf changed char character check checkpoint collate collation column commit connect continue count create ' +
  'current date decimal declare decrement default defaults define delete delimiter desc difference distinct ' +
  'divide do double drop else empty encoding end equals escape exclusive exec execute exists explain false ' +
  'fetch file field first float for from function go goto grant greater group having identified if immediate in ' +
  'increment index initial inner inout input insert int integer intersect intersection into is isempty isnull ' +
  'join last left less like limit lock long max min minus mode modify modulo more multiply next noaudit not ' +
  'notin nowait null number object of on option or order outer output power previous prior privileges public ' +
  'raise raw remainder rename resource return returns revoke right row rowid rownum rows select session set ' +
  'share size sqrt start strict string subtract sum synonym table then to trans transaction trigger true uid ' +
  'union unique update user validate values view was when whenever where while with'
).split(' '));

export const isReservedWord = (word: string): boolean => RESERVED_WORDS.has(word.toLowerCase());

// Jira's WS: no form feed, which is a control character.
const WHITESPACE = new Set([' ', '\t', '\n', '\r']);
/** Characters that end an unquoted string because they start another token. */
const STOP = new Set(['"', "'", '=', '!', '<', '>', '(', ')', '~', ',', '[', ']', '|', '&']);
/** Characters Jira keeps for future syntax: an error outside quotes. */
const RESERVED_CHARACTERS = new Set(['{', '}', '*', '/', '%', '+', '^', '$', '#', '@', '?', ';']);
const SIMPLE_ESCAPES: Readonly<Record<string, string>> = {
  t: '\t', n: '\n', r: '\r', '"': '"', "'": "'", '\\': '\\', ' ': ' ',
};
const SINGLE_SYMBOLS = new Set(['=', '~', '(', ')', ',', '[', ']']);

/** Control characters and Unicode non-characters; newline and carriage return are line breaks, not these. */
function isControl(ch: string): boolean {
  const c = ch.charCodeAt(0);
  return (c < 0x20 && c !== 0x0a && c !== 0x0d) || (c >= 0x7f && c <= 0x9f)
    || (c >= 0xfdd0 && c <= 0xfdef) || c === 0xfffe || c === 0xffff;
}

const hex4 = (ch: string): string => ch.charCodeAt(0).toString(16).padStart(4, '0');

export class Lexer {
  private offset = 0;
  private line = 1;
  private lineStart = 0;
  private peeked: Token | undefined;

  constructor(private readonly source: string) {}

  peek(): Token {
    this.peeked ??= this.scan();
    return this.peeked;
  }

  next(): Token {
    const token = this.peek();
    this.peeked = undefined;
    return token;
  }

  /** Consumes the next token if it is `symbol`. */
  acceptSymbol(symbol: JqlSymbol): boolean {
    const token = this.peek();
    if (token.kind !== 'symbol' || token.value !== symbol) return false;
    this.next();
    return true;
  }

  /** Consumes the next token if it is the (lower-case) `keyword`. */
  acceptKeyword(keyword: string): boolean {
    if (this.peek().keyword !== keyword) return false;
    this.next();
    return true;
  }

  private scan(): Token {
    this.skipWhitespace();
    const line = this.line;
    const column = this.column();
    const ch = this.source[this.offset];
    if (ch === undefined) return { kind: 'eof', value: '', text: '', quoted: false, keyword: undefined, line, column };
    if (ch === '"' || ch === "'") return this.quoted(ch, line, column);
    const symbol = this.symbol(ch);
    if (symbol !== undefined) {
      return { kind: 'symbol', value: symbol.value, text: symbol.text, quoted: false, keyword: undefined, line, column };
    }
    return this.unquoted(line, column);
  }

  private column(): number {
    return this.offset - this.lineStart + 1;
  }

  private advance(): void {
    if (this.source[this.offset] === '\n') {
      this.line += 1;
      this.lineStart = this.offset + 1;
    }
    this.offset += 1;
  }

  private skipWhitespace(): void {
    while (WHITESPACE.has(this.source[this.offset] ?? '')) this.advance();
  }

  /** Reads one operator or punctuation symbol at the cursor, if there is one. */
  private symbol(ch: string): { value: JqlSymbol; text: string } | undefined {
    const pair = this.source.slice(this.offset, this.offset + 2);
    let value: JqlSymbol | undefined;
    let text = ch;
    if (pair === '!=' || pair === '!~' || pair === '<=' || pair === '>=' || pair === '&&' || pair === '||') {
      value = pair;
      text = pair;
    } else if (SINGLE_SYMBOLS.has(ch) || ch === '!' || ch === '<' || ch === '>') {
      value = ch as JqlSymbol;
    } else if (ch === '&' || ch === '|') {
      value = ch === '&' ? '&&' : '||';
    }
    if (value !== undefined) this.offset += text.length;
    return value === undefined ? undefined : { value, text };
  }

  private unquoted(line: number, column: number): Token {
    const start = this.offset;
    let value = '';
    let escaped = false;
    for (let ch = this.source[this.offset]; ch !== undefined; ch = this.source[this.offset]) {
      if (WHITESPACE.has(ch) || STOP.has(ch)) break;
      if (RESERVED_CHARACTERS.has(ch)) throw this.reservedCharacter(ch);
      if (isControl(ch)) throw this.illegalCharacter(ch);
      if (ch === '\\') {
        value += this.escape();
        escaped = true;
        continue;
      }
      value += ch;
      this.offset += 1;
    }
    const text = this.source.slice(start, this.offset);
    const lower = text.toLowerCase();
    const keyword = !escaped && KEYWORDS.has(lower) ? lower : undefined;
    const kind: TokenKind = !escaped && /^-?[0-9]+$/.test(text) ? 'number' : 'string';
    return { kind, value, text, quoted: false, keyword, line, column };
  }

  private quoted(quote: string, line: number, column: number): Token {
    const start = this.offset;
    this.offset += 1;
    let value = '';
    for (;;) {
      const ch = this.source[this.offset];
      if (ch === undefined) {
        const unfinished = this.source.slice(start + 1);
        throw new JqlSyntaxError('unterminated-string',
          `The quoted string '${unfinished}' has not been completed.`, line, column);
      }
      if (ch === quote) break;
      if (ch === '\\') {
        value += this.escape();
        continue;
      }
      if (isControl(ch)) throw this.illegalCharacter(ch);
      value += ch;
      this.advance();
    }
    this.offset += 1;
    const text = this.source.slice(start, this.offset);
    return { kind: 'string', value, text, quoted: true, keyword: undefined, line, column };
  }

  /** Decodes the escape sequence at the cursor (a backslash) and moves past it. */
  private escape(): string {
    const next = this.source[this.offset + 1];
    const simple = next === undefined ? undefined : SIMPLE_ESCAPES[next];
    if (simple !== undefined) {
      this.offset += 2;
      return simple;
    }
    const hex = this.source.slice(this.offset + 2, this.offset + 6);
    if (next === 'u' && /^[0-9a-fA-F]{4}$/.test(hex)) {
      this.offset += 6;
      return String.fromCharCode(parseInt(hex, 16));
    }
    const sequence = next === 'u' ? `\\u${hex}` : `\\${next ?? ''}`;
    throw new JqlSyntaxError('illegal-escape',
      `The escape sequence '${sequence}' is not valid. The valid escapes are \\t, \\n, \\r, \\", \\', \\\\, ` +
      `'\\ ' and \\uXXXX.`, this.line, this.column());
  }

  private reservedCharacter(ch: string): JqlSyntaxError {
    return new JqlSyntaxError('reserved-character',
      `The character '${ch}' is a reserved JQL character. You must enclose it in a string or use the escape ` +
      `'\\u${hex4(ch)}' instead.`, this.line, this.column());
  }

  private illegalCharacter(ch: string): JqlSyntaxError {
    return new JqlSyntaxError('illegal-character',
      `The character '\\u${hex4(ch)}' is an illegal JQL character. Use the escape '\\u${hex4(ch)}' instead.`,
      this.line, this.column());
  }
}

/** All tokens of `source`, the final 'eof' included (for tests and tools; the parser pulls them one by one). */
export function tokenize(source: string): Token[] {
  const lexer = new Lexer(source);
  const tokens: Token[] = [lexer.next()];
  while (tokens[tokens.length - 1]?.kind !== 'eof') tokens.push(lexer.next());
  return tokens;
}
