// Recursive-descent JQL parser (grammar: notes §5.2, refined by the @atlaskit/jql-parser corpus):
//   query     := [orClause] [ORDER BY sortKey {"," sortKey}] EOF
//   orClause  := andClause {OR andClause};  andClause := notClause {AND notClause}
//   notClause := (NOT | "!") notClause | "(" orClause ")" | terminal
//   terminal  := field (operator operand | WAS… operand {predicate} | CHANGED {predicate})
// Which operand shapes an operator takes is grammar, as in Atlassian's parser: `=` takes no list, IN only a list
// or function, IS only EMPTY, `<` no EMPTY, and only WAS/CHANGED take history predicates. Whether an operator
// fits a field is semantics and left to the compiler.
import type {
  Clause, ComparisonOperator, Field, FieldProperty, FunctionCall, HistoryPredicate, HistoryPredicateKind, IsOperator,
  List, ListOperator, Operand, Query, SortKey, Terminal, Value, WasOperator,
} from './ast.js';
import { expectedError, JqlSyntaxError, reservedWordError } from './errors.js';
import { isReservedWord, Lexer, type JqlSymbol, type Token } from './lexer.js';

/** The forms an operand may take in a given position. */
type Shape = 'value' | 'list' | 'function' | 'empty';

const EQUALITY: readonly Shape[] = ['value', 'function', 'empty'];
const ORDERING: readonly Shape[] = ['value', 'function'];
const LIST_OR_FUNCTION: readonly Shape[] = ['list', 'function'];
const ONLY_EMPTY: readonly Shape[] = ['empty'];
const ANY: readonly Shape[] = ['value', 'list', 'function', 'empty'];

/** For DURING: each end of the (start, end) pair. */
const PREDICATE_SHAPES: Readonly<Record<HistoryPredicateKind, readonly Shape[]>> = {
  before: ORDERING, after: ORDERING, on: ORDERING, during: ORDERING, by: ['value', 'list', 'function'], from: ANY, to: ANY,
};
const WAS_PREDICATES: ReadonlySet<string> = new Set(['before', 'after', 'on', 'during', 'by']);
const CHANGED_PREDICATES: ReadonlySet<string> = new Set([...WAS_PREDICATES, 'from', 'to']);
const COMPARISONS: ReadonlySet<string> = new Set(['=', '!=', '~', '!~', '<', '>', '<=', '>=']);
const ORDERING_OPERATORS: ReadonlySet<string> = new Set(['<', '>', '<=', '>=']);

const OPERATOR_HINT = "The valid operators are '=', '!=', '<', '>', '<=', '>=', '~', '!~', 'IN', 'NOT IN', 'IS', " +
  "'IS NOT', 'WAS', 'WAS NOT', 'WAS IN', 'WAS NOT IN' and 'CHANGED'.";

/** Parses a JQL query into its syntax tree; throws JqlSyntaxError with line and character on bad syntax. */
export function parseJql(text: string): Query {
  return new Parser(text).query();
}

const isSymbol = (token: Token, symbol: JqlSymbol): boolean => token.kind === 'symbol' && token.value === symbol;

function describe(shapes: readonly Shape[]): string {
  if (shapes.length === 1 && shapes[0] === 'empty') return "'EMPTY' or 'NULL'";
  const words = shapes.filter((s) => s !== 'empty');
  if (words.length === 1) return `a ${words[0] ?? ''}`;
  return `either a ${words.slice(0, -1).join(', ')} or ${words[words.length - 1] ?? ''}`;
}

/** How deep NOT, parentheses and lists may nest: far beyond real queries, well within the call stack. */
const MAX_DEPTH = 100;

class Parser {
  private readonly lexer: Lexer;
  private depth = 0;

  constructor(text: string) {
    this.lexer = new Lexer(text);
  }

  query(): Query {
    const first = this.lexer.peek();
    const where = first.kind === 'eof' || first.keyword === 'order' ? undefined : this.orClause();
    if (this.lexer.peek().keyword === 'order') return { ...(where && { where }), orderBy: this.orderBy() };
    const end = this.lexer.peek();
    if (end.kind !== 'eof') throw expectedError("either 'OR' or 'AND'", end);
    return { ...(where && { where }), orderBy: [] };
  }

  private orClause(): Clause {
    return this.chain('or', '||', () => this.andClause());
  }

  private andClause(): Clause {
    return this.chain('and', '&&', () => this.notClause());
  }

  /** `part {op part}` where op is the keyword or its symbol (`and`, `&&`, `&`); one part is returned as is. */
  private chain(kind: 'and' | 'or', symbol: JqlSymbol, part: () => Clause): Clause {
    const clauses = [part()];
    while (this.lexer.peek().keyword === kind || isSymbol(this.lexer.peek(), symbol)) {
      this.lexer.next();
      clauses.push(part());
    }
    const [first] = clauses;
    return clauses.length === 1 && first !== undefined ? first : { kind, clauses };
  }

