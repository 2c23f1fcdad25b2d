// Test harness: a fresh SQLite file in a temp folder, the real services, and (for end-to-end tests) the real
// HTTP server listening on a free loopback port.
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/app.js';
import { loadConfig, type Config } from '../../src/config/config.js';
import { manualClock, systemClock, type Clock } from '../../src/services/clock.js';
import { createServices, type Services } from '../../src/services/index.js';
import { openDatabase } from '../../src/storage/database.js';

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

export interface TestServer {
  dir: string;
  config: Config;
  services: Services;
  app: FastifyInstance;
  baseUrl: string;
  clock: Clock;
  /** Environment for child processes (CLI commands) that share this server's database and settings. */
  env: Record<string, string>;
  close(): Promise<void>;
}

export async function startTestServer(options: { listen?: boolean; manualTime?: boolean; settings?: Record<string, string> } = {}): Promise<TestServer> {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-test-'));
  const port = options.listen === false ? 8080 : await freePort();
  const env: Record<string, string> = {
    TESSERA_PORT: String(port), TESSERA_HOST: '127.0.0.1', TESSERA_BASE_URL: `http://localhost:${port}`,
    TESSERA_DATABASE: join(dir, 'tessera.db'), TESSERA_LOG_LEVEL: 'silent',
    // Suites sign the same user in many times; the push rate limit has its own tests (pass settings to get 5).
    TESSERA_PUSH_RATE_LIMIT: '1000', ...options.settings,
  };
  const config = loadConfig({ env });
  const dialect = await openDatabase(config.database);
  const clock = options.manualTime ? manualClock() : systemClock;
  const services = createServices({ db: dialect.db, dialect, config, clock });
  const app = await buildApp(services, { logLevel: false });
  if (options.listen !== false) await app.listen({ port, host: '127.0.0.1' });
  else await app.ready();
  return {
    dir, config, services, app, baseUrl: config.baseUrl, clock, env,
    close: async () => {
      await app.close();
      await dialect.db.destroy();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export const TEST_PASSWORD = 'correct horse battery staple';

export async function createUser(server: TestServer, username: string, options: { admin?: boolean } = {}) {
  return server.services.accounts.create({ username, password: TEST_PASSWORD, displayName: `${username[0]!.toUpperCase()}${username.slice(1)} Tester`, email: `${username}@example.com`, isAdmin: options.admin });
}
