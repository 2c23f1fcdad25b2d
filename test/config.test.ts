// The configuration schema: precedence, validation, and the docs kept in step with it.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { ConfigError, loadConfig, SETTINGS } from '../src/config/config.js';

test('defaults: port 8080, host 127.0.0.1, base URL from the port, SQLite under ./data', () => {
  const c = loadConfig({ env: {} });
  assert.equal(c.port, 8080);
  assert.equal(c.host, '127.0.0.1');
  assert.equal(c.baseUrl, 'http://localhost:8080');
  assert.equal(c.database, 'data/tessera.db');
  assert.equal(loadConfig({ env: { TESSERA_PORT: '9191' } }).baseUrl, 'http://localhost:9191');
});

test('precedence: flag over environment over file over default', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-config-'));
  const file = join(dir, 'tessera.json');
  writeFileSync(file, JSON.stringify({ port: 7001, TESSERA_HOST: '0.0.0.0', database: '/srv/t.db' }));
  const fromFile = loadConfig({ env: { TESSERA_CONFIG: file } });
  assert.deepEqual([fromFile.port, fromFile.host, fromFile.database], [7001, '0.0.0.0', '/srv/t.db']);
  const fromEnv = loadConfig({ env: { TESSERA_CONFIG: file, TESSERA_PORT: '7002' } });
  assert.equal(fromEnv.port, 7002);
  const fromFlag = loadConfig({ env: { TESSERA_CONFIG: file, TESSERA_PORT: '7002' }, flags: { port: '7003' } });
  assert.equal(fromFlag.port, 7003);
});

test('bad values stop with a message naming the setting', () => {
  assert.throws(() => loadConfig({ env: { TESSERA_PORT: 'eighty' } }), (e: Error) => e instanceof ConfigError && /TESSERA_PORT/.test(e.message));
  assert.throws(() => loadConfig({ env: { TESSERA_PORT: '70000' } }), ConfigError);
  assert.throws(() => loadConfig({ env: { TESSERA_BASE_URL: 'localhost:8080' } }), ConfigError);
  assert.throws(() => loadConfig({ env: { TESSERA_BASE_URL: 'ftp://example.com' } }), ConfigError);
  assert.throws(() => loadConfig({ env: { TESSERA_BASE_URL: 'https://example.com/?x=1' } }), ConfigError);
  const dir = mkdtempSync(join(tmpdir(), 'tessera-config-'));
  writeFileSync(join(dir, 'typo.json'), JSON.stringify({ prot: 1 }));
  assert.throws(() => loadConfig({ env: {}, flags: { config: join(dir, 'typo.json') } }), /unknown setting "prot"/);
});

test('a trailing slash on the base URL is dropped, so links are not doubled', () => {
  assert.equal(loadConfig({ env: { TESSERA_BASE_URL: 'https://jira.example.com/' } }).baseUrl, 'https://jira.example.com');
});

test('docs/configuration.md documents every setting', () => {
  const doc = readFileSync(new URL('../docs/configuration.md', import.meta.url), 'utf8');
  for (const s of SETTINGS) {
    assert.ok(doc.includes(`\`${s.env}\``), `${s.env} missing from docs/configuration.md`);
    assert.ok(doc.includes(`\`--${s.flag}\``), `--${s.flag} missing from docs/configuration.md`);
  }
});
