// Issue 3, workflow transitions: the workflow is data (workflow_transitions); GET lists what the issue's
// status allows in Jira's shape, POST moves it (id as string or number, fields, update.comment). Into a
// `done` status sets the resolution (default Done) and resolutiondate; out of done clears both.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { API, createIssue, seedProject } from './jira-fixtures.js';
import { BASE_URL, startJiraTestApp, type JiraTestApp } from './jira-test-app.js';

let t: JiraTestApp;
const base = { project: { key: 'WF' }, issuetype: { name: 'Task' }, summary: 'Flow' };

before(async () => {
  t = await startJiraTestApp();
  await seedProject(t, 'WF');
});
after(async () => t.close());

const move = (key: string, body: unknown, as = 'alice') => t.call('POST', `${API}/issue/${key}/transitions`, { body, as });

describe('GET transitions', () => {
  test('the global transitions in Jira shape; transitionId filters', async () => {
    const { key } = await createIssue(t, base);
    const { status, json } = await t.call('GET', `${API}/issue/${key}/transitions`);
    assert.equal(status, 200);
    assert.equal(json.expand, 'transitions');
    assert.deepEqual(json.transitions.map((x: { id: string; name: string }) => [x.id, x.name]), [['11', 'To Do'], ['21', 'In Progress'], ['31', 'Done']]);
    const done = json.transitions[2];
    assert.deepEqual({ ...done, to: undefined }, {
      id: '31', name: 'Done', to: undefined, hasScreen: false, isGlobal: true, isInitial: false, isConditional: false, fields: {},
    });
    assert.equal(done.to.self, `${BASE_URL}/rest/api/2/status/10001`);
    assert.equal(done.to.statusCategory.key, 'done');
    const one = await t.call('GET', `/rest/api/latest/issue/${key}/transitions?transitionId=21`);
    assert.deepEqual(one.json.transitions.map((x: { id: string }) => x.id), ['21']);
    const expanded = await t.call('GET', `${API}/issue/${key}?expand=transitions`);
    assert.equal(expanded.json.transitions.length, 3);
    assert.equal((await t.call('GET', `${API}/issue/WF-999/transitions`)).status, 404);
  });

  test('a transition from one status is offered only in that status', async () => {
    await t.dialect.db.insertInto('workflow_transitions').values({ id: '41', name: 'Reopen', from_status_id: '10001', to_status_id: '10000', position: 4 }).execute();
    const { key } = await createIssue(t, base);
    const ids = async () => (await t.call('GET', `${API}/issue/${key}/transitions`)).json.transitions.map((x: { id: string }) => x.id);
    assert.deepEqual(await ids(), ['11', '21', '31']);
    assert.equal((await move(key, { transition: { id: '41' } })).status, 400);
    assert.equal((await move(key, { transition: { id: 31 } })).status, 204);
    assert.deepEqual(await ids(), ['11', '21', '31', '41']);
    assert.equal((await move(key, { transition: { id: '41' } })).status, 204);
    assert.equal((await t.call('GET', `${API}/issue/${key}`)).json.fields.status.name, 'To Do');
    await t.dialect.db.deleteFrom('workflow_transitions').where('id', '=', '41').execute();
  });
});

describe('POST transitions', () => {
  test('into done sets resolution Done and resolutiondate; out of done clears them; a comment rides along', async () => {
    const { key } = await createIssue(t, base);
    assert.equal((await move(key, { transition: { id: '21' }, update: { comment: [{ add: { body: 'starting' } }] } })).status, 204);
    let fields = (await t.call('GET', `${API}/issue/${key}`)).json.fields;
    assert.equal(fields.status.name, 'In Progress');
    assert.equal(fields.status.statusCategory.key, 'indeterminate');
    assert.equal(fields.resolution, null);
    assert.deepEqual(fields.comment.comments.map((c: { body: string }) => c.body), ['starting']);

    t.clock.advance(60_000);
    assert.equal((await move(key, { transition: { id: 31 } })).status, 204);
    fields = (await t.call('GET', `${API}/issue/${key}`)).json.fields;
    assert.equal(fields.status.name, 'Done');
    assert.equal(fields.resolution.name, 'Done');
    assert.equal(fields.resolution.self, `${BASE_URL}/rest/api/2/resolution/10000`);
    assert.equal(fields.resolutiondate, '2026-12-03T10:01:00.000+0000');

    assert.equal((await move(key, { transition: { id: '11' } })).status, 204);
    fields = (await t.call('GET', `${API}/issue/${key}`)).json.fields;
    assert.deepEqual([fields.status.name, fields.resolution, fields.resolutiondate], ['To Do', null, null]);
  });

  test('fields.resolution by name or id; other fields set with the move', async () => {
    const { key } = await createIssue(t, base);
    const moved = await move(key, { transition: { id: '31' }, fields: { resolution: { name: "Won't Do" }, assignee: { name: 'bob' } } });
    assert.equal(moved.status, 204, JSON.stringify(moved.json));
    const fields = (await t.call('GET', `${API}/issue/${key}`)).json.fields;
    assert.deepEqual([fields.resolution.id, fields.assignee.name], ['10001', 'bob']);
    const second = await createIssue(t, base);
    assert.equal((await move(second.key, { transition: { id: '31' }, fields: { resolution: { id: '10002' } } })).status, 204);
    assert.equal((await t.call('GET', `${API}/issue/${second.key}`)).json.fields.resolution.name, 'Duplicate');
  });

  test('bad transitions are 400s and change nothing', async () => {
    const { key } = await createIssue(t, base);
    const cases: unknown[] = [
      {}, { transition: {} }, { transition: { id: '999' } }, { transition: { id: true } }, { transition: 31 }, [],
      { transition: { id: '31' }, fields: { resolution: { name: 'Nope' } } },
      { transition: { id: '21' }, fields: { resolution: { name: 'Done' } } },
      { transition: { id: '31' }, fields: { summary: '' } },
      { transition: { id: '31' }, update: { comment: [{ add: { body: 5 } }] } },
      { transition: { id: '31' }, fields: { customfield_1: 'x' } },
    ];
    for (const body of cases) {
      const { status, json } = await move(key, body);
      assert.equal(status, 400, JSON.stringify(body));
      assert.equal(json.errorMessages.length, 1, JSON.stringify(json));
    }
    const fields = (await t.call('GET', `${API}/issue/${key}`)).json.fields;
    assert.deepEqual([fields.status.name, fields.resolution, fields.comment.total], ['To Do', null, 0]);
  });

  test('GET resolution lists the resolutions; one by id; unknown is a 404', async () => {
    const { json } = await t.call('GET', `${API}/resolution`);
    assert.deepEqual(json.map((r: { name: string }) => r.name), ['Done', "Won't Do", 'Duplicate', 'Cannot Reproduce']);
    assert.equal((await t.call('GET', `${API}/resolution/10003`)).json.name, 'Cannot Reproduce');
    assert.equal((await t.call('GET', `${API}/resolution/1`)).status, 404);
  });
});
