// The field and function tables the JQL compiler resolves names against: aliases and case are folded, every
// name is unique, and the operator sets say what notes §5.4 says.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { resolveField, resolveFunction, STANDARD_FIELDS, STANDARD_FUNCTIONS } from '../../src/domain/jql/fields.js';

test('field names and aliases resolve case-insensitively to the canonical name', () => {
  const cases: Array<[string, string]> = [
    ['type', 'issuetype'], ['IssueType', 'issuetype'], ['createdDate', 'created'], ['updatedDate', 'updated'],
    ['resolutionDate', 'resolved'], ['dueDate', 'due'], ['issuekey', 'key'], ['issue', 'key'], ['id', 'key'],
    ['KEY', 'key'], ['statuscategory', 'statusCategory'], ['FIXVERSION', 'fixVersion'], ['text', 'text'],
  ];
  for (const [name, canonical] of cases) assert.equal(resolveField(name)?.name, canonical, name);
  assert.equal(resolveField('Story Points'), undefined);
  assert.equal(resolveField('cf[10100]'), undefined);
});

test('no name or alias is claimed by two fields', () => {
  const names = STANDARD_FIELDS.flatMap((f) => [f.name, ...f.aliases].map((n) => n.toLowerCase()));
  assert.equal(new Set(names).size, names.length);
});

test('operators follow the field type', () => {
  const has = (field: string, op: string) => resolveField(field)?.operators.has(op as never) ?? false;
  assert.ok(has('summary', '~') && has('text', '!~') && has('comment', 'is not'));
  assert.ok(!has('summary', '=') && !has('description', 'in'));
  assert.ok(has('created', '>=') && has('priority', '<') && has('key', '>') && has('fixVersion', '<='));
  assert.ok(!has('labels', '<') && !has('project', '~') && !has('parent', 'is'));
  assert.ok(has('status', 'was in') && has('assignee', 'changed') && !has('labels', 'was'));
});

test('function names resolve case-insensitively, with their arity and whether they yield a list', () => {
  assert.deepEqual(resolveFunction('currentuser'),
    { name: 'currentUser', result: 'user', list: false, minArgs: 0, maxArgs: 0 });
  assert.deepEqual(resolveFunction('MEMBERSOF'), { name: 'membersOf', result: 'users', list: true, minArgs: 1, maxArgs: 1 });
  assert.deepEqual(resolveFunction('startOfDay'), { name: 'startOfDay', result: 'date', list: false, minArgs: 0, maxArgs: 1 });
  assert.equal(resolveFunction('linkedIssues')?.maxArgs, 2);
  for (const unit of ['Day', 'Week', 'Month', 'Year']) {
    assert.ok(resolveFunction(`startOf${unit}`) && resolveFunction(`endOf${unit}`), unit);
  }
  assert.equal(resolveFunction('noSuchFunction'), undefined);
  const names = STANDARD_FUNCTIONS.map((f) => f.name.toLowerCase());
  assert.equal(new Set(names).size, names.length);
});
