// Issue 3, create metadata: the old global issue/createmeta (python-jira 3.4 createmeta(), jira-client) and
// Jira 9's paged per-project createmeta/{project}/issuetypes[/{id}].
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { API, seedProject, type Fixture } from './jira-fixtures.js';
import { BASE_URL, startJiraTestApp, type JiraTestApp } from './jira-test-app.js';

let t: JiraTestApp;
let f: Fixture;

before(async () => {
  t = await startJiraTestApp();
  f = await seedProject(t, 'META');
  await t.issues.createProject({ key: 'HIDE', name: 'Hidden from bob', leadUserId: t.users['alice']! });
});
after(async () => t.close());

describe('GET issue/createmeta (the old global form)', () => {
  test('projects and issue types; expand=projects.issuetypes.fields adds the field metadata', async () => {
    const { status, json } = await t.call('GET', `${API}/issue/createmeta?projectKeys=META&issuetypeNames=Bug&expand=projects.issuetypes.fields`);
    assert.equal(status, 200);
    assert.equal(json.expand, 'projects');
    assert.equal(json.projects.length, 1);
    const [project] = json.projects;
    assert.deepEqual([project.key, project.id, project.expand], ['META', String(f.projectId), 'issuetypes']);
    assert.deepEqual(project.issuetypes.map((it: { name: string }) => it.name), ['Bug']);
    const fields = project.issuetypes[0].fields;
    assert.deepEqual(fields.summary, { required: true, schema: { type: 'string', system: 'summary' }, name: 'Summary', hasDefaultValue: false, operations: ['set'] });
    assert.deepEqual(fields.components.allowedValues.map((c: { name: string }) => c.name), ['Backend', 'Frontend']);
    assert.deepEqual(fields.fixVersions.allowedValues.map((v: { name: string }) => v.name), ['1.0', '2.0']);
    assert.equal(fields.priority.defaultValue.name, 'Medium');
    assert.equal(fields.parent, undefined);
    assert.equal(fields.labels.schema.items, 'string');

    const plain = await t.call('GET', `${API}/issue/createmeta?projectIds=${f.projectId}`);
    assert.equal(plain.json.projects[0].issuetypes.length, 5);
    assert.equal(plain.json.projects[0].issuetypes[0].fields, undefined);
    const all = await t.call('GET', `/rest/api/latest/issue/createmeta?issuetypeIds=10003&expand=projects.issuetypes.fields`, { as: 'bob' });
    assert.deepEqual(all.json.projects.map((p: { key: string }) => p.key), ['META'], 'only projects bob can see');
    assert.equal(all.json.projects[0].issuetypes[0].fields.parent.required, true);
  });
});

describe('GET issue/createmeta/{project}/issuetypes (Jira 9)', () => {
  test('a page of issue types, by key or id', async () => {
    for (const ref of ['META', String(f.projectId)]) {
      const { status, json } = await t.call('GET', `${API}/issue/createmeta/${ref}/issuetypes`);
      assert.equal(status, 200);
      assert.deepEqual([json.startAt, json.maxResults, json.total, json.isLast], [0, 50, 5, true]);
      assert.equal(json.values[0].self, `${BASE_URL}/rest/api/2/issuetype/10002`);
    }
    const page = await t.call('GET', `${API}/issue/createmeta/META/issuetypes?startAt=1&maxResults=2`);
    assert.deepEqual([page.json.values.length, page.json.isLast, page.json.values[0].name], [2, false, 'Bug']);
    assert.equal((await t.call('GET', `${API}/issue/createmeta/NOPE/issuetypes`)).status, 404);
    assert.equal((await t.call('GET', `${API}/issue/createmeta/HIDE/issuetypes`, { as: 'bob' })).status, 404);
  });

  test('a page of field metadata with fieldId', async () => {
    const { status, json } = await t.call('GET', `${API}/issue/createmeta/META/issuetypes/10003`);
    assert.equal(status, 200);
    const ids = json.values.map((v: { fieldId: string }) => v.fieldId);
    assert.ok(['summary', 'issuetype', 'parent', 'project', 'labels', 'components', 'fixVersions', 'duedate', 'assignee'].every((id) => ids.includes(id)));
    assert.equal(json.total, json.values.length);
    assert.equal((await t.call('GET', `${API}/issue/createmeta/META/issuetypes/424242`)).status, 404);
    assert.equal((await t.call('GET', `${API}/issue/createmeta/META/issuetypes/10003?maxResults=x`)).status, 400);
  });
});

describe('GET field', () => {
  test('the issue-3 system fields with clauseNames and schema', async () => {
    const { json } = await t.call('GET', `${API}/field`);
    const byId = new Map(json.map((x: { id: string }) => [x.id, x]));
    for (const id of ['labels', 'components', 'fixVersions', 'duedate', 'resolution', 'resolutiondate', 'parent', 'environment', 'assignee', 'reporter']) {
      const field = byId.get(id) as { clauseNames: string[]; schema: { system: string } } | undefined;
      assert.ok(field, id);
      assert.ok(field.clauseNames.length > 0, id);
      assert.equal(field.schema.system, id);
    }
  });
});
