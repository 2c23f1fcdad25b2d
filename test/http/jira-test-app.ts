// A Fastify instance with only the Jira REST routes, on a fresh SQLite file. A preHandler stands in for the
// real authentication (it trusts an `x-test-user` header naming the user, `anonymous` for none), and a
// small error handler renders AppError as Jira's error body.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify, { type FastifyError, type FastifyInstance, type LightMyRequestResponse } from 'fastify';
import { loadConfig } from '../../src/config/config.js';
import { isAppError } from '../../src/errors/app-error.js';
import { jiraErrorBody } from '../../src/http/jira/error-body.js';
import { registerJiraRoutes } from '../../src/http/jira/routes.js';
import { manualClock } from '../../src/services/clock.js';
import { IssueService } from '../../src/services/issues.js';
import { ProjectService } from '../../src/services/projects.js';
import { openDatabase, type DialectModule } from '../../src/storage/database.js';

export const BASE_URL = 'https://tracker.example.com/jira';

export interface JiraTestApp {
  app: FastifyInstance;
  dialect: DialectModule;
  issues: IssueService;
  projects: ProjectService;
  clock: ReturnType<typeof manualClock>;
  dbFile: string;
  users: Record<string, number>;
  /** app.inject with JSON in and out; `as` names the user ('anonymous' for none), default alice. */
  call(method: string, url: string, options?: { body?: unknown; as?: string; rawBody?: string; headers?: Record<string, string> }):
    Promise<{ status: number; json: any; response: LightMyRequestResponse }>;
  close(): Promise<void>;
}

export async function startJiraTestApp(options: { baseUrl?: string } = {}): Promise<JiraTestApp> {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-jira-'));
  const dbFile = join(dir, 'tessera.db');
  const dialect = await openDatabase(dbFile);
  const clock = manualClock(Date.UTC(2026, 11, 3, 10, 0, 0));
  const issues = new IssueService({ db: dialect.db, dialect, config: loadConfig({ env: {} }), clock });
  const users: Record<string, number> = {};
  for (const [username, displayName] of [['alice', 'Alice Adams'], ['bob', 'Bob Brown']] as const) {
    const row = await dialect.db.insertInto('users').values({
      username, username_lower: username, display_name: displayName, email: `${username}@example.com`,
      password_hash: 'not-a-hash', is_admin: 0, active: 1, created_at: clock(),
    }).returning('id').executeTakeFirstOrThrow();
    users[username] = row.id;
  }
  const app = buildApp(users);
  const projects = new ProjectService({ db: dialect.db, dialect, config: loadConfig({ env: {} }), clock }, issues);
  await registerJiraRoutes(app, { issues, projects, baseUrl: options.baseUrl ?? BASE_URL });

  return {
    app, dialect, issues, projects, clock, dbFile, users,
    async call(method, url, options = {}) {
      const headers: Record<string, string> = { 'x-test-user': options.as ?? 'alice', ...options.headers };
      let payload: string | undefined = options.rawBody;
      if (options.body !== undefined) payload = JSON.stringify(options.body);
      if (payload !== undefined) headers['content-type'] ??= 'application/json';
      const response = await app.inject({ method: method as 'GET', url, headers, ...(payload === undefined ? {} : { payload }) });
      const json = response.body === '' ? undefined : JSON.parse(response.body);
      return { status: response.statusCode, json, response };
    },
    async close() {
      await app.close();
      await dialect.db.destroy();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function buildApp(users: Record<string, number>): FastifyInstance {
  const app = Fastify({ logger: false });
  app.decorateRequest('principal', null);
  app.addHook('preHandler', async (request) => {
    const name = String(request.headers['x-test-user'] ?? 'anonymous');
    const userId = users[name];
    request.principal = userId === undefined ? null : { userId, username: name, isAdmin: false, method: 'basic' };
  });
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
    const text = body as string;
    if (text.trim() === '') return done(null, undefined);
    try {
      done(null, JSON.parse(text));
    } catch {
      done(Object.assign(new Error('The request body is not valid JSON.'), { statusCode: 400 }), undefined);
    }
  });
  app.setErrorHandler((err: FastifyError, _request, reply) => {
    if (isAppError(err)) return reply.code(err.status).send(jiraErrorBody(err));
    const status = err.statusCode !== undefined && err.statusCode < 500 ? err.statusCode : 500;
    return reply.code(status).send({ errorMessages: [status === 500 ? `internal: ${err.message}` : err.message], errors: {} });
  });
  return app;
}
