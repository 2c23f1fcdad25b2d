// The `tessera` command as a person uses it: help, admin commands on a real database, clean failures.
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { runTessera } from './helpers/cli.js';
import { startTestServer, type TestServer } from './helpers/server.js';

describe('tessera command', () => {
  let server: TestServer;
  before(async () => { server = await startTestServer(); });
  after(() => server.close());

  test('help is on standard output with exit 0; an unknown command is a usage error (exit 2)', async () => {
    for (const args of [['--help'], ['admin', '--help'], ['authenticator', '--help'], ['client', '--help'], ['serve', '--help']]) {
      const r = await runTessera(args, { env: server.env });
      assert.equal(r.code, 0, args.join(' '));
      assert.match(r.stdout, /usage/, args.join(' '));
    }
    const bad = await runTessera(['frobnicate'], { env: server.env });
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /usage/);
  });

  test('admin user add reads the password from standard input and refuses duplicates and short passwords', async () => {
    const ok = await runTessera(['admin', 'user', 'add', 'grace', '--display-name', 'Grace Hopper', '--email', 'grace@example.com'], { env: server.env, stdin: 'a long enough password\n' });
    assert.equal(ok.code, 0, ok.stderr);
    const grace = await server.services.accounts.findByUsername('grace');
    assert.equal(grace?.display_name, 'Grace Hopper');
    assert.equal((await server.services.accounts.checkPassword('grace', 'a long enough password')).ok, true);
    const again = await runTessera(['admin', 'user', 'add', 'GRACE'], { env: server.env, stdin: 'another long password' });
    assert.equal(again.code, 2);
    assert.match(again.stderr, /already exists/);
    const short = await runTessera(['admin', 'user', 'add', 'heidi'], { env: server.env, stdin: 'short' });
    assert.equal(short.code, 2);
    assert.match(short.stderr, /at least 8 characters/);
    const admin = await runTessera(['admin', 'user', 'add', 'ivan', '--admin'], { env: server.env, stdin: 'ivan password 1' });
    assert.equal(admin.code, 0);
    assert.equal((await server.services.accounts.findByUsername('ivan'))?.is_admin, 1);
  });

  test('enroll-link for an unknown user fails cleanly', async () => {
    const r = await runTessera(['admin', 'user', 'enroll-link', 'nobody'], { env: server.env });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /No user named nobody/);
  });

  test('an application link key in an unsupported format is refused with the formats that work', async () => {
    const r = await runTessera(['admin', 'consumer', 'add', '--key', 'k1', '--name', 'App', '--public-key', '-'], { env: server.env, stdin: 'not a key' });
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /PEM|X\.509|certificate/i);
  });

  test('serve on a port in use says so, without a stack trace', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      const r = await runTessera(['serve'], { env: { ...server.env, TESSERA_PORT: String(port), TESSERA_ADMIN_PASSWORD: 'admin password 1' } });
      assert.equal(r.code, 1);
      assert.match(r.stderr, new RegExp(`port ${port} on 127.0.0.1 is in use`));
      assert.doesNotMatch(r.stderr, /at .*\.ts:\d+/);
    } finally {
      blocker.close();
    }
  });

  test('an enrolment link opened in a browser explains what to do with it', async () => {
    const res = await fetch(`${server.baseUrl}/authenticator/enroll`);
    assert.equal(res.status, 200);
    assert.match(await res.text(), /tessera authenticator enroll/);
    assert.equal(res.headers.get('x-frame-options'), 'DENY');
  });
});
