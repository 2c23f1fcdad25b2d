// The JQL lexer and parser: the AST they produce for the forms scripts write (precedence, && and ||, escapes,
// quoting, cf[N], functions, lists, history clauses, ORDER BY), and where and how they refuse bad syntax.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Clause, Field, HistoryPredicate, Operand, Query, Terminal, Value } from '../../src/domain/jql/ast.js';
import { JqlSyntaxError, type JqlSyntaxReason } from '../../src/domain/jql/errors.js';
import { tokenize } from '../../src/domain/jql/lexer.js';
import { parseJql } from '../../src/domain/jql/parser.js';
import { AppError } from '../../src/errors/app-error.js';

const field = (name: string, quoted = false): Field => ({ name, quoted });
const v = (value: string | number, quoted = false): Value => ({ kind: 'value', value, quoted });
const list = (...items: Operand[]): Operand => ({ kind: 'list', items });
const call = (name: string, ...args: string[]): Operand => ({ kind: 'function', name, args });
const EMPTY: Operand = { kind: 'empty' };
const clause = (name: string, operator: Exclude<Terminal['operator'], 'changed'>, operand: Operand,
  predicates: HistoryPredicate[] = []): Terminal => ({ kind: 'terminal', field: field(name), operator, operand, predicates });
const eq = (name: string, value: string | number): Terminal => clause(name, '=', v(value));
const and = (...clauses: Clause[]): Clause => ({ kind: 'and', clauses });
const or = (...clauses: Clause[]): Clause => ({ kind: 'or', clauses });
const not = (c: Clause): Clause => ({ kind: 'not', clause: c });
const where = (c: Clause, orderBy: Query['orderBy'] = []): Query => ({ where: c, orderBy });

