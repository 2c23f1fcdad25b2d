// GET and POST /search over HTTP: parameters, paging, the response shape, JQL errors (the JQL semantics
// themselves are tested table-driven in test/storage/jql-semantics.test.ts).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startJiraTestApp, type JiraTestApp } from './jira-test-app.js';

const API = '/rest/api/2';
let t: JiraTestApp;
let keys: string[]; // SRCH-1 … SRCH-7, created a minute apart

before(async () => {
  t = await startJiraTestApp();
  const alice = t.users['alice']!;
  await t.issues.createProject({ key: 'SRCH', name: 'Search Space', leadUserId: alice });
  await t.issues.createProject({ key: 'OTHER', name: 'Other', leadUserId: alice });
  keys = [];
  for (let i = 1; i <= 7; i += 1) {
    t.clock.advance(60_000);
    const { json } = await t.call('POST', `${API}/issue`, { body: { fields: { project: { key: 'SRCH' }, summary: `Issue ${i}`, issuetype: { name: 'Task' } } } });
    keys.push(json.key);
  }
  await t.call('POST', `${API}/issue`, { body: { fields: { project: { key: 'OTHER' }, summary: 'Elsewhere', issuetype: { name: 'Bug' } } } });
  await t.call('POST', `${API}/issue/${keys[0]}/comment`, { body: { body: 'a comment' } });
});
after(async () => t.close());

const search = (query: string) => t.call('GET', `${API}/search?${query}`);
const jql = (text: string) => `jql=${encodeURIComponent(text)}`;
const keysOf = (json: { issues: Array<{ key: string }> }) => json.issues.map((i) => i.key);

describe('GET search', () => {
  test('python-jira\'s request: project = KEY with validateQuery=True, fields=*all, maxResults=50', async () => {
    const { status, json } = await search(`${jql('project = SRCH')}&startAt=0&validateQuery=True&fields=%2Aall&maxResults=50`);
    assert.equal(status, 200);
    assert.deepEqual([json.startAt, json.maxResults, json.total], [0, 50, 7]);
    assert.equal(json.expand, 'names,schema');
    assert.deepEqual(keysOf(json), [...keys].reverse(), 'no ORDER BY: newest first');
    const first = json.issues.find((i: { key: string }) => i.key === keys[0]);
    assert.equal(first.self, `https://tracker.example.com/jira/rest/api/2/issue/${first.id}`);
    assert.equal(first.fields.comment.total, 1, 'fields=*all includes comments');
  });

  test('the spellings clients send all parse', async () => {
    const spellings = ['project=SRCH', 'project = "SRCH"', "project = 'srch'", 'PROJECT = srch', 'project=SRCH ORDER BY created DESC',
      'project = SRCH order by CREATED desc', '  project\n=\nSRCH  ', 'project = "Search Space"'];
    for (const spelling of spellings) {
      const { status, json } = await search(jql(spelling));
      assert.equal(status, 200, spelling);
      assert.deepEqual(keysOf(json), [...keys].reverse(), spelling);
    }
    const byId = (await t.issues.findProject('SRCH'))!.id;
    assert.equal((await search(jql(`project = ${byId}`))).json.total, 7);
  });

  test('ORDER BY created ASC and DESC', async () => {
    assert.deepEqual(keysOf((await search(jql('project = SRCH ORDER BY created ASC'))).json), keys);
    assert.deepEqual(keysOf((await search(jql('project = SRCH ORDER BY created DESC'))).json), [...keys].reverse());
  });

  test('paging with startAt and maxResults; maxResults=0 counts only', async () => {
    const page = await search(`${jql('project = SRCH ORDER BY created ASC')}&startAt=2&maxResults=3`);
    assert.deepEqual([page.json.startAt, page.json.maxResults, page.json.total], [2, 3, 7]);
    assert.deepEqual(keysOf(page.json), keys.slice(2, 5));
    const last = await search(`${jql('project = SRCH ORDER BY created ASC')}&startAt=6&maxResults=3`);
    assert.deepEqual(keysOf(last.json), keys.slice(6));
    const beyond = await search(`${jql('project = SRCH')}&startAt=99999999999999999999`);
    assert.deepEqual([beyond.status, beyond.json.issues.length, beyond.json.total], [200, 0, 7]);
    const count = await search(`${jql('project = SRCH')}&maxResults=0`);
    assert.deepEqual([count.json.maxResults, count.json.total, count.json.issues.length], [0, 7, 0]);
  });

  test('maxResults is clamped to 1000 and the clamped value echoed', async () => {
    for (const asked of ['5000', '99999999999999999999']) {
      const { status, json } = await search(`${jql('project = SRCH')}&maxResults=${asked}`);
      assert.equal(status, 200);
      assert.equal(json.maxResults, 1000);
    }
  });

  test('default fields are *navigable (no comment); fields narrows; expand=names', async () => {
    const navigable = await search(jql('project = SRCH'));
    const fields = navigable.json.issues[0].fields;
    assert.ok('summary' in fields && 'status' in fields && !('comment' in fields));
    const narrow = await search(`${jql('project = SRCH')}&fields=summary&fields=status,-status&expand=names`);
    assert.deepEqual(Object.keys(narrow.json.issues[0].fields), ['summary']);
    assert.deepEqual(narrow.json.names, { summary: 'Summary' });
  });

  test('the empty query returns every issue the caller can see', async () => {
    const { json } = await search('maxResults=100');
    assert.equal(json.total, 8);
  });
});

