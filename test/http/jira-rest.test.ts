// The Jira REST v2 slice through app.inject(): shapes python-jira, jira-client and jira.js read, both path
// prefixes, absolute self links, Jira error bodies. Client facts: ../shared/reference/jira-rest-v2-notes.md.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { BASE_URL, startJiraTestApp, type JiraTestApp } from './jira-test-app.js';

const API = '/rest/api/2';
const JIRA_DATE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}\+0000$/;

let t: JiraTestApp;
let projectId: string;

before(async () => {
  t = await startJiraTestApp();
  projectId = String((await t.issues.createProject({ key: 'TEST', name: 'Test project', leadUserId: t.users['alice']! })).id);
});
after(async () => t.close());

async function createIssue(fields: Record<string, unknown>, prefix = API): Promise<{ id: string; key: string; self: string }> {
  const { status, json } = await t.call('POST', `${prefix}/issue`, { body: { fields } });
  assert.equal(status, 201, JSON.stringify(json));
  return json;
}

describe('server and user', () => {
  test('serverInfo names a Server deployment with version numbers, on both prefixes', async () => {
    for (const prefix of ['/rest/api/2', '/rest/api/latest']) {
      const { status, json } = await t.call('GET', `${prefix}/serverInfo`, { as: 'anonymous' });
      assert.equal(status, 200);
      assert.deepEqual(json.versionNumbers, [9, 12, 0]);
      assert.equal(json.version, '9.12.0');
      assert.equal(json.deploymentType, 'Server');
      assert.equal(json.baseUrl, BASE_URL);
      assert.equal(json.serverTitle, 'Tessera');
      assert.equal(json.serverTime, '2026-12-03T10:00:00.000+0000');
      assert.equal(typeof json.buildNumber, 'number');
    }
  });

  test('myself is the calling user with an absolute self; anonymous gets a Jira 401', async () => {
    const { status, json } = await t.call('GET', `${API}/myself`);
    assert.equal(status, 200);
    assert.equal(json.name, 'alice');
    assert.equal(json.displayName, 'Alice Adams');
    assert.equal(json.emailAddress, 'alice@example.com');
    assert.equal(json.self, `${BASE_URL}/rest/api/2/user?username=alice`);
    assert.equal(json.timeZone, 'UTC');
    assert.equal(json.active, true);
    const anonymous = await t.call('GET', `${API}/myself`, { as: 'anonymous' });
    assert.equal(anonymous.status, 401);
    assert.match(anonymous.json.errorMessages[0], /not authenticated/);
    assert.deepEqual(anonymous.json.errors, {});
  });
  test('GET field lists the system fields with clauseNames (python-jira search_issues reads it first)', async () => {
    const { status, json } = await t.call('GET', `${API}/field`);
    assert.equal(status, 200);
    const summary = json.find((f: { id: string }) => f.id === 'summary');
    assert.deepEqual(summary, {
      id: 'summary', name: 'Summary', custom: false, orderable: true, navigable: true, searchable: true,
      clauseNames: ['summary'], schema: { type: 'string', system: 'summary' },
    });
    assert.deepEqual(json.find((f: { id: string }) => f.id === 'issuetype').clauseNames, ['issuetype', 'type']);
    assert.equal((await t.call('GET', `${API}/field`, { as: 'anonymous' })).status, 401);
  });
});

