// IssueService below HTTP: projects, the demo seed, and key allocation across processes sharing the file.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { loadConfig } from '../../src/config/config.js';
import { AppError } from '../../src/errors/app-error.js';
import { manualClock } from '../../src/services/clock.js';
import { IssueService } from '../../src/services/issues.js';
import { openDatabase, type DialectModule } from '../../src/storage/database.js';

let dir: string;
let dbFile: string;
let dialect: DialectModule;
let service: IssueService;
let adminId: number;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tessera-issues-'));
  dbFile = join(dir, 'tessera.db');
  dialect = await openDatabase(dbFile);
  service = new IssueService({ db: dialect.db, dialect, config: loadConfig({ env: {} }), clock: manualClock() });
  adminId = (await dialect.db.insertInto('users').values({
    username: 'admin', username_lower: 'admin', display_name: 'Administrator', email: 'admin@example.com',
    password_hash: 'x', is_admin: 1, active: 1, created_at: 0,
  }).returning('id').executeTakeFirstOrThrow()).id;
});
after(async () => {
  await dialect.db.destroy();
  rmSync(dir, { recursive: true, force: true });
});

function fieldErrors(fn: () => Promise<unknown>): Promise<Record<string, string>> {
  return fn().then(() => assert.fail('expected a validation error'), (err: unknown) => {
    assert.ok(err instanceof AppError);
    assert.equal(err.kind, 'bad_request');
    return err.fields;
  });
}

test('createProject checks key, name and lead, and refuses a taken key', async () => {
  const project = await service.createProject({ key: 'OPS', name: 'Operations', leadUserId: adminId, description: 'Ops work' });
  assert.deepEqual([project.key, project.name, project.description, project.leadId], ['OPS', 'Operations', 'Ops work', adminId]);
  const bad = await fieldErrors(() => service.createProject({ key: 'ops', name: ' ', leadUserId: 424242 }));
  assert.deepEqual(Object.keys(bad).sort(), ['projectKey', 'projectLead', 'projectName']);
  const taken = await fieldErrors(() => service.createProject({ key: 'OPS', name: 'Again', leadUserId: adminId }));
  assert.equal(taken['projectKey'], "Project 'OPS' uses this project key.");
});

test('seedDemo creates DEMO with issues and a comment, once, even when called twice at the same time', async () => {
  const [first, second] = await Promise.all([service.seedDemo(adminId), service.seedDemo(adminId)]);
  assert.equal(first.id, second.id);
  const again = await service.seedDemo(adminId);
  assert.equal(again.id, first.id);
  assert.equal(again.name, 'Demo project');
  const actor = { userId: adminId, isAdmin: true };
  const result = await service.search(actor, { jql: 'project = DEMO ORDER BY created ASC', startAt: 0, maxResults: 50, validateQuery: true, withComments: true });
  assert.deepEqual(result.items.map((i) => i.key), ['DEMO-1', 'DEMO-2', 'DEMO-3', 'DEMO-4']);
  assert.ok(result.items.every((i) => i.summary.length > 10 && i.reporter?.username === 'admin'));
  assert.equal(result.items.flatMap((i) => i.comments ?? []).length, 1);
  assert.deepEqual(new Set(result.items.map((i) => i.issueType.name)), new Set(['Bug', 'Task', 'Story']));
});

test('separate processes creating issues in one project never share a key', async () => {
  await service.createProject({ key: 'PAR', name: 'Parallel', leadUserId: adminId });
  const script = fileURLToPath(new URL('./fixtures/create-issues.ts', import.meta.url));
  const run = promisify(execFile);
  const children = await Promise.all([1, 2, 3].map(() =>
    run(process.execPath, ['--import', 'tsx', script, dbFile, '15', String(adminId)], { timeout: 60_000 })));
  const keys = children.flatMap((child) => JSON.parse(child.stdout) as string[]);
  assert.equal(keys.length, 45);
  assert.equal(new Set(keys).size, 45);
  const numbers = keys.map((k) => Number(k.slice('PAR-'.length))).sort((a, b) => a - b);
  assert.deepEqual(numbers, Array.from({ length: 45 }, (_, i) => i + 1));
});
