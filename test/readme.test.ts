// The README's two set-up commands stay true (issue 2, acceptance 8): the first, run in a clean clone of this
// repository, installs and starts the server on its embedded SQLite database under ./data; the second is
// exactly what .ci/run runs (CI runs it on a clean clone after every change).
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { freePort } from './helpers/server.js';
import { REPO_ROOT } from './helpers/cli.js';

const README = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');

function setupCommands(): string[] {
  const block = /```sh\n([\s\S]*?)```/.exec(README);
  assert.ok(block, 'the README opens with a shell block');
  assert.ok(README.indexOf(block[0]) < README.indexOf('\n## '), 'the set-up block comes before any section');
  return block[1]!.split('\n').map((l) => l.trim()).filter(Boolean);
}

test('the README starts with exactly two set-up commands, and .ci/run runs the second', () => {
  const commands = setupCommands();
  assert.equal(commands.length, 2);
  assert.equal(commands[1], 'npm test');
  const ci = readFileSync(join(REPO_ROOT, '.ci/run'), 'utf8').trim().split('\n');
  assert.equal(ci[ci.length - 1], commands[1], ".ci/run ends with the README's test command");
  assert.ok(ci.includes('npm ci'));
});

test("the README's first command installs and starts the server from a clean clone", { timeout: 600_000 }, async () => {
  const [install] = setupCommands();
  const dir = mkdtempSync(join(tmpdir(), 'tessera-clone-'));
  const clone = join(dir, 'tessera');
  try {
    execFileSync('git', ['clone', '--quiet', REPO_ROOT, clone]);
    const port = await freePort();
    const env: Record<string, string> = {
      PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: process.env['HOME'] ?? dir, TESSERA_PORT: String(port),
    };
    if (process.env['npm_config_cache']) env['npm_config_cache'] = process.env['npm_config_cache'];
    const child = spawn('sh', ['-c', install!], { cwd: clone, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => { output += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { output += d.toString(); });
    try {
      const deadline = Date.now() + 540_000;
      while (!/Tessera is listening/.test(output)) {
        assert.ok(child.exitCode === null, `the command ended early:\n${output.slice(-3000)}`);
        assert.ok(Date.now() < deadline, `no server after 9 minutes:\n${output.slice(-3000)}`);
        await new Promise((r) => setTimeout(r, 500));
      }
      // First start: the administrator's generated password is printed once.
      assert.match(output, /Created the administrator "admin" with the password:\n\n {4}\S{16,}\n/);
      const info = await fetch(`http://localhost:${port}/rest/api/2/serverInfo`);
      assert.equal(info.status, 200);
      assert.equal(((await info.json()) as { baseUrl: string }).baseUrl, `http://localhost:${port}`);
      const login = await fetch(`http://localhost:${port}/login`);
      assert.equal(login.status, 200);
      assert.ok(existsSync(join(clone, 'data', 'tessera.db')), 'the database is under ./data');
    } finally {
      try { process.kill(-child.pid!, 'SIGTERM'); } catch { /* already gone */ }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
