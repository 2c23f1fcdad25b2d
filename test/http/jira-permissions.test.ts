// Project permissions over the real app (issue 3): a user outside a project gets 404 for its issues and never
// sees them in search, whether they call with OAuth, Basic auth or a session cookie; viewers read, members
// write, project admins manage components and versions, Tessera administrators see everything.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { OAuthClient } from '../../src/client/oauth-client.js';
import { TESTCASES } from '../helpers/oauth-context.js';
import { createUser, startTestServer, TEST_PASSWORD, type TestServer } from '../helpers/server.js';

type Method = 'basic' | 'oauth' | 'cookie';
interface Reply { status: number; json: any }
type Caller = (method: string, path: string, body?: unknown) => Promise<Reply>;

let server: TestServer;
const ids: Record<string, number> = {};

async function parse(res: Response): Promise<Reply> {
  const text = await res.text();
  return { status: res.status, json: text === '' ? undefined : JSON.parse(text) };
}

async function callerFor(username: string, how: Method): Promise<Caller> {
  if (how === 'basic') {
    const authorization = `Basic ${Buffer.from(`${username}:${TEST_PASSWORD}`).toString('base64')}`;
    return async (method, path, body) => parse(await fetch(`${server.baseUrl}${path}`, {
      method, headers: { authorization, 'content-type': 'application/json' }, ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    }));
  }
  if (how === 'cookie') {
    const login = await fetch(`${server.baseUrl}/rest/auth/1/session`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password: TEST_PASSWORD }),
    });
    assert.equal(login.status, 200);
    const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
    return async (method, path, body) => parse(await fetch(`${server.baseUrl}${path}`, {
      method, headers: { cookie, 'content-type': 'application/json' }, ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    }));
  }
  const client = new OAuthClient({ baseUrl: server.baseUrl, consumerKey: 'perm-app', privateKeyPem: TESTCASES.privatePem });
  const requestToken = await client.requestToken('oob');
  const granted = await server.services.oauth.authorizeRequestToken(requestToken.token, ids[username]!);
  assert.ok(granted);
  const token = await client.accessToken(requestToken, granted.verifier);
  return async (method, path, body) => {
    const res = await client.request({ method, path, token, ...(body === undefined ? {} : { body }) });
    return { status: res.status, json: res.body === '' ? undefined : JSON.parse(res.body) };
  };
}

before(async () => {
  server = await startTestServer();
  for (const name of ['alice', 'bob', 'carol', 'dave']) ids[name] = (await createUser(server, name)).id;
  ids['root'] = (await createUser(server, 'root', { admin: true })).id;
  await server.services.consumers.add({ key: 'perm-app', name: 'Permissions App', publicKeyText: TESTCASES.publicPem });
  await server.services.issues.createProject({ key: 'PRJ', name: 'Private', leadUserId: ids['alice']! });
  await server.services.issues.createProject({ key: 'OWN', name: 'Dave own', leadUserId: ids['dave']! });
  await server.services.projects.setMember('PRJ', 'bob', 'viewer');
  await server.services.projects.setMember('PRJ', 'carol', 'member');
  const alice = await callerFor('alice', 'basic');
  const dave = await callerFor('dave', 'basic');
  for (const [who, key] of [[alice, 'PRJ'], [dave, 'OWN']] as const) {
    const created = await who('POST', '/rest/api/2/issue', { fields: { project: { key }, issuetype: { name: 'Task' }, summary: `In ${key}` } });
    assert.equal(created.status, 201, JSON.stringify(created.json));
  }
});
after(() => server.close());

describe('a user outside a project', () => {
  for (const how of ['basic', 'oauth', 'cookie'] as const) {
    test(`gets 404 for its issues and project, and never sees them in search (${how})`, async () => {
      const dave = await callerFor('dave', how);
      const hidden = await dave('GET', '/rest/api/2/issue/PRJ-1');
      const missing = await dave('GET', '/rest/api/2/issue/OWN-999');
      assert.equal(hidden.status, 404);
      assert.deepEqual(hidden.json, missing.json, 'an invisible issue reads exactly like a missing one');
      const hiddenComments = await dave('GET', '/rest/api/2/issue/PRJ-1/comment');
      assert.equal(hiddenComments.status, 404);
      assert.equal((await dave('GET', '/rest/api/2/project/PRJ')).status, 404);
      assert.deepEqual((await dave('GET', '/rest/api/2/project')).json.map((p: any) => p.key), ['OWN']);
      const all = await dave('GET', '/rest/api/2/search?jql=');
      assert.equal(all.status, 200);
      assert.equal(all.json.total, 1, '`total` does not count invisible issues');
      assert.deepEqual(all.json.issues.map((i: any) => i.key), ['OWN-1']);
      const named = await dave('GET', `/rest/api/2/search?jql=${encodeURIComponent('project = PRJ')}`);
      const unknown = await dave('GET', `/rest/api/2/search?jql=${encodeURIComponent('project = NOPE')}`);
      assert.equal(named.status, unknown.status);
      assert.deepEqual(named.json.errorMessages?.map((m: string) => m.replace('PRJ', 'X')), unknown.json.errorMessages?.map((m: string) => m.replace('NOPE', 'X')));
      const write = await dave('PUT', '/rest/api/2/issue/PRJ-1', { fields: { summary: 'taken over' } });
      assert.equal(write.status, 404);
    });
  }
});

