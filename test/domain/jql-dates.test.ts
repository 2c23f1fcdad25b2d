// JQL date values, date functions and `~` terms: pure functions of their input and the injected clock.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { dateBoundary, dateFunction, dayOf, parseDateValue } from '../../src/domain/jql/dates.js';
import { parseTextTerms } from '../../src/domain/jql/text-terms.js';

const NOW = Date.UTC(2026, 5, 17, 12, 0); // Wednesday
const M = 60_000;
const D = 24 * 60 * M;
const iso = (t: number | undefined) => (t === undefined ? undefined : new Date(t).toISOString());

describe('date values', () => {
  test('absolute formats, midnight when no time, UTC', () => {
    assert.equal(iso(parseDateValue('2024/01/02 13:45', NOW)), '2024-01-02T13:45:00.000Z');
    assert.equal(iso(parseDateValue('2024-01-02 13:45', NOW)), '2024-01-02T13:45:00.000Z');
    assert.equal(iso(parseDateValue('2024/1/2', NOW)), '2024-01-02T00:00:00.000Z');
    assert.equal(iso(parseDateValue('2024-02-29', NOW)), '2024-02-29T00:00:00.000Z');
  });

  test('relative offsets: w d h m, minutes by default, the first sign carries', () => {
    assert.equal(parseDateValue('-7d', NOW), NOW - 7 * D);
    assert.equal(parseDateValue('-4w 2d', NOW), NOW - 30 * D);
    assert.equal(parseDateValue('-4w +2d', NOW), NOW - 26 * D);
    assert.equal(parseDateValue('1h 30m', NOW), NOW + 90 * M);
    assert.equal(parseDateValue('-60', NOW), NOW - 60 * M);
    assert.equal(parseDateValue(-5, NOW), NOW - 5 * M);
  });

  test('anything else is undefined', () => {
    for (const bad of ['', 'yesterday', '2024-02-30', '2024-13-01', '2024-01-01 24:00', '-7x', '7 d', '2024.01.01', "'; DROP"]) {
      assert.equal(parseDateValue(bad, NOW), undefined, bad);
    }
  });
});

describe('date functions', () => {
  test('now(), start and end of day, week (Sunday), month and year', () => {
    assert.equal(dateFunction('now', [], NOW), NOW);
    assert.equal(iso(dateFunction('startOfDay', [], NOW)), '2026-06-17T00:00:00.000Z');
    assert.equal(iso(dateFunction('endOfDay', [], NOW)), '2026-06-17T23:59:59.999Z');
    assert.equal(iso(dateFunction('STARTOFWEEK', [], NOW)), '2026-06-14T00:00:00.000Z');
    assert.equal(iso(dateFunction('endOfWeek', [], NOW)), '2026-06-20T23:59:59.999Z');
    assert.equal(iso(dateFunction('startOfMonth', [], NOW)), '2026-06-01T00:00:00.000Z');
    assert.equal(iso(dateFunction('endOfMonth', [], NOW)), '2026-06-30T23:59:59.999Z');
    assert.equal(iso(dateFunction('startOfYear', [], NOW)), '2026-01-01T00:00:00.000Z');
    assert.equal(iso(dateFunction('endOfYear', [], NOW)), '2026-12-31T23:59:59.999Z');
    assert.equal(dateFunction('currentUser', [], NOW), undefined);
  });

  test('increments: sign optional, unit defaults to the period, months are calendar months', () => {
    assert.equal(iso(dateFunction('startOfDay', ['-1d'], NOW)), '2026-06-16T00:00:00.000Z');
    assert.equal(iso(dateFunction('startOfDay', ['-1'], NOW)), '2026-06-16T00:00:00.000Z');
    assert.equal(iso(dateFunction('startOfMonth', ['+1M'], NOW)), '2026-07-01T00:00:00.000Z');
    assert.equal(iso(dateFunction('startOfWeek', ['1d'], NOW)), '2026-06-15T00:00:00.000Z');
    assert.equal(iso(dateFunction('endOfMonth', ['-1M'], NOW)), '2026-05-31T23:59:59.999Z', 'the end of last month');
    assert.equal(iso(dateFunction('endOfMonth', ['-4M'], NOW)), '2026-02-28T23:59:59.999Z');
    assert.equal(iso(dateFunction('endOfDay', ['-1d'], NOW)), '2026-06-16T23:59:59.999Z');
    assert.equal(iso(dateBoundary('start', 'Year', '-2y', NOW)), '2024-01-01T00:00:00.000Z');
    assert.equal(iso(dateFunction('startOfDay', ['+3h'], NOW)), '2026-06-17T03:00:00.000Z');
    assert.equal(dateFunction('startOfDay', ['tomorrow'], NOW), undefined);
    assert.equal(dayOf(NOW), '2026-06-17');
  });
});

describe('text terms', () => {
  test('words, prefixes and phrases; operators and punctuation are only separators', () => {
    assert.deepEqual(parseTextTerms('Foo bar'), [{ words: ['foo'], prefix: false }, { words: ['bar'], prefix: false }]);
    assert.deepEqual(parseTextTerms('timeout*'), [{ words: ['timeout'], prefix: true }]);
    assert.deepEqual(parseTextTerms('"full screen" mode'), [{ words: ['full', 'screen'], prefix: false }, { words: ['mode'], prefix: false }]);
    assert.deepEqual(parseTextTerms('foo-bar'), [{ words: ['foo', 'bar'], prefix: false }]);
    assert.deepEqual(parseTextTerms('*'), []);
    assert.deepEqual(parseTextTerms('"; DROP'), [{ words: ['drop'], prefix: false }]);
    assert.deepEqual(parseTextTerms('naïve Ünïcode'), [{ words: ['naïve'], prefix: false }, { words: ['ünïcode'], prefix: false }]);
  });
});
