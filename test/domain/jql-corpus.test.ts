// The @atlaskit/jql-parser corpus (test/vectors/jql, Apache-2.0) is the contract for JQL syntax: every query
// listed as valid parses, every query listed as invalid is refused with a JqlSyntaxError (never another error).
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { isJqlSyntaxError } from '../../src/domain/jql/errors.js';
import { parseJql } from '../../src/domain/jql/parser.js';

const DIR = new URL('../vectors/jql/', import.meta.url);

interface CorpusFile {
  valid: string[];
  invalid: string[];
}

const files = readdirSync(DIR).filter((name) => name.endsWith('.json')).sort();
const corpus = files.map((name) => ({
  name,
  cases: JSON.parse(readFileSync(new URL(name, DIR), 'utf8')) as CorpusFile,
}));

/** Undefined when the query parses; the error otherwise. */
function attempt(query: string): unknown {
  try {
    parseJql(query);
    return undefined;
  } catch (err) {
    return err;
  }
}

describe('JQL corpus', () => {
  for (const { name, cases } of corpus) {
    test(`${name}: every valid query parses`, () => {
      const refused = cases.valid.flatMap((q) => {
        const err = attempt(q);
        return err === undefined ? [] : [`${JSON.stringify(q)} → ${String(err)}`];
      });
      assert.deepEqual(refused, []);
    });

    test(`${name}: every invalid query is refused with a JqlSyntaxError`, () => {
      const wrong = cases.invalid.flatMap((q) => {
        const err = attempt(q);
        if (err === undefined) return [`${JSON.stringify(q)} parsed`];
        return isJqlSyntaxError(err) ? [] : [`${JSON.stringify(q)} → ${String(err)}`];
      });
      assert.deepEqual(wrong, []);
    });
  }

  test('every prefix of every corpus query parses or throws a JqlSyntaxError, never anything else', () => {
    const other: string[] = [];
    for (const q of corpus.flatMap((f) => [...f.cases.valid, ...f.cases.invalid])) {
      for (let end = 0; end <= q.length; end += 1) {
        const err = attempt(q.slice(0, end));
        if (err !== undefined && !isJqlSyntaxError(err)) other.push(`${JSON.stringify(q.slice(0, end))} → ${String(err)}`);
      }
    }
    assert.deepEqual(other, []);
  });

  test('the corpus is complete: 672 queries, 242 valid and 430 invalid, in 17 files', (t) => {
    const valid = corpus.reduce((n, f) => n + f.cases.valid.length, 0);
    const invalid = corpus.reduce((n, f) => n + f.cases.invalid.length, 0);
    t.diagnostic(`valid ${valid}, invalid ${invalid}`);
    assert.deepEqual({ files: corpus.length, valid, invalid }, { files: 17, valid: 242, invalid: 430 });
  });

  test('the reserved-words file names the 178 reserved words, each refused as an unquoted field', () => {
    const reserved = corpus.find((f) => f.name === 'reserved-words.json');
    const words = reserved?.cases.invalid.filter((q) => q.endsWith(' = value')) ?? [];
    assert.equal(words.length, 178);
  });
});