  private notClause(): Clause {
    const token = this.lexer.peek();
    if (token.keyword === 'not' || isSymbol(token, '!')) {
      this.lexer.next();
      return { kind: 'not', clause: this.nested(token, () => this.notClause()) };
    }
    if (!isSymbol(token, '(')) return this.terminal();
    this.lexer.next();
    const inner = this.nested(token, () => this.orClause());
    this.expectSymbol(')', "either 'OR', 'AND' or ')'");
    return inner;
  }

  /** Refuses absurd nesting as a syntax error instead of overflowing the stack (a 500). */
  private nested<T>(token: Token, parse: () => T): T {
    this.depth += 1;
    try {
      if (this.depth > MAX_DEPTH) {
        throw new JqlSyntaxError('too-deep', `The query nests more than ${MAX_DEPTH} levels deep.`,
          token.line, token.column);
      }
      return parse();
    } finally {
      this.depth -= 1;
    }
  }

  private terminal(): Terminal {
    const field = this.field();
    const token = this.lexer.next();
    if (token.kind === 'symbol' && COMPARISONS.has(token.value)) {
      const operator = token.value as ComparisonOperator;
      return this.simple(field, operator, ORDERING_OPERATORS.has(operator) ? ORDERING : EQUALITY);
    }
    switch (token.keyword) {
      case 'in':
        return this.simple(field, 'in', LIST_OR_FUNCTION);
      case 'not':
        this.expectKeyword('in', "'IN'");
        return this.simple(field, 'not in', LIST_OR_FUNCTION);
      case 'is':
        return this.simple(field, this.lexer.acceptKeyword('not') ? 'is not' : 'is', ONLY_EMPTY);
      case 'was':
        return this.was(field);
      case 'changed':
        return { kind: 'terminal', field, operator: 'changed', predicates: this.predicates(CHANGED_PREDICATES) };
      default:
        throw expectedError('an operator', token, OPERATOR_HINT);
    }
  }

  private simple(field: Field, operator: ComparisonOperator | ListOperator | IsOperator, shapes: readonly Shape[]) {
    return { kind: 'terminal' as const, field, operator, operand: this.operand(shapes), predicates: [] };
  }

  /** After WAS: [NOT] [IN] operand {BEFORE|AFTER|ON|DURING|BY operand}. */
  private was(field: Field): Terminal {
    const negated = this.lexer.acceptKeyword('not');
    const inList = this.lexer.acceptKeyword('in');
    const operator = `was${negated ? ' not' : ''}${inList ? ' in' : ''}` as WasOperator;
    const operand = this.operand(inList ? LIST_OR_FUNCTION : EQUALITY);
    return { kind: 'terminal', field, operator, operand, predicates: this.predicates(WAS_PREDICATES) };
  }

  private predicates(allowed: ReadonlySet<string>): HistoryPredicate[] {
    const predicates: HistoryPredicate[] = [];
    for (let token = this.lexer.peek(); allowed.has(token.keyword ?? ''); token = this.lexer.peek()) {
      this.lexer.next();
      const kind = token.keyword as HistoryPredicateKind;
      const operand = kind === 'during' ? this.dateRange() : this.operand(PREDICATE_SHAPES[kind]);
      predicates.push({ kind, operand });
    }
    return predicates;
  }

  /** DURING's operand: exactly two dates, `(start, end)`. */
  private dateRange(): List {
    this.expectSymbol('(', "'(' to start the date range");
    const start = this.operand(PREDICATE_SHAPES.during);
    this.expectSymbol(',', "',' between the start and the end of the date range");
    const end = this.operand(PREDICATE_SHAPES.during);
    this.expectSymbol(')', "')'");
    return { kind: 'list', items: [start, end] };
  }

  private operand(shapes: readonly Shape[]): Operand {
    const token = this.lexer.peek();
    const what = describe(shapes);
    if (token.keyword === 'empty' || token.keyword === 'null') {
      if (!shapes.includes('empty')) throw expectedError(what, token);
      this.lexer.next();
      return { kind: 'empty' };
    }
    if (isSymbol(token, '(')) {
      if (!shapes.includes('list')) throw expectedError(what, token);
      return this.list();
    }
    if (token.kind !== 'string' && token.kind !== 'number') throw expectedError(what, token);
    if (token.keyword !== undefined && isReservedWord(token.keyword)) throw this.misplacedKeyword(what, token, 'a value');
    this.lexer.next();
    if (isSymbol(this.lexer.peek(), '(')) {
      if (!shapes.includes('function')) throw expectedError(what, token);
      return this.functionCall(token);
    }
    if (!shapes.includes('value')) throw expectedError(what, token);
    return this.value(token, what);
  }

