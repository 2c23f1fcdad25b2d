// Issue 3, the fields of an issue: create with every field by name or id, Jira shapes on GET (fields
// selection, expand=names,schema,renderedFields), edits with set/add/remove, assign, delete with sub-tasks,
// comment update and delete. Bad input is a Jira 400 naming the field; a refused write changes nothing.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { API, createIssue, seedProject, type Fixture } from './jira-fixtures.js';
import { BASE_URL, startJiraTestApp, type JiraTestApp } from './jira-test-app.js';

let t: JiraTestApp;
let f: Fixture;
const base = { project: { key: 'FLD' }, issuetype: { name: 'Task' }, summary: 'S' };

before(async () => {
  t = await startJiraTestApp();
  f = await seedProject(t, 'FLD');
});
after(async () => t.close());

const get = async (key: string, query = '') => (await t.call('GET', `${API}/issue/${key}${query}`)).json;

describe('create with every field', () => {
  test('fields by name and by id come back in Jira shapes', async () => {
    const { key } = await createIssue(t, {
      ...base, priority: { id: '2' }, assignee: { name: 'bob' }, reporter: { name: 'bob' }, labels: ['ops', 'api', 'ops'],
      components: [{ name: 'Backend' }, { id: String(f.components['Frontend']) }], fixVersions: [{ id: f.versions['2.0'] }],
      duedate: '2027-01-31', environment: 'Linux', description: 'Line <b>1</b>\n\nPara 2',
    });
    const issue = await get(key);
    const fields = issue.fields;
    assert.deepEqual(fields.labels, ['api', 'ops']);
    assert.deepEqual(fields.components.map((c: { name: string }) => c.name), ['Backend', 'Frontend']);
    assert.equal(fields.components[0].self, `${BASE_URL}/rest/api/2/component/${f.components['Backend']}`);
    assert.deepEqual(fields.fixVersions.map((v: { name: string; released: boolean }) => [v.name, v.released]), [['2.0', false]]);
    assert.equal(fields.duedate, '2027-01-31');
    assert.equal(fields.environment, 'Linux');
    assert.equal(fields.assignee.name, 'bob');
    assert.equal(fields.reporter.name, 'bob');
    assert.equal(fields.creator.name, 'alice');
    assert.equal(fields.priority.name, 'High');
    assert.equal(fields.resolution, null);
    assert.equal(fields.resolutiondate, null);
    assert.deepEqual(fields.versions, []);
    assert.deepEqual(fields.subtasks, []);
    assert.equal('parent' in fields, false);
    assert.deepEqual(fields.status.statusCategory.key, 'new');

    const expanded = await get(key, '?fields=description,labels&fields=comment&expand=names,schema,renderedFields');
    assert.deepEqual(Object.keys(expanded.fields).sort(), ['comment', 'description', 'labels']);
    assert.deepEqual(expanded.names, { description: 'Description', labels: 'Labels', comment: 'Comment' });
    assert.deepEqual(expanded.schema.labels, { type: 'array', items: 'string', system: 'labels' });
    assert.equal(expanded.renderedFields.description, '<p>Line &lt;b&gt;1&lt;/b&gt;</p>\n<p>Para 2</p>');
    const without = await get(key, '?fields=*navigable,-labels');
    assert.equal('labels' in without.fields, false);
    assert.equal('summary' in without.fields, true);
  });

  test('a sub-task needs a parent in the same project that is not itself a sub-task; the parent lists it', async () => {
    const parent = await createIssue(t, base);
    const sub = await createIssue(t, { ...base, issuetype: { name: 'Sub-task' }, parent: { key: parent.key } });
    const issue = await get(sub.key);
    assert.equal(issue.fields.parent.key, parent.key);
    assert.equal(issue.fields.parent.fields.status.name, 'To Do');
    assert.deepEqual((await get(parent.key)).fields.subtasks.map((s: { key: string }) => s.key), [sub.key]);
    const byId = await createIssue(t, { ...base, issuetype: { id: '10003' }, parent: { id: parent.id } });
    assert.equal((await get(byId.key)).fields.parent.id, parent.id);

    const refusals: Array<[Record<string, unknown>, string]> = [
      [{ ...base, issuetype: { name: 'Sub-task' } }, 'issuetype'],
      [{ ...base, issuetype: { name: 'Sub-task' }, parent: { key: sub.key } }, 'parent'],
      [{ ...base, issuetype: { name: 'Sub-task' }, parent: { key: 'FLD-9999' } }, 'parent'],
      [{ ...base, parent: { key: parent.key } }, 'parent'],
    ];
    for (const [fields, field] of refusals) {
      const { status, json } = await t.call('POST', `${API}/issue`, { body: { fields } });
      assert.equal(status, 400, JSON.stringify(fields));
      assert.ok(json.errors[field], JSON.stringify(json));
    }
  });

  test('bad values are 400s naming each field, and nothing is created', async () => {
    const before = (await t.call('GET', `${API}/search?jql=project%3DFLD`)).json.total;
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ labels: 'ops' }, 'labels'], [{ labels: ['a b'] }, 'labels'], [{ labels: [3] }, 'labels'],
      [{ components: [{ name: 'Nope' }] }, 'components'], [{ components: { name: 'Backend' } }, 'components'],
      [{ fixVersions: [{ id: '1' }] }, 'fixVersions'], [{ duedate: '2027-02-30' }, 'duedate'], [{ duedate: 20270101 }, 'duedate'],
      [{ assignee: { name: 'nobody' } }, 'assignee'], [{ assignee: 'bob' }, 'assignee'], [{ reporter: { name: 'ghost' } }, 'reporter'],
      [{ environment: 7 }, 'environment'], [{ parent: 'FLD-1' }, 'parent'],
    ];
    for (const [extra, field] of cases) {
      const { status, json } = await t.call('POST', `${API}/issue`, { body: { fields: { ...base, ...extra } } });
      assert.equal(status, 400, JSON.stringify(extra));
      assert.ok(json.errors[field], `${JSON.stringify(extra)} → ${JSON.stringify(json)}`);
      assert.match(json.errorMessages[0], new RegExp(field));
    }
    assert.equal((await t.call('GET', `${API}/search?jql=project%3DFLD`)).json.total, before);
  });
});

