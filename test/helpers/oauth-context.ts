// For the OAuth provider tests: a real SQLite file in a temp folder, the real services over it, the
// TestCases key pair and a user, plus signing of raw requests with our own client code.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OAuthClient, type OAuthClientOptions, type TokenPair } from '../../src/client/oauth-client.js';
import { loadConfig } from '../../src/config/config.js';
import type { RawRequest } from '../../src/protocol/oauth1/request.js';
import { manualClock } from '../../src/services/clock.js';
import type { ServiceContext } from '../../src/services/context.js';
import { openDatabase } from '../../src/storage/database.js';

const fixture = (name: string) => readFileSync(new URL(`../fixtures/${name}`, import.meta.url), 'utf8');

/** The oauth.net TestCases RSA key pair (see test/fixtures/README.md). */
export const TESTCASES = {
  privatePem: fixture('testcases-rsa-private.pem'),
  publicPem: fixture('testcases-rsa-public.pem'),
  certPem: fixture('testcases-rsa-cert.pem'),
};

export interface OAuthTestContext {
  ctx: ServiceContext;
  clock: ReturnType<typeof manualClock>;
  dir: string;
  close(): Promise<void>;
}

export async function openOAuthTestContext(options: { baseUrl?: string; now?: number; settings?: Record<string, string> } = {}): Promise<OAuthTestContext> {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-oauth-'));
  const config = loadConfig({
    env: { TESSERA_BASE_URL: options.baseUrl ?? 'http://localhost:8080', TESSERA_DATABASE: join(dir, 'tessera.db'), ...options.settings },
  });
  const dialect = await openDatabase(config.database);
  const clock = manualClock(options.now ?? Date.now());
  return {
    ctx: { db: dialect.db, dialect, config, clock },
    clock,
    dir,
    close: async () => {
      await dialect.db.destroy();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A user row, straight into the table (password login is not what these tests are about). */
export async function addUser(ctx: ServiceContext, username: string, options: { active?: boolean } = {}): Promise<number> {
  const row = await ctx.db.insertInto('users').values({
    username, username_lower: username.toLowerCase(), display_name: username, email: `${username}@example.com`,
    password_hash: 'not-a-password', is_admin: 0, active: options.active === false ? 0 : 1, created_at: ctx.clock(),
  }).returning('id').executeTakeFirstOrThrow();
  return row.id;
}

/** An OAuthClient whose timestamps follow the test's clock. */
export function testClient(ctx: ServiceContext, options: Partial<OAuthClientOptions> = {}): OAuthClient {
  return new OAuthClient({
    baseUrl: ctx.config.baseUrl, consumerKey: 'test-app', privateKeyPem: TESTCASES.privatePem, now: ctx.clock, ...options,
  });
}

/** A RawRequest signed by `client`, as the server would receive it. */
export function signedRaw(client: OAuthClient, method: string, pathAndQuery: string, options: {
  token?: TokenPair | string; extra?: Record<string, string>; form?: string;
} = {}): RawRequest {
  const url = new URL(client.baseUrl + pathAndQuery);
  const form = options.form === undefined ? undefined : [...new URLSearchParams(options.form)] as Array<[string, string]>;
  const token = typeof options.token === 'string' ? { token: options.token, tokenSecret: '' } : options.token;
  const authorization = client.authorization(method, url.href, { token, extra: options.extra, form });
  return {
    method,
    path: url.pathname,
    query: url.search.slice(1),
    authorization,
    contentType: options.form === undefined ? undefined : 'application/x-www-form-urlencoded',
    body: options.form,
  };
}

/** Parses a form-encoded answer. */
export const formFields = (body: string): Record<string, string> => Object.fromEntries(new URLSearchParams(body));