const PARSES: Array<[string, Query]> = [
  ['', { orderBy: [] }],
  ['  \n\t ', { orderBy: [] }],
  ['project = DEMO', where(eq('project', 'DEMO'))],
  ['project=DEMO', where(eq('project', 'DEMO'))],
  // Precedence: NOT binds tighter than AND, AND tighter than OR; parentheses override.
  ['a = 1 or b = 2 and c = 3', where(or(eq('a', 1), and(eq('b', 2), eq('c', 3))))],
  ['not a = 1 and b = 2', where(and(not(eq('a', 1)), eq('b', 2)))],
  ['a = 1 and not b = 2 or c = 3', where(or(and(eq('a', 1), not(eq('b', 2))), eq('c', 3)))],
  ['(a = 1 or b = 2) and c = 3', where(and(or(eq('a', 1), eq('b', 2)), eq('c', 3)))],
  ['not (a = 1 or b = 2)', where(not(or(eq('a', 1), eq('b', 2))))],
  ['a = 1 and b = 2 and c = 3', where(and(eq('a', 1), eq('b', 2), eq('c', 3)))],
  ['a = 1 && b = 2 || c = 3', where(or(and(eq('a', 1), eq('b', 2)), eq('c', 3)))],
  ['a = 1 & b = 2 | c = 3', where(or(and(eq('a', 1), eq('b', 2)), eq('c', 3)))],
  ['! a = 1', where(not(eq('a', 1)))],
  ['NOT ! a = 1', where(not(not(eq('a', 1))))],
  ['a = 1 AnD b In (x) oR c Is NoT eMpTy', where(or(and(eq('a', 1), clause('b', 'in', list(v('x')))),
    clause('c', 'is not', EMPTY)))],
  // Escapes, in unquoted and quoted strings alike.
  ['assignee = bob\\u0040example.com', where(eq('assignee', 'bob@example.com'))],
  ['issue\\ type = x', where(eq('issue type', 'x'))],
  ['x = "a\\tb\\nc\\rd\\"e\\\'f\\\\g\\ h\\u00e9"', where(clause('x', '=', v('a\tb\nc\rd"e\'f\\g hé', true)))],
  ['summary ~ "\\"exact phrase\\""', where(clause('summary', '~', v('"exact phrase"', true)))],
  ['x = "line one\nline two"', where(clause('x', '=', v('line one\nline two', true)))],
  ["status in (Open, 'In Progress', Reopened)",
    where(clause('status', 'in', list(v('Open'), v('In Progress', true), v('Reopened'))))],
  ["x = 'say \"hi\"'", where(clause('x', '=', v('say "hi"', true)))],
  ['assignee = "user"', where(clause('assignee', '=', v('user', true)))],
  ['x = ""', where(clause('x', '=', v('', true)))],
  // Numbers: integers become numbers unless quoted or too large to keep exactly.
  ['priority >= 3', where(clause('priority', '>=', v(3)))],
  ['temperature = -5', where(clause('temperature', '=', v(-5)))],
  ['x = "7"', where(clause('x', '=', v('7', true)))],
  ['x = 12345678901234567890', where(clause('x', '=', v('12345678901234567890')))],
  ['created >= -7d', where(clause('created', '>=', v('-7d')))],
  ['created >= 2024-01-02', where(clause('created', '>=', v('2024-01-02')))],
  // Fields.
  ['"Story Points" > 3', where({ kind: 'terminal', field: field('Story Points', true), operator: '>', operand: v(3),
    predicates: [] })],
  ['cf[10100] is not empty', where({ kind: 'terminal', field: { name: 'cf[10100]', quoted: false, customFieldId: 10100 },
    operator: 'is not', operand: EMPTY, predicates: [] })],
  ['CF [ 123 ] = 5', where({ kind: 'terminal', field: { name: 'cf[123]', quoted: false, customFieldId: 123 },
    operator: '=', operand: v(5), predicates: [] })],
  ['issue.property[foo].a.b = 1', where({ kind: 'terminal', operator: '=', operand: v(1), predicates: [],
    field: { name: 'issue.property', quoted: false, properties: [{ key: 'foo', path: ['a', 'b'] }] } })],
  ['development [ commits ] . all = x', where({ kind: 'terminal', operator: '=', operand: v('x'), predicates: [],
    field: { name: 'development', quoted: false, properties: [{ key: 'commits', path: ['all'] }] } })],
  ['during = x', where(eq('during', 'x'))],
  ['andy = x', where(eq('andy', 'x'))],
  ['12345 = x', where(eq('12345', 'x'))],
  // Functions and lists.
  ['assignee = currentUser()', where(clause('assignee', '=', call('currentUser')))],
  ['updated >= startOfDay(-1d)', where(clause('updated', '>=', call('startOfDay', '-1d')))],
  ['due < endOfMonth("+1M")', where(clause('due', '<', call('endOfMonth', '+1M')))],
  ['x = fn ( one , "two" , 3 )', where(clause('x', '=', call('fn', 'one', 'two', '3')))],
  ['assignee = "currentUser"()', where(clause('assignee', '=', call('currentUser')))],
  ['assignee in membersOf("jira-admins")', where(clause('assignee', 'in', call('membersOf', 'jira-admins')))],
  ['key not in (ABC-1, ABC-2)', where(clause('key', 'not in', list(v('ABC-1'), v('ABC-2'))))],
  ['x in ((a), b, empty, fn())', where(clause('x', 'in', list(list(v('a')), v('b'), EMPTY, call('fn'))))],
  ['labels is EMPTY', where(clause('labels', 'is', EMPTY))],
  ['assignee IS NOT null', where(clause('assignee', 'is not', EMPTY))],
  // History clauses.
  ['status WAS IN (Open, Closed) BEFORE "2020/01/01"', where(clause('status', 'was in', list(v('Open'), v('Closed')),
    [{ kind: 'before', operand: v('2020/01/01', true) }]))],
  ['assignee was not empty during ("2021-03-17", now()) by (a, currentUser())', where(clause('assignee',
    'was not', EMPTY, [{ kind: 'during', operand: list(v('2021-03-17', true), call('now')) },
      { kind: 'by', operand: list(v('a'), call('currentUser')) }]))],
  ['status CHANGED FROM "a" TO "b" BY currentUser()', where({ kind: 'terminal', field: field('status'),
    operator: 'changed', predicates: [{ kind: 'from', operand: v('a', true) }, { kind: 'to', operand: v('b', true) },
      { kind: 'by', operand: call('currentUser') }] })],
  ['assignee changed', where({ kind: 'terminal', field: field('assignee'), operator: 'changed', predicates: [] })],
  ['assignee was not in (a) after -4w on now()', where(clause('assignee', 'was not in', list(v('a')),
    [{ kind: 'after', operand: v('-4w') }, { kind: 'on', operand: call('now') }]))],
  // ORDER BY.
  ['project = A ORDER BY priority DESC, updated asc, key, "Story Points" ASC', where(eq('project', 'A'), [
    { field: field('priority'), direction: 'desc' }, { field: field('updated'), direction: 'asc' },
    { field: field('key') }, { field: field('Story Points', true), direction: 'asc' }])],
  ['order by cf[10] desc', { orderBy: [{ field: { name: 'cf[10]', quoted: false, customFieldId: 10 },
    direction: 'desc' }] }],
  ['project\n=\nJQL\nand\nissuetype\n=\nBug\norder\nby\ncreated\ndesc',
    where(and(eq('project', 'JQL'), eq('issuetype', 'Bug')), [{ field: field('created'), direction: 'desc' }])],
];

