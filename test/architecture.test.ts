// Dependencies point one way: http → services → (protocol, domain); storage implements what services need;
// client → protocol. This test reads every import in src/ and fails on one that points the wrong way.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve, dirname } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const SRC = fileURLToPath(new URL('../src/', import.meta.url));

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : [];
  });
}

function layerOf(path: string): string {
  return relative(SRC, path).split('/')[0]!.replace(/\.(ts|js)$/, '');
}

/** Which layers each layer may import (besides itself and node/npm packages). */
const ALLOWED: Record<string, string[]> = {
  protocol: [],
  domain: ['errors'],
  errors: [],
  config: [],
  storage: ['errors', 'domain', 'services'], // services only for the ports they define: `import type` (checked below)
  services: ['protocol', 'domain', 'storage', 'errors', 'config'],
  client: ['protocol'],
  http: ['services', 'protocol', 'domain', 'errors', 'config'],
  web: [],
  cli: ['services', 'protocol', 'config', 'errors', 'storage', 'client', 'app'],
  app: ['http', 'services', 'config', 'errors'],
  main: ['cli'],
};

test('imports follow the layer rules', () => {
  const violations: string[] = [];
  for (const file of files(SRC)) {
    const from = layerOf(file);
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/^\s*(import|export)\s([^'"]*?)from\s+'(\.[^']+)'/gm)) {
      const target = resolve(dirname(file), m[3]!);
      const to = layerOf(target);
      if (to === from) continue;
      if (from === 'storage' && to === 'services' && !/^type\s/.test(m[2]!)) {
        violations.push(`${relative(SRC, file)} → ${relative(SRC, target)} (storage may only import types from services)`);
        continue;
      }
      if (!(ALLOWED[from] ?? []).includes(to)) violations.push(`${relative(SRC, file)} → ${relative(SRC, target)}`);
    }
  }
  assert.deepEqual(violations, []);
});

test('the protocol core reads no environment and no clock of its own', () => {
  for (const file of files(join(SRC, 'protocol'))) {
    const text = readFileSync(file, 'utf8');
    assert.doesNotMatch(text, /process\.env/, file);
    assert.doesNotMatch(text, /Date\.now\(\)/, file);
  }
});
