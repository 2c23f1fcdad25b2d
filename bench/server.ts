// The server under test, in its own process (so the benchmark client does not share its event loop):
// the real services and buildApp on the given database, listening on a free loopback port. Prints one JSON
// line {"port": …} when ready; exits on SIGTERM or when its parent goes away (stdin closes).
import { buildApp } from '../src/app.js';
import { loadConfig } from '../src/config/config.js';
import { systemClock } from '../src/services/clock.js';
import { createServices } from '../src/services/index.js';
import { openDatabase } from '../src/storage/database.js';
import { exitWithParent, freePort } from './child-server.js';

const database = process.argv[2];
if (!database) throw new Error('usage: node --import tsx bench/server.ts DATABASE');
const port = await freePort();
const config = loadConfig({
  env: {
    TESSERA_PORT: String(port), TESSERA_HOST: '127.0.0.1', TESSERA_BASE_URL: `http://localhost:${port}`,
    TESSERA_DATABASE: database, TESSERA_LOG_LEVEL: 'silent',
  },
});
const dialect = await openDatabase(config.database);
const services = createServices({ db: dialect.db, dialect, config, clock: systemClock });
const app = await buildApp(services, { logLevel: false });
await app.listen({ port, host: '127.0.0.1' });
process.stdout.write(`${JSON.stringify({ port })}\n`);

exitWithParent(async () => {
  await app.close();
  await dialect.db.destroy();
});