describe('parseJql builds the AST', () => {
  for (const [jql, expected] of PARSES) {
    test(JSON.stringify(jql), () => assert.deepEqual(parseJql(jql), expected));
  }
});

/** [query, reason, line, character, message without prefix and position] */
const REFUSES: Array<[string, JqlSyntaxReason, number, number, string]> = [
  ['project = DEMO foo', 'unexpected-token', 1, 16, "Expecting either 'OR' or 'AND' but got 'foo'."],
  ['summary ~ "abc', 'unterminated-string', 1, 11, "The quoted string 'abc' has not been completed."],
  ["x = 'abc", 'unterminated-string', 1, 5, "The quoted string 'abc' has not been completed."],
  ['summary ~ abc*', 'reserved-character', 1, 14, "The character '*' is a reserved JQL character. You must " +
    "enclose it in a string or use the escape '\\u002a' instead."],
  ['assignee = bob@example.com', 'reserved-character', 1, 15, "The character '@' is a reserved JQL character. " +
    "You must enclose it in a string or use the escape '\\u0040' instead."],
  ['assignee = user', 'reserved-word', 1, 12,
    "'user' is a reserved JQL word. You must surround it in quotation marks to use it in a query."],
  ['x = \\u0061nd', 'reserved-word', 1, 5,
    "'and' is a reserved JQL word. You must surround it in quotation marks to use it in a query."],
  ['order by asc', 'unexpected-token', 1, 10,
    "Expecting a field name but got 'asc'. You must surround 'asc' in quotation marks to use it as a field name."],
  ['project = A AND\nstatus =\n', 'unexpected-token', 3, 1,
    'Expecting either a value or function before the end of the query.'],
  ['a = 1\n  and b = "x\n', 'unterminated-string', 2, 11, "The quoted string 'x\n' has not been completed."],
  ['x = a\\q', 'illegal-escape', 1, 6, "The escape sequence '\\q' is not valid. The valid escapes are \\t, \\n, " +
    "\\r, \\\", \\', \\\\, '\\ ' and \\uXXXX."],
  ['x = \\u00g1', 'illegal-escape', 1, 5, "The escape sequence '\\u00g1' is not valid. The valid escapes are \\t, " +
    "\\n, \\r, \\\", \\', \\\\, '\\ ' and \\uXXXX."],
  ['x = "a\tb"', 'illegal-character', 1, 7,
    "The character '\\u0009' is an illegal JQL character. Use the escape '\\u0009' instead."],
  ['x = a\u0007', 'illegal-character', 1, 6,
    "The character '\\u0007' is an illegal JQL character. Use the escape '\\u0007' instead."],
  ['a in (1, 2', 'unexpected-token', 1, 11, "Expecting either ',' or ')' before the end of the query."],
  ['a = (1, 2)', 'unexpected-token', 1, 5, "Expecting either a value or function but got '('."],
  ['a is b', 'unexpected-token', 1, 6, "Expecting 'EMPTY' or 'NULL' but got 'b'."],
  ['a in b', 'unexpected-token', 1, 6, "Expecting either a list or function but got 'b'."],
  ['a < empty', 'unexpected-token', 1, 5, "Expecting either a value or function but got 'empty'."],
  ['a = 1 from b', 'unexpected-token', 1, 7, "Expecting either 'OR' or 'AND' but got 'from'."],
  ['(a = 1', 'unexpected-token', 1, 7, "Expecting either 'OR', 'AND' or ')' before the end of the query."],
  ['a ! = 1', 'unexpected-token', 1, 3, "Expecting an operator but got '!'. The valid operators are '=', '!=', " +
    "'<', '>', '<=', '>=', '~', '!~', 'IN', 'NOT IN', 'IS', 'IS NOT', 'WAS', 'WAS NOT', 'WAS IN', 'WAS NOT IN' " +
    "and 'CHANGED'."],
  ['a not = 1', 'unexpected-token', 1, 7, "Expecting 'IN' but got '='."],
  ['cf[-1] = x', 'unexpected-token', 1, 4, "Expecting a custom field id (a positive number) but got '-1'."],
  ['a was empty during (1)', 'unexpected-token', 1, 22,
    "Expecting ',' between the start and the end of the date range but got ')'."],
  ['order by a asc desc', 'unexpected-token', 1, 16, "Expecting either ',' or the end of the query but got 'desc'."],
  ['order by a = 1', 'unexpected-token', 1, 12, "Expecting either 'ASC', 'DESC' or ',' but got '='."],
  ['order a', 'unexpected-token', 1, 7, "Expecting 'BY' but got 'a'."],
  ['x = fn(a b)', 'unexpected-token', 1, 10, "Expecting either ',' or ')' but got 'b'."],
];

