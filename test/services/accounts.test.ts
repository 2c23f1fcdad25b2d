// Accounts: password hashing, the check that does not reveal usernames, and the lockout after repeated failures.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { loadConfig } from '../../src/config/config.js';
import { Accounts, LOGIN_FAILURE_LIMIT, LOGIN_FAILURE_WINDOW_MS } from '../../src/services/accounts.js';
import { manualClock } from '../../src/services/clock.js';
import { hashPassword, verifyPassword } from '../../src/services/passwords.js';
import { openDatabase, type DialectModule } from '../../src/storage/database.js';

describe('accounts', () => {
  let dir: string;
  let dialect: DialectModule;
  let accounts: Accounts;
  const clock = manualClock(1_800_000_000_000);

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tessera-accounts-'));
    dialect = await openDatabase(join(dir, 't.db'));
    accounts = new Accounts({ db: dialect.db, dialect, config: loadConfig({ env: {} }), clock });
    await accounts.create({ username: 'Dave', password: 'dave-password' });
  });
  after(async () => {
    await dialect.db.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  test('scrypt hashes are salted, carry their parameters, and verify only the right password', async () => {
    const a = await hashPassword('s3cret pass');
    const b = await hashPassword('s3cret pass');
    assert.notEqual(a, b);
    assert.match(a, /^scrypt\$15\$8\$1\$/);
    assert.equal(await verifyPassword('s3cret pass', a), true);
    assert.equal(await verifyPassword('s3cret pasS', a), false);
    assert.equal(await verifyPassword('s3cret pass', 'garbage'), false);
  });

  test('usernames are case-insensitive and unique; short passwords and odd names are refused', async () => {
    assert.equal((await accounts.checkPassword('dave', 'dave-password')).ok, true);
    await assert.rejects(accounts.create({ username: 'DAVE', password: 'another-password' }), /already exists/);
    await assert.rejects(accounts.create({ username: 'eve', password: 'short' }), /at least 8/);
    await assert.rejects(accounts.create({ username: 'eve smith', password: 'long enough' }), /username/);
  });

  test(`after ${LOGIN_FAILURE_LIMIT} failures in 15 minutes even the right password is refused, until the window ends`, async () => {
    for (let i = 0; i < LOGIN_FAILURE_LIMIT; i++) assert.deepEqual(await accounts.checkPassword('dave', `guess ${i}`), { ok: false, locked: false });
    const locked = await accounts.checkPassword('Dave', 'dave-password');
    assert.equal(locked.ok, false);
    assert.equal(!locked.ok && locked.locked, true);
    clock.advance(LOGIN_FAILURE_WINDOW_MS);
    assert.equal((await accounts.checkPassword('dave', 'dave-password')).ok, true);
  });

  test('a success resets the count; failures spread over more than the window never lock', async () => {
    for (let i = 0; i < LOGIN_FAILURE_LIMIT - 1; i++) await accounts.checkPassword('dave', 'wrong');
    assert.equal((await accounts.checkPassword('dave', 'dave-password')).ok, true);
    for (let i = 0; i < LOGIN_FAILURE_LIMIT - 1; i++) await accounts.checkPassword('dave', 'wrong');
    clock.advance(LOGIN_FAILURE_WINDOW_MS + 1);
    for (let i = 0; i < LOGIN_FAILURE_LIMIT - 1; i++) await accounts.checkPassword('dave', 'wrong');
    assert.equal((await accounts.checkPassword('dave', 'dave-password')).ok, true);
  });

  test('unknown usernames are throttled the same way, so the lockout does not tell which exist', async () => {
    for (let i = 0; i < LOGIN_FAILURE_LIMIT; i++) await accounts.checkPassword('nobody', 'x');
    const r = await accounts.checkPassword('nobody', 'x');
    assert.equal(!r.ok && r.locked, true);
  });

  test('parallel failures are all counted (atomic upsert)', async () => {
    clock.advance(LOGIN_FAILURE_WINDOW_MS + 1);
    await Promise.all(Array.from({ length: LOGIN_FAILURE_LIMIT }, () => accounts.checkPassword('dave', 'wrong')));
    const row = await dialect.db.selectFrom('login_failures').selectAll().where('username_lower', '=', 'dave').executeTakeFirstOrThrow();
    assert.equal(row.failures, LOGIN_FAILURE_LIMIT);
  });
});
