// The server for the push latency benchmark, in its own process (so the benchmark client does not share its
// event loop): a fresh SQLite file in a temp folder, the real services and buildApp on a free loopback port,
// and one user whose password hash uses a cheap scrypt cost (the login's password step is not what is being
// measured; bench/README.md). Prints one JSON line {port, enrollmentUri, username, password} when ready;
// exits, removing its folder, on SIGTERM or when its parent goes away (stdin closes).
import { randomBytes, scryptSync } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApp } from '../src/app.js';
import { loadConfig } from '../src/config/config.js';
import { systemClock } from '../src/services/clock.js';
import { createServices } from '../src/services/index.js';
import { openDatabase } from '../src/storage/database.js';
import { exitWithParent, freePort } from './child-server.js';

const USERNAME = 'bench-push';
const PASSWORD = 'bench push password';

/** The app's stored format (scrypt$logN$r$p$salt$hash) at N=2^4 instead of 2^15. */
function cheapPasswordHash(password: string): string {
  const salt = randomBytes(16);
  const key = scryptSync(password.normalize('NFC'), salt, 32, { N: 16, r: 8, p: 1 });
  return ['scrypt', 4, 8, 1, salt.toString('base64'), key.toString('base64')].join('$');
}

const dir = mkdtempSync(join(tmpdir(), 'tessera-push-bench-'));
const port = await freePort();
const config = loadConfig({
  env: {
    TESSERA_PORT: String(port), TESSERA_HOST: '127.0.0.1', TESSERA_BASE_URL: `http://localhost:${port}`,
    TESSERA_DATABASE: join(dir, 'tessera.db'), TESSERA_LOG_LEVEL: 'silent',
    // 200 logins of one user in a few seconds: far past the default limit of 5 pushes per 10 minutes.
    TESSERA_PUSH_RATE_LIMIT: '1000000',
  },
});
const dialect = await openDatabase(config.database);
const services = createServices({ db: dialect.db, dialect, config, clock: systemClock });
const user = await services.accounts.create({ username: USERNAME, password: PASSWORD, displayName: 'Push Bench', email: 'push-bench@example.com' });
await dialect.db.updateTable('users').set({ password_hash: cheapPasswordHash(PASSWORD) }).where('id', '=', user.id).execute();
const enrollmentUri = services.push.enrollmentUri(await services.push.createEnrollmentCode(user.id));
const app = await buildApp(services, { logLevel: false });
await app.listen({ port, host: '127.0.0.1' });
process.stdout.write(`${JSON.stringify({ port, enrollmentUri, username: USERNAME, password: PASSWORD })}\n`);

exitWithParent(async () => {
  await app.close();
  await dialect.db.destroy();
  rmSync(dir, { recursive: true, force: true });
});