describe('edit', () => {
  test('fields and update operations: set/add/remove on labels, components, fixVersions; comment add', async () => {
    const { key } = await createIssue(t, { ...base, labels: ['a', 'b'], components: [{ name: 'Backend' }] });
    const put = await t.call('PUT', `${API}/issue/${key}?notifyUsers=false`, {
      body: {
        fields: { summary: 'New', duedate: '2027-03-01', environment: 'Prod', assignee: { name: 'bob' }, priority: { name: 'Low' } },
        update: {
          labels: [{ add: 'c' }, { remove: 'a' }], components: [{ add: { name: 'Frontend' } }, { remove: { id: String(f.components['Backend']) } }],
          fixVersions: [{ set: [{ name: '1.0' }] }], comment: [{ add: { body: 'edited' } }],
        },
      },
    });
    assert.equal(put.status, 204, JSON.stringify(put.json));
    const fields = (await get(key)).fields;
    assert.deepEqual(fields.labels, ['b', 'c']);
    assert.deepEqual(fields.components.map((c: { name: string }) => c.name), ['Frontend']);
    assert.deepEqual(fields.fixVersions.map((v: { name: string }) => v.name), ['1.0']);
    assert.deepEqual([fields.summary, fields.duedate, fields.environment, fields.assignee.name, fields.priority.name],
      ['New', '2027-03-01', 'Prod', 'bob', 'Low']);
    assert.deepEqual(fields.comment.comments.map((c: { body: string }) => c.body), ['edited']);

    assert.equal((await t.call('PUT', `${API}/issue/${key}`, { body: { fields: { labels: [], duedate: null, assignee: null } } })).status, 204);
    const cleared = (await get(key)).fields;
    assert.deepEqual([cleared.labels, cleared.duedate, cleared.assignee], [[], null, null]);
  });

  test('a refused edit changes nothing (one transaction, every problem named)', async () => {
    const { key } = await createIssue(t, { ...base, labels: ['keep'] });
    const { status, json } = await t.call('PUT', `${API}/issue/${key}`, {
      body: { fields: { summary: 'Changed' }, update: { labels: [{ add: 'x' }], components: [{ add: { name: 'Nope' } }], priority: [{ add: { name: 'Low' } }] } },
    });
    assert.equal(status, 400);
    assert.deepEqual(Object.keys(json.errors).sort(), ['priority']);
    const second = await t.call('PUT', `${API}/issue/${key}`, { body: { fields: { summary: 'Changed', labels: ['x'], components: [{ name: 'Nope' }] } } });
    assert.equal(second.status, 400);
    assert.ok(second.json.errors.components);
    const fields = (await get(key)).fields;
    assert.deepEqual([fields.summary, fields.labels], ['S', ['keep']]);
  });
});