describe('parseJql refuses bad syntax with a Jira-style message and position', () => {
  for (const [jql, reason, line, column, detail] of REFUSES) {
    test(JSON.stringify(jql), () => {
      assert.throws(() => parseJql(jql), (err: unknown) => {
        assert.ok(err instanceof JqlSyntaxError);
        assert.deepEqual({ reason: err.reason, line: err.line, column: err.column, detail: err.detail },
          { reason, line, column, detail });
        assert.equal(err.message, `Error in the JQL Query: ${detail} (line ${line}, character ${column})`);
        return true;
      });
    });
  }

  test('nesting is limited to 100 levels, so deep input is a syntax error rather than a stack overflow', () => {
    const parens = (n: number) => `${'('.repeat(n)}a = 1${')'.repeat(n)}`;
    assert.deepEqual(parseJql(parens(100)).where, eq('a', 1));
    for (const jql of [parens(101), `${'not '.repeat(50_000)}a = 1`, `x in ${'('.repeat(50_000)}`]) {
      assert.throws(() => parseJql(jql), (err: unknown) => err instanceof JqlSyntaxError && err.reason === 'too-deep');
    }
  });

  test('long flat chains are not nesting', () => {
    const where = parseJql(Array.from({ length: 5000 }, (_, i) => `k = ${i}`).join(' and ')).where;
    assert.equal(where?.kind === 'and' ? where.clauses.length : 0, 5000);
  });

  test('a syntax error is a 400 AppError', () => {
    assert.throws(() => parseJql('project = DEMO foo'), (err: unknown) => {
      assert.ok(err instanceof AppError);
      assert.equal(err.status, 400);
      assert.equal(err.code, 'jql_syntax');
      assert.equal(err.message,
        "Error in the JQL Query: Expecting either 'OR' or 'AND' but got 'foo'. (line 1, character 16)");
      return true;
    });
  });
});

describe('tokenize', () => {
  const brief = (jql: string) => tokenize(jql).map((t) => [t.kind, t.value, t.keyword ?? null, t.line, t.column]);

  test('tokens carry kind, decoded value, keyword and 1-based line and character', () => {
    assert.deepEqual(brief('Status IN\n  ("a b", -7)&&x'), [
      ['string', 'Status', null, 1, 1], ['string', 'IN', 'in', 1, 8], ['symbol', '(', null, 2, 3],
      ['string', 'a b', null, 2, 4], ['symbol', ',', null, 2, 9], ['number', '-7', null, 2, 11],
      ['symbol', ')', null, 2, 13], ['symbol', '&&', null, 2, 14], ['string', 'x', null, 2, 16],
      ['eof', '', null, 2, 17],
    ]);
  });

  test('operators, single & and |, and a lone ! (NOT)', () => {
    assert.deepEqual(tokenize('= != ~ !~ < > <= >= & | ! [ ]').map((t) => t.value).slice(0, -1),
      ['=', '!=', '~', '!~', '<', '>', '<=', '>=', '&&', '||', '!', '[', ']']);
  });

  test('escaped or quoted keywords are not keywords', () => {
    assert.deepEqual(tokenize('and "and" \\u0061nd').map((t) => t.keyword ?? null), ['and', null, null, null]);
  });
});