describe('projects', () => {
  test('GET project lists projects; expand=issueTypes adds the types', async () => {
    const { status, json } = await t.call('GET', `${API}/project?expand=issueTypes,lead`);
    assert.equal(status, 200);
    const project = json.find((p: { key: string }) => p.key === 'TEST');
    assert.equal(project.id, projectId);
    assert.equal(project.self, `${BASE_URL}/rest/api/2/project/${projectId}`);
    assert.equal(project.projectTypeKey, 'software');
    assert.equal(project.lead.name, 'alice');
    assert.ok(project.issueTypes.some((type: { name: string }) => type.name === 'Bug'));
  });

  test('GET project/{key|id} carries issueTypes, lead, avatarUrls and self', async () => {
    for (const ref of ['TEST', projectId, 'test']) {
      const { status, json } = await t.call('GET', `${API}/project/${ref}`);
      assert.equal(status, 200, ref);
      assert.equal(json.key, 'TEST');
      assert.equal(json.name, 'Test project');
      assert.equal(json.lead.name, 'alice');
      assert.equal(json.lead.self, `${BASE_URL}/rest/api/2/user?username=alice`);
      assert.match(json.avatarUrls['48x48'], /^https:\/\/tracker\.example\.com\/jira\//);
      assert.deepEqual(json.issueTypes.map((type: { name: string }) => type.name), ['Task', 'Bug', 'Story', 'Epic', 'Sub-task']);
      const bug = json.issueTypes.find((type: { name: string }) => type.name === 'Bug');
      assert.deepEqual([bug.id, bug.self, bug.subtask], ['10004', `${BASE_URL}/rest/api/2/issuetype/10004`, false]);
    }
  });

  test('an unknown project is a Jira 404', async () => {
    const { status, json } = await t.call('GET', `${API}/project/NOPE`);
    assert.equal(status, 404);
    assert.deepEqual(json, { errorMessages: ["No project could be found with key 'NOPE'."], errors: {} });
    assert.equal((await t.call('GET', `${API}/project/99999`)).status, 404);
  });
});

describe('issue create and get', () => {
  test('create by names (python-jira fields=): 201 {id, key, self} and the self link works', async () => {
    const created = await createIssue({
      project: { key: 'TEST' }, summary: 'Printer on fire', description: 'Smoke everywhere', issuetype: { name: 'Bug' },
    });
    assert.match(created.key, /^TEST-\d+$/);
    assert.match(created.id, /^\d+$/);
    assert.equal(created.self, `${BASE_URL}/rest/api/2/issue/${created.id}`);
    const path = created.self.slice(BASE_URL.length);
    const { status, json } = await t.call('GET', path);
    assert.equal(status, 200);
    assert.equal(json.key, created.key);
    assert.equal(json.fields.summary, 'Printer on fire');
    assert.equal(json.fields.issuetype.name, 'Bug');
  });

  test('create by ids (python-jira create_issue(project=, issuetype=) form), priority by name', async () => {
    const created = await createIssue({ project: { id: projectId }, summary: 'S', issuetype: { id: '10004' }, priority: { name: 'High' } });
    const { json } = await t.call('GET', `${API}/issue/${created.key}`);
    assert.equal(json.fields.issuetype.id, '10004');
    assert.equal(json.fields.priority.name, 'High');
    const numeric = await createIssue({ project: { id: Number(projectId) }, summary: 'numeric ids', issuetype: { id: 10002 } });
    assert.equal((await t.call('GET', `${API}/issue/${numeric.key}`)).json.fields.issuetype.name, 'Task');
  });

  test('GET issue: the full Jira shape, by key, lower-case key or numeric id', async () => {
    t.clock.set(Date.UTC(2026, 11, 3, 10, 0, 0));
    const created = await createIssue({ project: { key: 'TEST' }, summary: 'Full shape', issuetype: { name: 'Task' } });
    const byKey = await t.call('GET', `${API}/issue/${created.key}`);
    assert.equal(byKey.status, 200);
    const issue = byKey.json;
    assert.deepEqual([issue.id, issue.key, issue.self], [created.id, created.key, created.self]);
    const f = issue.fields;
    assert.equal(f.summary, 'Full shape');
    assert.equal(f.description, null);
    assert.equal(f.project.key, 'TEST');
    assert.equal(f.project.self, `${BASE_URL}/rest/api/2/project/${projectId}`);
    assert.deepEqual([f.priority.name, f.priority.id, f.priority.self], ['Medium', '3', `${BASE_URL}/rest/api/2/priority/3`]);
    assert.equal(f.status.name, 'To Do');
    assert.deepEqual(f.status.statusCategory, {
      self: `${BASE_URL}/rest/api/2/statuscategory/2`, id: 2, key: 'new', colorName: 'blue-gray', name: 'To Do',
    });
    for (const role of ['reporter', 'creator']) {
      assert.deepEqual(Object.keys(f[role]).sort(), ['active', 'avatarUrls', 'displayName', 'emailAddress', 'key', 'name', 'self', 'timeZone']);
      assert.equal(f[role].name, 'alice');
    }
    assert.equal(f.assignee, null);
    assert.equal(f.created, '2026-12-03T10:00:00.000+0000');
    assert.match(f.updated, JIRA_DATE);
    assert.deepEqual(f.labels, []);
    assert.equal(f.resolution, null);
    assert.deepEqual(f.comment, { comments: [], maxResults: 0, total: 0, startAt: 0 });
    assert.deepEqual((await t.call('GET', `${API}/issue/${created.key.toLowerCase()}`)).json, issue);
    assert.deepEqual((await t.call('GET', `${API}/issue/${created.id}`)).json, issue);
  });

  test('fields: comma list, repeated, both, *all with exclusions, *navigable; expand accepted', async () => {
    const { key } = await createIssue({ project: { key: 'TEST' }, summary: 'Fields', issuetype: { name: 'Task' } });
    const fieldsOf = async (query: string) => {
      const { status, json } = await t.call('GET', `${API}/issue/${key}?${query}`);
      assert.equal(status, 200, query);
      return Object.keys(json.fields).sort();
    };
    assert.deepEqual(await fieldsOf('fields=summary,status'), ['status', 'summary']);
    assert.deepEqual(await fieldsOf('fields=summary&fields=status'), ['status', 'summary']);
    assert.deepEqual(await fieldsOf('fields=summary&fields=status,priority&expand=changelog'), ['priority', 'status', 'summary']);
    const all = await fieldsOf('fields=*all,-comment');
    assert.ok(all.includes('description') && !all.includes('comment'));
    assert.ok(!(await fieldsOf('fields=*navigable')).includes('comment'));
    assert.ok((await fieldsOf('expand=renderedFields,names')).includes('comment'));
    const withNames = await t.call('GET', `${API}/issue/${key}?fields=summary&expand=names`);
    assert.deepEqual(withNames.json.names, { summary: 'Summary' });
  });

  test('a GET with Content-Type: application/json and no body is fine (python-jira)', async () => {
    const { key } = await createIssue({ project: { key: 'TEST' }, summary: 'Header', issuetype: { name: 'Task' } });
    const { status } = await t.call('GET', `${API}/issue/${key}`, { rawBody: '', headers: { 'content-type': 'application/json' } });
    assert.equal(status, 200);
  });

  test('unknown issues are Jira 404s', async () => {
    for (const ref of ['TEST-99999', 'NOPE-1', '123456', 'not a key']) {
      const { status, json } = await t.call('GET', `${API}/issue/${encodeURIComponent(ref)}`);
      assert.equal(status, 404, ref);
      assert.deepEqual(json, { errorMessages: ['Issue Does Not Exist'], errors: {} });
    }
  });
});

describe('the /rest/api/latest alias', () => {
  test('create, get and search answer there too, with /rest/api/2 self links', async () => {
    const latest = '/rest/api/latest';
    const created = await createIssue({ project: { key: 'TEST' }, summary: 'Via latest', issuetype: { name: 'Story' } }, latest);
    assert.equal(created.self, `${BASE_URL}/rest/api/2/issue/${created.id}`);
    const got = await t.call('GET', `${latest}/issue/${created.key}`);
    assert.equal(got.json.fields.summary, 'Via latest');
    const found = await t.call('GET', `${latest}/search?jql=${encodeURIComponent('project = TEST')}&maxResults=1000`);
    assert.ok(found.json.issues.some((i: { key: string }) => i.key === created.key));
    assert.equal((await t.call('GET', `${latest}/project/TEST`)).json.key, 'TEST');
  });
});

describe('issue edit and delete', () => {
  test('PUT with fields (python-jira issue.update) answers 204 and changes summary and updated', async () => {
    t.clock.set(Date.UTC(2026, 11, 3, 10, 0, 0));
    const { key, self } = await createIssue({ project: { key: 'TEST' }, summary: 'Old', description: 'd', issuetype: { name: 'Task' } });
    t.clock.advance(60_000);
    const put = await t.call('PUT', `${self.slice(BASE_URL.length)}?notifyUsers=false`, { body: { fields: { summary: 'New' }, update: {} } });
    assert.equal(put.status, 204);
    assert.equal(put.response.body, '');
    const { json } = await t.call('GET', `${API}/issue/${key}`);
    assert.equal(json.fields.summary, 'New');
    assert.equal(json.fields.description, 'd');
    assert.equal(json.fields.updated, '2026-12-03T10:01:00.000+0000');
    assert.equal(json.fields.created, '2026-12-03T10:00:00.000+0000');
  });

  test('PUT with update [{"set": …}] operations and a priority', async () => {
    const { key } = await createIssue({ project: { key: 'TEST' }, summary: 'Ops', issuetype: { name: 'Task' } });
    const put = await t.call('PUT', `${API}/issue/${key}`, {
      body: { update: { summary: [{ set: 'Set by op' }], description: [{ set: 'described' }] }, fields: { priority: { id: '1' } } },
    });
    assert.equal(put.status, 204, JSON.stringify(put.json));
    const { json } = await t.call('GET', `${API}/issue/${key}?fields=summary,description,priority`);
    assert.deepEqual([json.fields.summary, json.fields.description, json.fields.priority.name], ['Set by op', 'described', 'Highest']);
    assert.equal((await t.call('PUT', `${API}/issue/${key}`, { body: { fields: { description: null } } })).status, 204);
    assert.equal((await t.call('GET', `${API}/issue/${key}`)).json.fields.description, null);
  });

  test('PUT refuses bad edits with Jira 400 bodies', async () => {
    const { key } = await createIssue({ project: { key: 'TEST' }, summary: 'Refuse', issuetype: { name: 'Task' } });
    const cases: Array<[unknown, string, RegExp]> = [
      [{ fields: { summary: '' } }, 'summary', /^You must specify a summary of the issue\.$/],
      [{ fields: { summary: 42 } }, 'summary', /must be a string/],
      [{ fields: { customfield_10000: ['x'] } }, 'customfield_10000', /cannot be set/],
      [{ fields: { summary: 'a' }, update: { summary: [{ set: 'b' }] } }, 'summary', /both 'fields' and 'update'/],
      [{ update: { summary: [{ add: 'b' }] } }, 'summary', /'set'/],
      [{ update: { summary: { set: 'b' } } }, 'summary', /JSON array/],
      [{ fields: { priority: { name: 'Blocker' } } }, 'priority', /invalid/],
      [{ fields: 'summary' }, 'fields', /JSON object/],
    ];
    for (const [body, field, message] of cases) {
      const { status, json } = await t.call('PUT', `${API}/issue/${key}`, { body });
      assert.equal(status, 400, JSON.stringify(body));
      assert.match(json.errors[field], message, JSON.stringify(body));
      assert.equal(json.errorMessages.length, 1);
      assert.ok(json.errorMessages[0].includes(json.errors[field]), 'the sentence repeats the field error');
    }
    assert.equal((await t.call('GET', `${API}/issue/${key}`)).json.fields.summary, 'Refuse');
  });

  test('DELETE ?deleteSubtasks=False answers 204; the issue and its comments are gone', async () => {
    const { key, self } = await createIssue({ project: { key: 'TEST' }, summary: 'Doomed', issuetype: { name: 'Bug' } });
    await t.call('POST', `${API}/issue/${key}/comment`, { body: { body: 'last words' } });
    const del = await t.call('DELETE', `${self.slice(BASE_URL.length)}?deleteSubtasks=False`, { rawBody: '', headers: { 'content-type': 'application/json' } });
    assert.equal(del.status, 204);
    assert.equal((await t.call('GET', `${API}/issue/${key}`)).status, 404);
    assert.equal((await t.call('GET', `${API}/issue/${key}/comment`)).status, 404);
    assert.equal((await t.call('DELETE', `${API}/issue/${key}`)).status, 404);
    const left = await t.dialect.db.selectFrom('comments').select('body').where('body', '=', 'last words').execute();
    assert.deepEqual(left, []);
  });

  test('a malformed boolean is a 400, not a 500', async () => {
    const { key } = await createIssue({ project: { key: 'TEST' }, summary: 'Bool', issuetype: { name: 'Bug' } });
    const { status, json } = await t.call('DELETE', `${API}/issue/${key}?deleteSubtasks=maybe`);
    assert.equal(status, 400);
    assert.match(json.errorMessages[0], /deleteSubtasks/);
  });
});
