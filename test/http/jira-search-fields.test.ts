// Search loads only what the selected fields show (the long texts, the sets, the parent and sub-task links:
// src/http/jira/search-routes.ts). Whatever the selection, each field a search returns must be exactly what
// GET issue returns for it, and no field that was not asked for may appear.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { API, createIssue, seedProject, type Fixture } from './jira-fixtures.js';
import { startJiraTestApp, type JiraTestApp } from './jira-test-app.js';

let t: JiraTestApp;
let f: Fixture;
let parentKey: string;
let subKey: string;

before(async () => {
  t = await startJiraTestApp();
  f = await seedProject(t, 'SEL');
  const base = { project: { key: 'SEL' }, issuetype: { name: 'Bug' } };
  parentKey = (await createIssue(t, {
    ...base, summary: 'Parent', description: 'A long description', environment: 'Debian 12', labels: ['ops', 'api'],
    components: [{ name: 'Backend' }], fixVersions: [{ id: String(f.versions['2.0']) }], assignee: { name: 'bob' },
  })).key;
  subKey = (await createIssue(t, { ...base, issuetype: { name: 'Sub-task' }, summary: 'Child', parent: { key: parentKey } })).key;
});
after(async () => t.close());

const FIELD_SETS = [
  ['summary', 'status', 'assignee', 'priority'],
  ['description'], ['environment'], ['labels'], ['components'], ['fixVersions'], ['parent'], ['subtasks'],
  ['summary', 'labels', 'subtasks', 'description'],
];

describe('search with a field selection', () => {
  for (const selection of FIELD_SETS) {
    test(`fields=${selection.join(',')}: the same values as GET issue`, async () => {
      const { status, json } = await t.call('GET', `${API}/search?jql=${encodeURIComponent('project = SEL ORDER BY key')}&fields=${selection.join(',')}`);
      assert.equal(status, 200);
      assert.deepEqual(json.issues.map((i: { key: string }) => i.key), [parentKey, subKey]);
      for (const found of json.issues) {
        const full = (await t.call('GET', `${API}/issue/${found.key}`)).json;
        // `parent` is absent from an issue without one, in search as in GET issue.
        const expected = Object.fromEntries(selection.filter((id) => id in full.fields).map((id) => [id, full.fields[id]]));
        assert.deepEqual(found.fields, expected, found.key);
      }
    });
  }

  test('the values are really there (not empty on both sides)', async () => {
    const { json } = await t.call('GET', `${API}/search?jql=${encodeURIComponent(`key = ${parentKey}`)}&fields=description,environment,labels,components,fixVersions,subtasks`);
    const fields = json.issues[0].fields;
    assert.equal(fields.description, 'A long description');
    assert.equal(fields.environment, 'Debian 12');
    assert.deepEqual(fields.labels, ['api', 'ops']);
    assert.deepEqual(fields.components.map((c: { name: string }) => c.name), ['Backend']);
    assert.deepEqual(fields.fixVersions.map((v: { name: string }) => v.name), ['2.0']);
    assert.deepEqual(fields.subtasks.map((s: { key: string }) => s.key), [subKey]);
  });
});
