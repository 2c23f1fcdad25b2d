// `tessera admin project …` and `tessera admin group …` on a real database, as a person types them.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { runTessera } from './helpers/cli.js';
import { createUser, startTestServer, type TestServer } from './helpers/server.js';

let server: TestServer;
before(async () => {
  server = await startTestServer({ listen: false });
  await createUser(server, 'admin', { admin: true });
  await createUser(server, 'pia');
  await createUser(server, 'quinn');
});
after(() => server.close());

const role = async (key: string, username: string) => {
  const project = (await server.services.issues.findProject(key))!;
  const user = (await server.services.accounts.findByUsername(username))!;
  return server.services.issues.permissions.roleIn({ userId: user.id }, project);
};

test('project add makes the lead a project admin; bad keys and unknown leads fail cleanly', async () => {
  const ok = await runTessera(['admin', 'project', 'add', 'OPS', '--name', 'Operations', '--lead', 'pia', '--description', 'Ops work'], { env: server.env });
  assert.equal(ok.code, 0, ok.stderr);
  assert.match(ok.stdout, /Created project OPS/);
  assert.equal(await role('OPS', 'pia'), 'admin');
  assert.equal((await server.services.projects.listMembers('OPS'))[0]?.role, 'admin');
  assert.equal(await role('OPS', 'quinn'), undefined);
  const badKey = await runTessera(['admin', 'project', 'add', 'ops-1', '--name', 'X'], { env: server.env });
  assert.equal(badKey.code, 1);
  assert.match(badKey.stderr, /Project keys must start/);
  const noLead = await runTessera(['admin', 'project', 'add', 'DEV', '--name', 'Dev', '--lead', 'nobody'], { env: server.env });
  assert.equal(noLead.code, 1);
  assert.match(noLead.stderr, /nobody/);
  const usage = await runTessera(['admin', 'project', 'add', 'DEV'], { env: server.env });
  assert.equal(usage.code, 2);
  assert.match(usage.stderr, /usage/);
});

test('project member sets, changes and removes a role', async () => {
  const add = await runTessera(['admin', 'project', 'member', 'OPS', 'quinn', '--role', 'viewer'], { env: server.env });
  assert.equal(add.code, 0, add.stderr);
  assert.equal(await role('OPS', 'quinn'), 'viewer');
  assert.equal((await runTessera(['admin', 'project', 'member', 'ops', 'quinn', '--role', 'member'], { env: server.env })).code, 0);
  assert.equal(await role('OPS', 'quinn'), 'member');
  const bad = await runTessera(['admin', 'project', 'member', 'OPS', 'quinn', '--role', 'owner'], { env: server.env });
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /viewer, member, admin/);
  const removed = await runTessera(['admin', 'project', 'member', 'OPS', 'quinn', '--remove'], { env: server.env });
  assert.equal(removed.code, 0);
  assert.equal(await role('OPS', 'quinn'), undefined);
  const missing = await runTessera(['admin', 'project', 'member', 'NOPE', 'quinn', '--role', 'viewer'], { env: server.env });
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /No project could be found/);
});

test('group add and group member', async () => {
  assert.equal((await runTessera(['admin', 'group', 'add', 'developers'], { env: server.env })).code, 0);
  const member = await runTessera(['admin', 'group', 'member', 'developers', 'pia'], { env: server.env });
  assert.equal(member.code, 0, member.stderr);
  const rows = await server.services.context.db.selectFrom('group_members').selectAll().execute();
  assert.deepEqual(rows.map((r) => r.group_name), ['developers']);
  const noGroup = await runTessera(['admin', 'group', 'member', 'testers', 'pia'], { env: server.env });
  assert.equal(noGroup.code, 1);
  assert.match(noGroup.stderr, /no group named/);
  const help = await runTessera(['admin', '--help'], { env: server.env });
  assert.match(help.stdout, /admin project member KEY USER/);
});
