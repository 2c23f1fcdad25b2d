// Bad input never gives a 500: every malformed body, wrong type and unknown reference answers a Jira 400
// body with the field named in `errors` and a human sentence in `errorMessages`. And parallel creates get
// distinct, consecutive keys.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startJiraTestApp, type JiraTestApp } from './jira-test-app.js';

const API = '/rest/api/2';
let t: JiraTestApp;

before(async () => {
  t = await startJiraTestApp();
  await t.issues.createProject({ key: 'INP', name: 'Input', leadUserId: t.users['alice']! });
  await t.projects.setMember('INP', 'bob', 'member'); // bob comments on alice's issues
});
after(async () => t.close());

describe('POST issue refuses bad input with Jira 400 bodies', () => {
  const valid = { project: { key: 'INP' }, summary: 'S', issuetype: { name: 'Bug' } };
  const cases: Array<[string, unknown, Record<string, RegExp>]> = [
    ['missing summary', { fields: { project: { key: 'INP' }, issuetype: { name: 'Bug' } } },
      { summary: /^You must specify a summary of the issue\.$/ }],
    ['blank summary', { fields: { ...valid, summary: '   ' } }, { summary: /You must specify a summary/ }],
    ['summary too long', { fields: { ...valid, summary: 'x'.repeat(256) } }, { summary: /less than 255 characters/ }],
    ['summary with a newline', { fields: { ...valid, summary: 'a\nb' } }, { summary: /newline/ }],
    ['summary not a string', { fields: { ...valid, summary: ['S'] } }, { summary: /must be a string/ }],
    ['unknown project key', { fields: { ...valid, project: { key: 'NOPE' } } }, { project: /^valid project is required$/ }],
    ['unknown project id', { fields: { ...valid, project: { id: '424242' } } }, { project: /valid project is required/ }],
    ['project as a string', { fields: { ...valid, project: 'INP' } }, { project: /must be an object/ }],
    ['project key not a string', { fields: { ...valid, project: { key: 7 } } }, { project: /must be a string/ }],
    ['no project', { fields: { summary: 'S', issuetype: { name: 'Bug' } } }, { project: /^project is required$/ }],
    ['unknown issue type', { fields: { ...valid, issuetype: { name: 'Incident' } } }, { issuetype: /valid issue type/ }],
    ['sub-task without parent', { fields: { ...valid, issuetype: { name: 'Sub-task' } } }, { issuetype: /parent/ }],
    ['unknown priority', { fields: { ...valid, priority: { id: '99' } } }, { priority: /invalid/ }],
    ['unsupported field', { fields: { ...valid, customfield_10000: 'a' } }, { customfield_10000: /cannot be set/ }],
    ['fields not an object', { fields: [valid] }, { fields: /JSON object/ }],
    ['everything missing', { fields: {} },
      { project: /required/, issuetype: /required/, summary: /You must specify a summary/ }],
  ];
  for (const [name, body, expected] of cases) {
    test(name, async () => {
      const { status, json } = await t.call('POST', `${API}/issue`, { body });
      assert.equal(status, 400, JSON.stringify(json));
      assert.deepEqual(Object.keys(json.errors).sort(), Object.keys(expected).sort());
      for (const [field, message] of Object.entries(expected)) {
        assert.match(json.errors[field], message);
        assert.ok(json.errorMessages[0].includes(`${field}: ${json.errors[field]}`));
      }
    });
  }

  test('bodies that are not JSON objects', async () => {
    for (const rawBody of ['[1,2]', '"text"', '42', 'null']) {
      const { status, json } = await t.call('POST', `${API}/issue`, { rawBody });
      assert.equal(status, 400, rawBody);
      assert.match(json.errorMessages[0], /must be a JSON object/);
    }
    const empty = await t.call('POST', `${API}/issue`, { rawBody: '', headers: { 'content-type': 'application/json' } });
    assert.equal(empty.status, 400);
    const broken = await t.call('POST', `${API}/issue`, { rawBody: '{"fields":' });
    assert.equal(broken.status, 400);
  });

  test('nothing was created by the refused requests', async () => {
    const { json } = await t.call('GET', `${API}/search?jql=project%3DINP`);
    assert.equal(json.total, 0);
  });
});