describe('assign, delete, comments', () => {
  test('PUT assignee: a name, null, and -1 (the project lead)', async () => {
    const { key } = await createIssue(t, base);
    const assign = (name: unknown) => t.call('PUT', `${API}/issue/${key}/assignee`, { body: { name } });
    assert.equal((await assign('bob')).status, 204);
    assert.equal((await get(key)).fields.assignee.name, 'bob');
    assert.equal((await assign(null)).status, 204);
    assert.equal((await get(key)).fields.assignee, null);
    assert.equal((await assign('-1')).status, 204);
    assert.equal((await get(key)).fields.assignee.name, 'alice');
    assert.equal((await assign('ghost')).status, 400);
    assert.equal((await assign(5)).status, 400);
    assert.equal((await t.call('PUT', `/rest/api/latest/issue/FLD-99999/assignee`, { body: { name: 'bob' } })).status, 404);
  });

  test('DELETE refuses an issue with sub-tasks unless deleteSubtasks=true, then deletes them too', async () => {
    const parent = await createIssue(t, base);
    const sub = await createIssue(t, { ...base, issuetype: { name: 'Sub-task' }, parent: { key: parent.key } });
    const refused = await t.call('DELETE', `${API}/issue/${parent.key}?deleteSubtasks=false`);
    assert.equal(refused.status, 400);
    assert.match(refused.json.errorMessages[0], /sub-tasks/);
    assert.equal((await t.call('DELETE', `${API}/issue/${parent.key}?deleteSubtasks=True`)).status, 204);
    assert.equal((await t.call('GET', `${API}/issue/${sub.key}`)).status, 404);
    assert.equal((await t.call('GET', `${API}/issue/${parent.key}`)).status, 404);
  });

  test('comments: update by the author (200), not by another member (403), delete (204)', async () => {
    const { key } = await createIssue(t, base);
    const { json: comment } = await t.call('POST', `${API}/issue/${key}/comment`, { body: { body: 'bob says' }, as: 'bob' });
    const url = `${API}/issue/${key}/comment/${comment.id}`;
    t.clock.advance(5000);
    const updated = await t.call('PUT', url, { body: { body: 'bob said' }, as: 'bob' });
    assert.equal(updated.status, 200);
    assert.equal(updated.json.body, 'bob said');
    assert.notEqual(updated.json.updated, updated.json.created);
    const { json: aliceComment } = await t.call('POST', `${API}/issue/${key}/comment`, { body: { body: 'alice' } });
    assert.equal((await t.call('PUT', `${API}/issue/${key}/comment/${aliceComment.id}`, { body: { body: 'x' }, as: 'bob' })).status, 403);
    assert.equal((await t.call('PUT', url, { body: { body: '' }, as: 'bob' })).status, 400);
    // alice leads the project: a project admin may change anyone's comment
    assert.equal((await t.call('DELETE', url)).status, 204);
    assert.equal((await t.call('GET', url)).status, 404);
    assert.equal((await t.call('DELETE', `${API}/issue/${key}/comment/abc`)).status, 404);
  });
});
