// Bad input on a real port, through the real app (its body parser, body limit and error mapper, which
// test/http/jira-input.test.ts's test app stands in for): malformed JSON, wrong types, unknown fields, huge
// maxResults, unterminated JQL, non-numeric ids, extremely long strings and arrays where objects are expected
// each answer a Jira error body with a 4xx, never a 500.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createUser, startTestServer, TEST_PASSWORD, type TestServer } from '../helpers/server.js';

let server: TestServer;
let issueKey = '';
const API = '/rest/api/2';

interface Answer { status: number; json: any; text: string }

async function call(method: string, path: string, init: { body?: unknown; raw?: string; contentType?: string } = {}): Promise<Answer> {
  const headers: Record<string, string> = { authorization: `Basic ${Buffer.from(`hank:${TEST_PASSWORD}`).toString('base64')}` };
  let body: string | undefined = init.raw;
  if (init.body !== undefined) body = JSON.stringify(init.body);
  if (body !== undefined) headers['content-type'] = init.contentType ?? 'application/json';
  const res = await fetch(server.baseUrl + path, { method, headers, ...(body === undefined ? {} : { body }) });
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, json, text };
}

/** A 4xx with Jira's error body: `errorMessages` (strings) and `errors` (field → string). */
function assertJiraError(answer: Answer, what: string, status?: number): void {
  assert.ok(answer.status >= 400 && answer.status < 500, `${what}: ${answer.status} ${answer.text.slice(0, 300)}`);
  if (status !== undefined) assert.equal(answer.status, status, `${what}: ${answer.text.slice(0, 300)}`);
  assert.ok(answer.json && typeof answer.json === 'object', `${what}: not JSON: ${answer.text.slice(0, 300)}`);
  assert.ok(Array.isArray(answer.json.errorMessages), what);
  assert.ok(answer.json.errorMessages.every((m: unknown) => typeof m === 'string'), what);
  assert.equal(typeof answer.json.errors, 'object', what);
  assert.ok(Object.values(answer.json.errors).every((m) => typeof m === 'string'), what);
  assert.ok(answer.json.errorMessages.length + Object.keys(answer.json.errors).length > 0, `${what}: the body says what is wrong`);
}

before(async () => {
  server = await startTestServer();
  const hank = await createUser(server, 'hank');
  await server.services.issues.createProject({ key: 'BAD', name: 'Bad input', leadUserId: hank.id });
  const created = await call('POST', `${API}/issue`, { body: { fields: { project: { key: 'BAD' }, issuetype: { name: 'Task' }, summary: 'Target' } } });
  assert.equal(created.status, 201, created.text);
  issueKey = created.json.key;
});
after(() => server.close());

describe('malformed JSON bodies', () => {
  const broken = ['{"fields":', '{fields: {}}', "{'body': 'x'}", '{"body": "x",}', '\u0000', 'not json at all'];
  for (const [method, path] of [['POST', '/issue'], ['PUT', '/issue/{key}'], ['POST', '/issue/{key}/comment'], ['POST', '/search']] as const) {
    test(`${method} ${path}`, async () => {
      for (const raw of broken) {
        assertJiraError(await call(method, `${API}${path.replace('{key}', issueKey)}`, { raw }), `${method} ${path} ${JSON.stringify(raw)}`, 400);
      }
    });
  }

  test('a JSON body sent as text/plain or form data is refused, not guessed at', async () => {
    for (const contentType of ['text/plain', 'application/x-www-form-urlencoded', 'application/xml']) {
      const answer = await call('POST', `${API}/issue/${issueKey}/comment`, { raw: '{"body":"x"}', contentType });
      assertJiraError(answer, contentType);
    }
  });
});