describe('parallel creates', () => {
  test('twenty simultaneous creates get twenty distinct, consecutive keys', async () => {
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) =>
      t.call('POST', `${API}/issue`, { body: { fields: { project: { key: 'INP' }, summary: `Parallel ${i}`, issuetype: { name: 'Task' } } } })));
    assert.ok(results.every((r) => r.status === 201));
    const numbers = results.map((r) => Number(r.json.key.split('-')[1])).sort((a, b) => a - b);
    assert.deepEqual(numbers, Array.from({ length: 20 }, (_, i) => i + 1));
    assert.equal(new Set(results.map((r) => r.json.id)).size, 20);
  });
});

describe('comments', () => {
  test('add (201, full comment), list (paged), and the issue carries them', async () => {
    const { json: issue } = await t.call('POST', `${API}/issue`, { body: { fields: { project: { key: 'INP' }, summary: 'Talk', issuetype: { name: 'Task' } } } });
    t.clock.advance(1000);
    const first = await t.call('POST', `${API}/issue/${issue.key}/comment`, { body: { body: 'first' } });
    assert.equal(first.status, 201);
    assert.equal(first.json.body, 'first');
    assert.equal(first.json.author.name, 'alice');
    assert.equal(first.json.updateAuthor.name, 'alice');
    assert.match(first.json.created, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}\+0000$/);
    assert.equal(first.json.self, `https://tracker.example.com/jira/rest/api/2/issue/${issue.id}/comment/${first.json.id}`);
    t.clock.advance(1000);
    const second = await t.call('POST', `/rest/api/latest/issue/${issue.id}/comment`, { body: { body: 'second' }, as: 'bob' });
    assert.equal(second.json.author.name, 'bob');

    const list = await t.call('GET', `${API}/issue/${issue.key}/comment`);
    assert.equal(list.status, 200);
    assert.deepEqual([list.json.startAt, list.json.total], [0, 2]);
    assert.deepEqual(list.json.comments.map((c: { body: string }) => c.body), ['first', 'second']);
    const page = await t.call('GET', `${API}/issue/${issue.key}/comment?startAt=1&maxResults=1`);
    assert.deepEqual([page.json.startAt, page.json.maxResults, page.json.total], [1, 1, 2]);
    assert.deepEqual(page.json.comments.map((c: { body: string }) => c.body), ['second']);
    const newest = await t.call('GET', `${API}/issue/${issue.key}/comment?orderBy=-created`);
    assert.deepEqual(newest.json.comments.map((c: { body: string }) => c.body), ['second', 'first']);

    const got = await t.call('GET', `${API}/issue/${issue.key}`);
    assert.equal(got.json.fields.comment.total, 2);
    assert.deepEqual(got.json.fields.comment.comments[1], second.json);
    assert.equal(got.json.fields.updated, second.json.created, 'a comment moves the issue\'s updated time');
  });

  test('bad comments are Jira 400s; comments on unknown issues are 404s', async () => {
    const { json: issue } = await t.call('POST', `${API}/issue`, { body: { fields: { project: { key: 'INP' }, summary: 'Quiet', issuetype: { name: 'Task' } } } });
    const url = `${API}/issue/${issue.key}/comment`;
    for (const body of [{}, { body: '' }, { body: 42 }, { body: 'x', visibility: { type: 'role', value: 'Developers' } }]) {
      const { status, json } = await t.call('POST', url, { body });
      assert.equal(status, 400, JSON.stringify(body));
      assert.equal(json.errorMessages.length, 1);
    }
    assert.equal((await t.call('GET', `${url}?orderBy=author`)).status, 400);
    assert.equal((await t.call('GET', `${url}?maxResults=-1`)).status, 400);
    assert.equal((await t.call('POST', `${API}/issue/INP-99999/comment`, { body: { body: 'x' } })).status, 404);
    assert.equal((await t.call('GET', `${API}/issue/INP-99999/comment`)).status, 404);
  });
});
