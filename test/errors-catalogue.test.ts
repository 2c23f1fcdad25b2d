// The catalogue of error codes in docs/errors.md stays in step with the codes the source can raise.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const SRC = fileURLToPath(new URL('../src/', import.meta.url));
const files = (dir: string): string[] => readdirSync(dir).flatMap((n) => {
  const p = join(dir, n);
  return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : [];
});

test('every AppError code in src/ is documented in docs/errors.md, and the doc lists no stale code', () => {
  const codes = new Set<string>();
  for (const f of files(SRC)) {
    const text = readFileSync(f, 'utf8');
    for (const m of text.matchAll(/new AppError\(\s*'[a-z_]+',\s*'([a-z_]+)'/g)) codes.add(m[1]!);
    // Subclasses of AppError name their code in super(kind, code, …).
    if (/extends AppError/.test(text)) for (const m of text.matchAll(/super\(\s*'[a-z_]+',\s*'([a-z_]+)'/g)) codes.add(m[1]!);
  }
  assert.ok(codes.size > 15, 'the scan finds the codes');
  const doc = readFileSync(new URL('../docs/errors.md', import.meta.url), 'utf8');
  const documented = new Set([...doc.matchAll(/^\| (.+?) \| \d{3} \|/gm)].flatMap((m) => [...m[1]!.matchAll(/`([a-z_]+)`/g)].map((x) => x[1]!)));
  assert.deepEqual([...codes].filter((c) => !documented.has(c)).sort(), [], 'codes missing from docs/errors.md');
  assert.deepEqual([...documented].filter((c) => !codes.has(c)).sort(), [], 'codes in docs/errors.md that the source no longer raises');
});
