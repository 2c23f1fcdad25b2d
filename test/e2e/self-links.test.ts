// Every link Tessera hands out is absolute and reachable (python-jira follows `self` for update and delete;
// scripts follow avatars and icons): walk real responses, fetch every URL in them, expect 200.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createUser, startTestServer, TEST_PASSWORD, type TestServer } from '../helpers/server.js';

let server: TestServer;
const auth = { authorization: `Basic ${Buffer.from(`carol:${TEST_PASSWORD}`).toString('base64')}` };

before(async () => {
  server = await startTestServer();
  const carol = await createUser(server, 'carol');
  await server.services.issues.createProject({ key: 'LNK', name: 'Links', leadUserId: carol.id });
});
after(() => server.close());

function urlsIn(value: unknown, out: Set<string>): Set<string> {
  if (typeof value === 'string' && /^https?:\/\//.test(value)) out.add(value);
  else if (Array.isArray(value)) for (const v of value) urlsIn(v, out);
  else if (value && typeof value === 'object') for (const v of Object.values(value)) urlsIn(v, out);
  return out;
}

async function get(url: string): Promise<Response> {
  return fetch(url, { headers: auth });
}

test('every URL in issue, project, search, comment, user and reference responses answers 200', async () => {
  const created = await fetch(`${server.baseUrl}/rest/api/2/issue`, {
    method: 'POST', headers: { ...auth, 'content-type': 'application/json' },
    body: JSON.stringify({ fields: { project: { key: 'LNK' }, issuetype: { name: 'Bug' }, summary: 'Follow me', priority: { name: 'High' } } }),
  });
  assert.equal(created.status, 201);
  const { key } = (await created.json()) as { key: string };
  assert.equal((await fetch(`${server.baseUrl}/rest/api/2/issue/${key}/comment`, {
    method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify({ body: 'a comment' }),
  })).status, 201);

  const starts = [
    `/rest/api/2/issue/${key}`, `/rest/api/2/issue/${key}/comment`, '/rest/api/2/project', '/rest/api/2/project/LNK',
    '/rest/api/2/search?jql=project%3DLNK&fields=*all', '/rest/api/2/myself', '/rest/api/2/serverInfo',
    '/rest/api/2/issuetype', '/rest/api/2/priority', '/rest/api/2/status', '/rest/api/2/statuscategory',
  ];
  const urls = new Set<string>();
  for (const path of starts) {
    const res = await get(server.baseUrl + path);
    assert.equal(res.status, 200, path);
    urlsIn(await res.json(), urls);
  }
  assert.ok(urls.size > 20, `found ${urls.size} links`);
  const broken: string[] = [];
  for (const url of urls) {
    assert.ok(url.startsWith(server.baseUrl), `${url} is not under the configured base URL`);
    const res = await get(url);
    await res.arrayBuffer();
    if (res.status !== 200) broken.push(`${res.status} ${url}`);
  }
  assert.deepEqual(broken, []);
});

test('reference lookups by id answer 404 with a Jira error for unknown ids', async () => {
  for (const path of ['issuetype/999', 'priority/999', 'status/nope', 'statuscategory/99', 'user?username=nobody']) {
    const res = await get(`${server.baseUrl}/rest/api/2/${path}`);
    assert.equal(res.status, 404, path);
    assert.ok(((await res.json()) as { errorMessages: string[] }).errorMessages[0], path);
  }
  const missing = await get(`${server.baseUrl}/rest/api/2/user`);
  assert.equal(missing.status, 400);
});