  private value(token: Token, what: string): Value {
    const text = this.data(token, what, 'a value');
    const number = token.kind === 'number' ? Number(token.value) : NaN;
    // Digits beyond a safe integer stay text rather than silently losing precision.
    if (Number.isSafeInteger(number)) return { kind: 'value', value: number, quoted: false };
    return { kind: 'value', value: text, quoted: token.quoted };
  }

  private list(): List {
    const open = this.lexer.next();
    const items = this.nested(open, () => {
      const parsed = [this.operand(ANY)];
      while (this.lexer.acceptSymbol(',')) parsed.push(this.operand(ANY));
      return parsed;
    });
    this.expectSymbol(')', "either ',' or ')'");
    return { kind: 'list', items };
  }

  private functionCall(nameToken: Token): FunctionCall {
    const name = this.data(nameToken, 'a function name', 'a function name');
    this.lexer.next(); // (
    const args: string[] = [];
    if (this.lexer.acceptSymbol(')')) return { kind: 'function', name, args };
    do {
      args.push(this.data(this.lexer.next(), 'a function argument', 'a function argument'));
    } while (this.lexer.acceptSymbol(','));
    this.expectSymbol(')', "either ',' or ')'");
    return { kind: 'function', name, args };
  }

  private field(): Field {
    const token = this.lexer.next();
    if (token.keyword === 'cf' && isSymbol(this.lexer.peek(), '[')) return this.withProperties(this.customField());
    if (token.kind === 'number') return { name: token.value, quoted: false };
    const name = this.data(token, 'a field name', 'a field name');
    return this.withProperties({ name, quoted: token.quoted });
  }

  /** After `cf`: "[" positive number "]". */
  private customField(): Field {
    this.lexer.next(); // [
    const id = this.lexer.next();
    const value = Number(id.value);
    if (id.kind !== 'number' || !Number.isSafeInteger(value) || value <= 0) {
      throw expectedError('a custom field id (a positive number)', id);
    }
    this.expectSymbol(']', "']'");
    return { name: `cf[${value}]`, quoted: false, customFieldId: value };
  }

  /** Entity-property references: `{ "[" key "]" {"." segment} }`. */
  private withProperties(field: Field): Field {
    const properties: FieldProperty[] = [];
    while (this.lexer.acceptSymbol('[')) {
      const key = this.data(this.lexer.next(), 'a property key', 'a property key');
      this.expectSymbol(']', "']'");
      properties.push({ key, path: this.propertyPath() });
    }
    return properties.length === 0 ? field : { ...field, properties };
  }

  /** `.` is allowed inside unquoted strings, so `].a.b` arrives as the string ".a.b", `] . a` as "." and "a". */
  private propertyPath(): string[] {
    const path: string[] = [];
    for (let token = this.lexer.peek(); this.startsPath(token); token = this.lexer.peek()) {
      this.lexer.next();
      let rest = token.value.slice(1);
      if (rest === '') rest = this.data(this.lexer.next(), 'a property path', 'a property path');
      for (const segment of rest.split('.')) {
        if (segment === '') throw expectedError('a property path', token);
        path.push(segment);
      }
    }
    return path;
  }

  private startsPath(token: Token): boolean {
    return token.kind === 'string' && !token.quoted && token.value.startsWith('.');
  }

  private orderBy(): SortKey[] {
    this.lexer.next(); // ORDER
    this.expectKeyword('by', "'BY'");
    const keys: SortKey[] = [];
    do {
      const field = this.field();
      const direction = this.lexer.peek().keyword;
      if (direction === 'asc' || direction === 'desc') this.lexer.next();
      keys.push(direction === 'asc' || direction === 'desc' ? { field, direction } : { field });
    } while (this.lexer.acceptSymbol(','));
    const end = this.lexer.peek();
    if (end.kind === 'eof') return keys;
    const directed = keys[keys.length - 1]?.direction !== undefined;
    throw expectedError(directed ? "either ',' or the end of the query" : "either 'ASC', 'DESC' or ','", end);
  }

  /** The decoded text of a string or number token used as data; unquoted reserved words are refused. */
  private data(token: Token, what: string, role: string): string {
    if (token.kind !== 'string' && token.kind !== 'number') throw expectedError(what, token);
    if (token.keyword !== undefined && isReservedWord(token.keyword)) throw this.misplacedKeyword(what, token, role);
    if (!token.quoted && isReservedWord(token.value)) throw reservedWordError(token.value, token);
    return token.value;
  }

  private expectSymbol(symbol: JqlSymbol, what: string): void {
    const token = this.lexer.next();
    if (!isSymbol(token, symbol)) throw expectedError(what, token);
  }

  private expectKeyword(keyword: string, what: string): void {
    const token = this.lexer.next();
    if (token.keyword !== keyword) throw expectedError(what, token);
  }

  /** A keyword where data belongs (`assignee = from`, `order by asc`). */
  private misplacedKeyword(what: string, token: Token, role: string): JqlSyntaxError {
    return expectedError(what, token, `You must surround '${token.text}' in quotation marks to use it as ${role}.`);
  }
}