describe('arrays, scalars and null where objects are expected', () => {
  const notObjects = ['[]', '[{"body":"x"}]', '"text"', '42', 'null', 'true'];
  for (const [method, path] of [['PUT', '/issue/{key}'], ['POST', '/issue/{key}/comment'], ['POST', '/search']] as const) {
    test(`${method} ${path}`, async () => {
      // POST search takes a JSON `null` as no body (every issue the user may see), as it takes an empty one.
      for (const raw of notObjects.filter((r) => !(path === '/search' && r === 'null'))) {
        assertJiraError(await call(method, `${API}${path.replace('{key}', issueKey)}`, { raw }), `${method} ${path} ${raw}`, 400);
      }
    });
  }

  test('nested: fields, project, issuetype and priority as arrays', async () => {
    const valid = { project: { key: 'BAD' }, issuetype: { name: 'Task' }, summary: 'S' };
    for (const fields of [[valid], { ...valid, project: [{ key: 'BAD' }] }, { ...valid, issuetype: ['Task'] }, { ...valid, priority: [{ name: 'High' }] }]) {
      assertJiraError(await call('POST', `${API}/issue`, { body: { fields } }), JSON.stringify(fields), 400);
    }
    assertJiraError(await call('PUT', `${API}/issue/${issueKey}`, { body: { fields: [{ summary: 'x' }] } }), 'PUT fields array', 400);
    assertJiraError(await call('PUT', `${API}/issue/${issueKey}`, { body: { update: [] } }), 'PUT update array', 400);
  });
});

describe('wrong field types', () => {
  // As Jira's JSON reader does, a number in a string ({"startAt": "0"}) is taken as the number.
  test('edit, comment and search with wrongly typed values', async () => {
    for (const body of [{ fields: { summary: 42 } }, { fields: { summary: null } }, { fields: { description: { text: 'x' } } }, { fields: { priority: 'High' } }]) {
      assertJiraError(await call('PUT', `${API}/issue/${issueKey}`, { body }), `PUT ${JSON.stringify(body)}`, 400);
    }
    for (const body of [{ body: ['x'] }, { body: { text: 'x' } }, { body: null }, { body: true }]) {
      assertJiraError(await call('POST', `${API}/issue/${issueKey}/comment`, { body }), `comment ${JSON.stringify(body)}`, 400);
    }
    for (const body of [{ jql: ['project = BAD'] }, { jql: 'project = BAD', startAt: -1 },
      { jql: 'project = BAD', maxResults: 1.5 }, { jql: 'project = BAD', expand: { names: true } }]) {
      assertJiraError(await call('POST', `${API}/search`, { body }), `search ${JSON.stringify(body)}`, 400);
    }
  });

  test('nothing was changed by the refused edits', async () => {
    const got = await call('GET', `${API}/issue/${issueKey}?fields=summary`);
    assert.equal(got.json.fields.summary, 'Target');
    assert.equal((await call('GET', `${API}/issue/${issueKey}/comment`)).json.total, 0);
  });
});

describe('unknown fields', () => {
  test('an unknown issue field is named in errors', async () => {
    const answer = await call('POST', `${API}/issue`, { body: { fields: { project: { key: 'BAD' }, issuetype: { name: 'Task' }, summary: 'S', customfield_99999: 'x' } } });
    assertJiraError(answer, 'create with customfield_99999', 400);
    assert.ok('customfield_99999' in answer.json.errors, JSON.stringify(answer.json));
    const edit = await call('PUT', `${API}/issue/${issueKey}`, { body: { fields: { nosuchfield: 'x' } } });
    assertJiraError(edit, 'edit with nosuchfield', 400);
    assert.ok('nosuchfield' in edit.json.errors, JSON.stringify(edit.json));
  });
});

