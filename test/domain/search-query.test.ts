// The small JQL front end: what it accepts (with the AST it produces) and that everything else is refused
// with a message that says full JQL is not supported yet and quotes the query.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseSearchQuery, type JqlQuery } from '../../src/domain/search-query.js';
import { AppError } from '../../src/errors/app-error.js';

const project = (value: string, quoted = false): JqlQuery['where'] =>
  ({ type: 'terminal', field: 'project', operator: '=', operand: { type: 'value', value, quoted } });

const ACCEPTED: Array<[string, JqlQuery]> = [
  ['', { where: null, orderBy: [] }],
  ['   ', { where: null, orderBy: [] }],
  ['project = DEMO', { where: project('DEMO'), orderBy: [] }],
  ['project=DEMO', { where: project('DEMO'), orderBy: [] }],
  ['Project = demo', { where: project('demo'), orderBy: [] }],
  ['project = "DEMO"', { where: project('DEMO', true), orderBy: [] }],
  ["project = 'My Project'", { where: project('My Project', true), orderBy: [] }],
  ['project = "say \\"hi\\""', { where: project('say "hi"', true), orderBy: [] }],
  ['project = D\\u0045MO', { where: project('DEMO'), orderBy: [] }],
  ['project = DEMO ORDER BY created DESC', { where: project('DEMO'), orderBy: [{ field: 'created', direction: 'desc' }] }],
  ['project=DEMO order by Created asc', { where: project('DEMO'), orderBy: [{ field: 'created', direction: 'asc' }] }],
  ['project = DEMO ORDER BY created', { where: project('DEMO'), orderBy: [{ field: 'created', direction: null }] }],
  ['ORDER BY created DESC', { where: null, orderBy: [{ field: 'created', direction: 'desc' }] }],
  ['project\t=\nDEMO\r\n', { where: project('DEMO'), orderBy: [] }],
];

const REFUSED: Array<[string, RegExp]> = [
  ['status = Done', /the field 'status' cannot be searched yet/],
  ['project = DEMO AND status = Done', /unexpected 'AND'/],
  ['project = DEMO OR project = X', /unexpected 'OR'/],
  ['project in (DEMO, X)', /unexpected 'in'/],
  ['project != DEMO', /unexpected '!='/],
  ['project ~ DEMO', /unexpected '~'/],
  ['project =', /ends too early/],
  ['project', /ends too early/],
  ['= DEMO', /unexpected '='/],
  ['project = "DEMO', /not terminated/],
  ['project = DEMO*', /reserved JQL character/],
  ['project = D\\qEMO', /invalid escape/],
  ['project = DEMO ORDER BY key', /cannot be ordered by 'key'/],
  ['project = DEMO ORDER created', /unexpected 'created'/],
  ['project = DEMO ORDER BY', /ends too early/],
  ['project = DEMO ORDER BY created DESC, key', /unexpected ','/],
  ['project = DEMO ORDER BY created sideways', /unexpected 'sideways'/],
  ['NOT project = DEMO', /the field 'NOT' cannot be searched yet/],
  ['(project = DEMO)', /unexpected '\('/],
];

for (const [jql, expected] of ACCEPTED) {
  test(`accepts ${JSON.stringify(jql)}`, () => {
    assert.deepEqual(parseSearchQuery(jql), expected);
  });
}

for (const [jql, detail] of REFUSED) {
  test(`refuses ${JSON.stringify(jql)}`, () => {
    assert.throws(() => parseSearchQuery(jql), (err: unknown) => {
      assert.ok(err instanceof AppError);
      assert.equal(err.kind, 'bad_request');
      assert.equal(err.code, 'jql_unsupported');
      assert.match(err.message, /^Full JQL is not supported yet: /);
      assert.ok(err.message.includes(JSON.stringify(jql)), err.message);
      assert.match(err.message, detail);
      return true;
    });
  });
}