describe('search errors', () => {
  test('full JQL works through HTTP: clauses, ORDER BY on several keys, text search', async () => {
    const both = await search(jql('project in (SRCH, OTHER) AND issuetype = Bug'));
    assert.deepEqual([both.status, both.json.total], [200, 1]);
    assert.deepEqual(keysOf((await search(jql('project = SRCH ORDER BY key DESC, created ASC'))).json), [...keys].reverse());
    assert.deepEqual(keysOf((await search(jql('summary ~ "issue 3"'))).json), [keys[2]]);
    assert.deepEqual(keysOf((await search(jql('comment ~ comment'))).json), [keys[0]]);
    assert.equal((await search(jql('assignee = currentUser() AND resolution = Unresolved ORDER BY priority DESC, updated DESC'))).status, 200);
  });

  test('syntax and semantic errors are Jira 400s that say what and where', async () => {
    const cases: Array<[string, RegExp]> = [['project = "SRCH', /line 1, character 11/], ['project =', /Expecting/],
      ['ORDER created', /Expecting/], ['nosuch = 1', /Field 'nosuch' does not exist/], ['summary = x', /not supported by the 'summary' field/]];
    for (const [query, message] of cases) {
      const { status, json } = await search(jql(query));
      assert.equal(status, 400, query);
      assert.deepEqual(json.errors, {});
      assert.match(json.errorMessages[0], message, query);
    }
  });

  test('an unknown project is a 400, or a warning with validateQuery=false', async () => {
    const strict = await search(jql('project = NOPE'));
    assert.equal(strict.status, 400);
    assert.deepEqual(strict.json.errorMessages, ["The value 'NOPE' does not exist for the field 'project'."]);
    const warn = await search(`${jql('project = NOPE')}&validateQuery=warn`);
    assert.deepEqual([warn.status, warn.json.total], [200, 0]);
    const lenient = await search(`${jql('project = NOPE')}&validateQuery=False`);
    assert.equal(lenient.status, 200);
    assert.deepEqual([lenient.json.total, lenient.json.issues], [0, []]);
    assert.deepEqual(lenient.json.warningMessages, ["The value 'NOPE' does not exist for the field 'project'."]);
  });

  test('malformed paging parameters are 400s, not 500s', async () => {
    for (const query of ['startAt=abc', 'maxResults=-1', 'maxResults=1.5', 'validateQuery=perhaps']) {
      const { status, json } = await search(`${jql('project = SRCH')}&${query}`);
      assert.equal(status, 400, query);
      assert.equal(json.errorMessages.length, 1);
    }
  });
});

describe('POST search', () => {
  test('jira-client / jira.js bodies', async () => {
    const { status, json } = await t.call('POST', `${API}/search`, {
      body: { jql: 'project = SRCH ORDER BY created ASC', startAt: 1, maxResults: 2, fields: ['summary', 'status'], validateQuery: 'strict' },
    });
    assert.equal(status, 200);
    assert.deepEqual([json.startAt, json.maxResults, json.total], [1, 2, 7]);
    assert.deepEqual(keysOf(json), keys.slice(1, 3));
    assert.deepEqual(Object.keys(json.issues[0].fields).sort(), ['status', 'summary']);
    const latest = await t.call('POST', '/rest/api/latest/search', { body: { jql: 'project = SRCH', maxResults: 100000 } });
    assert.equal(latest.json.maxResults, 1000);
  });

  test('wrong types in the body are Jira 400s', async () => {
    const bodies = [{ jql: 42 }, { jql: 'project = SRCH', maxResults: 'many' }, { jql: 'project = SRCH', fields: [1] },
      { jql: 'project = SRCH', startAt: { at: 1 } }, { jql: 'project = SRCH', validateQuery: 3 }, ['project = SRCH']];
    for (const body of bodies) {
      const { status, json } = await t.call('POST', `${API}/search`, { body });
      assert.equal(status, 400, JSON.stringify(body));
      assert.equal(json.errorMessages.length, 1, JSON.stringify(body));
    }
    const unsupported = await t.call('POST', `${API}/search`, { body: { jql: 'watcher = currentUser()' } });
    assert.equal(unsupported.status, 400);
    assert.match(unsupported.json.errorMessages[0], /not supported by Tessera yet/);
  });
});