describe('paging and JQL', () => {
  test('a huge maxResults is clamped and the clamped value echoed (GET and POST)', async () => {
    for (const asked of ['1001', '100000', '2147483648', '99999999999999999999']) {
      const answer = await call('GET', `${API}/search?jql=${encodeURIComponent('project = BAD')}&maxResults=${asked}`);
      assert.equal(answer.status, 200, `${asked}: ${answer.text.slice(0, 200)}`);
      assert.equal(answer.json.maxResults, 1000, asked);
    }
    const post = await call('POST', `${API}/search`, { body: { jql: 'project = BAD', maxResults: Number.MAX_SAFE_INTEGER } });
    assert.equal(post.status, 200, post.text);
    assert.equal(post.json.maxResults, 1000);
    const comments = await call('GET', `${API}/issue/${issueKey}/comment?maxResults=99999999`);
    assert.equal(comments.status, 200, comments.text);
  });

  test('unterminated strings and other broken JQL are 400s with a message', async () => {
    for (const jql of ['project = "BAD', "project = 'BAD", 'project = BAD ORDER BY "created', 'project = "BAD\\', 'project = (BAD', 'project =', '"', 'ORDER BY']) {
      const get = await call('GET', `${API}/search?jql=${encodeURIComponent(jql)}`);
      assertJiraError(get, `GET ${jql}`, 400);
      assert.equal(get.json.errorMessages.length, 1, jql);
      assertJiraError(await call('POST', `${API}/search`, { body: { jql } }), `POST ${jql}`, 400);
    }
  });
});

describe('non-numeric and odd ids', () => {
  test('issues, comments, projects and reference data named by odd ids are 404s or 400s', async () => {
    const paths = [
      `/issue/abc`, `/issue/BAD-abc`, `/issue/BAD-`, `/issue/-1`, `/issue/1.5`, `/issue/99999999999999999999`, `/issue/%00`, `/issue/BAD-1%27%20OR%201=1`,
      `/issue/${issueKey}/comment/abc`, `/issue/${issueKey}/comment/-1`, `/issue/${issueKey}/comment/99999999999999999999`,
      `/project/99999999999999999999`, `/project/abc-def`, `/project/%27`,
      `/issuetype/abc`, `/priority/abc`, `/status/99999999999999999999`, `/statuscategory/abc`,
    ];
    for (const path of paths) assertJiraError(await call('GET', `${API}${path}`), `GET ${path}`);
    for (const path of ['/issue/abc', '/issue/99999999999999999999']) {
      assertJiraError(await call('PUT', `${API}${path}`, { body: { fields: { summary: 'x' } } }), `PUT ${path}`);
      assertJiraError(await call('DELETE', `${API}${path}`), `DELETE ${path}`);
      assertJiraError(await call('POST', `${API}${path}/comment`, { body: { body: 'x' } }), `comment ${path}`);
    }
    for (const query of ['startAt=abc', 'startAt=1e3', 'maxResults=0x10', 'maxResults=NaN']) {
      assertJiraError(await call('GET', `${API}/issue/${issueKey}/comment?${query}`), `comments ${query}`, 400);
    }
  });
});

describe('extremely long strings', () => {
  test('a summary of 100 000 characters, a key of 10 000 and a JQL of 200 000 are refused', async () => {
    const summary = await call('POST', `${API}/issue`, { body: { fields: { project: { key: 'BAD' }, issuetype: { name: 'Task' }, summary: 'x'.repeat(100_000) } } });
    assertJiraError(summary, 'long summary', 400);
    assertJiraError(await call('GET', `${API}/issue/BAD-${'9'.repeat(10_000)}`), 'long issue key');
    const jql = await call('POST', `${API}/search`, { body: { jql: `project = "${'B'.repeat(200_000)}"` } });
    assertJiraError(jql, 'long JQL');
  });

  test('a body over the 1 MiB limit is a 413 with a Jira body', async () => {
    const answer = await call('POST', `${API}/issue/${issueKey}/comment`, { body: { body: 'y'.repeat(2 * 1024 * 1024) } });
    assertJiraError(answer, 'huge comment', 413);
  });

  test('a long comment under the body limit is kept whole', async () => {
    const text = 'z'.repeat(32_000);
    const answer = await call('POST', `${API}/issue/${issueKey}/comment`, { body: { body: text } });
    if (answer.status === 201) assert.equal(answer.json.body, text);
    else assertJiraError(answer, 'long comment', 400);
  });
});