describe('roles', () => {
  test('a viewer reads but cannot edit or comment (403 with a Jira body), with Basic auth and OAuth alike', async () => {
    for (const how of ['basic', 'oauth'] as const) {
      const bob = await callerFor('bob', how);
      assert.equal((await bob('GET', '/rest/api/2/issue/PRJ-1')).status, 200);
      const edit = await bob('PUT', '/rest/api/2/issue/PRJ-1', { fields: { summary: 'viewer edit' } });
      assert.equal(edit.status, 403, how);
      assert.ok(edit.json.errorMessages[0].length > 0);
      assert.equal((await bob('POST', '/rest/api/2/issue/PRJ-1/comment', { body: 'hello' })).status, 403);
      assert.equal((await bob('GET', '/rest/api/2/search?jql=project%3DPRJ')).json.total, 1);
    }
  });

  test('a member edits and comments', async () => {
    const carol = await callerFor('carol', 'oauth');
    assert.equal((await carol('PUT', '/rest/api/2/issue/PRJ-1', { fields: { summary: 'member edit' } })).status, 204);
    assert.equal((await carol('POST', '/rest/api/2/issue/PRJ-1/comment', { body: 'from carol' })).status, 201);
  });

  test('an administrator sees every project and issue', async () => {
    const root = await callerFor('root', 'cookie');
    assert.deepEqual((await root('GET', '/rest/api/2/project')).json.map((p: any) => p.key), ['OWN', 'PRJ']);
    assert.equal((await root('GET', '/rest/api/2/search?jql=')).json.total, 2);
  });
});

describe('projects, components and versions', () => {
  test('only administrators create projects; the lead becomes a project admin', async () => {
    const body = { key: 'NEWP', name: 'New project', projectTypeKey: 'software', lead: 'carol', description: 'd' };
    const refused = await (await callerFor('alice', 'basic'))('POST', '/rest/api/2/project', body);
    assert.equal(refused.status, 403);
    const created = await (await callerFor('root', 'basic'))('POST', '/rest/api/2/project', body);
    assert.equal(created.status, 201);
    assert.equal(created.json.key, 'NEWP');
    assert.equal(created.json.self, `${server.baseUrl}/rest/api/2/project/${created.json.id}`);
    const carol = await callerFor('carol', 'basic');
    assert.equal((await carol('GET', '/rest/api/2/project/NEWP')).status, 200);
    assert.equal((await carol('POST', '/rest/api/2/component', { name: 'Core', project: 'NEWP' })).status, 201);
    assert.equal((await (await callerFor('bob', 'basic'))('GET', '/rest/api/2/project/NEWP')).status, 404);
  });

  test('project admins manage components and versions; members get 403, outsiders 404', async () => {
    const alice = await callerFor('alice', 'basic');
    const carol = await callerFor('carol', 'basic');
    const dave = await callerFor('dave', 'basic');
    const component = await alice('POST', '/rest/api/2/component', { name: 'Backend', description: 'APIs', project: 'PRJ', leadUserName: 'carol' });
    assert.equal(component.status, 201, JSON.stringify(component.json));
    assert.equal(component.json.lead.name, 'carol');
    assert.equal((await alice('POST', '/rest/api/2/component', { name: 'Backend', project: 'PRJ' })).status, 400, 'names are unique per project');
    assert.equal((await carol('POST', '/rest/api/2/component', { name: 'Frontend', project: 'PRJ' })).status, 403);
    assert.equal((await dave('POST', '/rest/api/2/component', { name: 'Frontend', project: 'PRJ' })).status, 404);
    assert.equal((await carol('GET', `/rest/api/2/component/${component.json.id}`)).json.name, 'Backend');
    assert.equal((await dave('GET', `/rest/api/2/component/${component.json.id}`)).status, 404);
    assert.deepEqual((await carol('GET', '/rest/api/2/project/PRJ/components')).json.map((c: any) => c.name), ['Backend']);

    const version = await alice('POST', '/rest/api/2/version', { name: '1.0', project: 'PRJ', released: false, releaseDate: '2026-12-31' });
    assert.equal(version.status, 201, JSON.stringify(version.json));
    assert.equal(version.json.releaseDate, '2026-12-31');
    assert.equal((await alice('POST', '/rest/api/2/version', { name: '1.1', projectId: version.json.projectId })).status, 201);
    assert.equal((await carol('POST', '/rest/api/2/version', { name: '2.0', project: 'PRJ' })).status, 403);
    assert.deepEqual((await carol('GET', '/rest/api/latest/project/PRJ/versions')).json.map((v: any) => v.name), ['1.0', '1.1']);
    assert.equal((await dave('GET', `/rest/api/2/version/${version.json.id}`)).status, 404);
    assert.equal((await dave('GET', '/rest/api/2/project/PRJ/versions')).status, 404);
    const project = await carol('GET', '/rest/api/2/project/PRJ?expand=issueTypes');
    assert.deepEqual(project.json.components.map((c: any) => c.name), ['Backend']);
    assert.deepEqual(project.json.versions.map((v: any) => v.name), ['1.0', '1.1']);
    assert.ok(project.json.issueTypes.length > 0);
  });

  test('user/search answers python-jira\'s query with a JSON array of users', async () => {
    const bob = await callerFor('bob', 'basic');
    const res = await bob('GET', '/rest/api/2/user/search?username=car&includeActive=True&includeInactive=False&maxResults=50');
    assert.equal(res.status, 200);
    assert.deepEqual(res.json.map((u: any) => u.name), ['carol']);
    assert.equal(res.json[0].self, `${server.baseUrl}/rest/api/2/user?username=carol`);
    assert.equal(res.json[0].emailAddress, 'carol@example.com');
    assert.deepEqual((await bob('GET', '/rest/api/2/user/search?username=tester')).json.length, 5, 'a display-name word');
    assert.deepEqual((await bob('GET', '/rest/api/2/user/search?username=dave%40example')).json.map((u: any) => u.name), ['dave']);
    assert.deepEqual((await bob('GET', '/rest/api/2/user/search?username=%25')).json, [], 'LIKE wildcards are literal');
  });
});
