// Issue and project keys, and Jira's date format.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatIssueKey, isValidProjectKey, parseIdOrKey, parseIssueKey } from '../../src/domain/issue-key.js';
import { formatJiraDate, formatJiraDateTime } from '../../src/domain/jira-dates.js';

test('project keys: an upper-case letter, then 1 to 9 upper-case letters, digits or underscores', () => {
  for (const key of ['AB', 'DEMO', 'A1', 'X_Y', 'ABCDEFGHIJ']) assert.equal(isValidProjectKey(key), true, key);
  for (const key of ['A', 'demo', '1AB', '_AB', 'ABCDEFGHIJK', 'AB-C', 'ÄB', '']) assert.equal(isValidProjectKey(key), false, key);
});

test('issue keys parse case-insensitively and format back', () => {
  assert.deepEqual(parseIssueKey('DEMO-12'), { projectKey: 'DEMO', number: 12 });
  assert.deepEqual(parseIssueKey(' demo-7 '), { projectKey: 'DEMO', number: 7 });
  for (const text of ['DEMO', 'DEMO-', 'DEMO-0', 'DEMO-01', '-1', 'D-1', 'DEMO-1-2', '12']) assert.equal(parseIssueKey(text), null, text);
  assert.equal(formatIssueKey('DEMO', 12), 'DEMO-12');
});

test('an issue or project is named by numeric id or by key', () => {
  assert.deepEqual(parseIdOrKey('10001'), { kind: 'id', id: 10001 });
  assert.deepEqual(parseIdOrKey('demo-1'), { kind: 'key', key: 'DEMO-1' });
  assert.deepEqual(parseIdOrKey('9999999999999999999'), { kind: 'key', key: '9999999999999999999' });
});

test('Jira dates: milliseconds and a colon-less UTC offset', () => {
  assert.equal(formatJiraDateTime(Date.UTC(2026, 11, 3, 10, 0, 0)), '2026-12-03T10:00:00.000+0000');
  assert.equal(formatJiraDateTime(Date.UTC(2024, 1, 29, 23, 59, 59, 7)), '2024-02-29T23:59:59.007+0000');
  assert.equal(formatJiraDate(Date.UTC(2026, 11, 3, 23, 30)), '2026-12-03');
});
