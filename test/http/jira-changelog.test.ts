// Issue 3, the changelog: every change but create writes one group (author, time) with one item per field,
// in the conventions JQL's WAS / CHANGED read (src/storage/changelog-repository.ts); `expand=changelog`
// renders them as Jira does. A refused change writes nothing.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ChangelogRepository } from '../../src/storage/changelog-repository.js';
import { API, createIssue, seedProject, type Fixture } from './jira-fixtures.js';
import { startJiraTestApp, type JiraTestApp } from './jira-test-app.js';

let t: JiraTestApp;
let f: Fixture;
const base = { project: { key: 'LOG' }, issuetype: { name: 'Task' }, summary: 'Logged' };

before(async () => {
  t = await startJiraTestApp();
  f = await seedProject(t, 'LOG');
});
after(async () => t.close());

const history = async (key: string) => (await t.call('GET', `${API}/issue/${key}?expand=changelog&fields=summary`)).json.changelog;
const item = (field: string, from: string | null, fromString: string | null, to: string | null, toString: string | null) =>
  ({ field, fieldtype: 'jira', from, fromString, to, toString });

describe('changelog', () => {
  test('create writes nothing; an edit writes one group with one item per changed field', async () => {
    const { key, id } = await createIssue(t, { ...base, labels: ['b'], components: [{ name: 'Backend' }] });
    assert.deepEqual(await history(key), { startAt: 0, maxResults: 0, total: 0, histories: [] });
    t.clock.advance(1000);
    const put = await t.call('PUT', `${API}/issue/${key}`, {
      as: 'bob',
      body: {
        fields: { summary: 'Renamed', description: 'Why', priority: { name: 'High' }, assignee: { name: 'bob' }, duedate: '2027-05-01', environment: 'CI' },
        update: { labels: [{ add: 'a' }], components: [{ set: [{ name: 'Frontend' }] }], fixVersions: [{ add: { name: '1.0' } }] },
      },
    });
    assert.equal(put.status, 204, JSON.stringify(put.json));
    const log = await history(key);
    assert.equal(log.total, 1);
    const [group] = log.histories;
    assert.equal(group.author.name, 'bob');
    assert.equal(group.created, '2026-12-03T10:00:01.000+0000');
    assert.deepEqual(group.items, [
      item('summary', null, 'Logged', null, 'Renamed'),
      item('description', null, null, null, 'Why'),
      item('environment', null, null, null, 'CI'),
      item('duedate', null, null, '2027-05-01', '2027-05-01'),
      item('priority', '3', 'Medium', '2', 'High'),
      item('assignee', null, null, 'bob', 'Bob Brown'),
      item('labels', null, 'b', null, 'a b'),
      item('Component', String(f.components['Backend']), 'Backend', null, null),
      item('Component', null, null, String(f.components['Frontend']), 'Frontend'),
      item('Fix Version', null, null, String(f.versions['1.0']), '1.0'),
    ]);
    const stored = await new ChangelogRepository(t.dialect.db).forIssue(Number(id));
    assert.equal(stored.length, 1);
    assert.equal(stored[0]!.authorId, t.users['bob']);
  });

  test('assign and transitions each write a group: status, resolution; an unchanged edit writes none', async () => {
    const { key } = await createIssue(t, base);
    await t.call('PUT', `${API}/issue/${key}/assignee`, { body: { name: 'bob' } });
    await t.call('PUT', `${API}/issue/${key}/assignee`, { body: { name: 'bob' } });
    await t.call('PUT', `${API}/issue/${key}`, { body: { fields: { summary: 'Logged' } } });
    await t.call('POST', `${API}/issue/${key}/transitions`, { body: { transition: { id: '31' } } });
    await t.call('POST', `${API}/issue/${key}/transitions`, { body: { transition: { id: '21' } } });
    const log = await history(key);
    assert.deepEqual(log.histories.map((h: { items: unknown[] }) => h.items), [
      [item('assignee', null, null, 'bob', 'Bob Brown')],
      [item('status', '10000', 'To Do', '10001', 'Done'), item('resolution', null, null, '10000', 'Done')],
      [item('status', '10001', 'Done', '3', 'In Progress'), item('resolution', '10000', 'Done', null, null)],
    ]);
    assert.deepEqual(log.histories.map((h: { author: { name: string } }) => h.author.name), ['alice', 'alice', 'alice']);
  });

  test('a refused edit or transition writes no changelog', async () => {
    const { key } = await createIssue(t, base);
    await t.call('PUT', `${API}/issue/${key}`, { body: { fields: { summary: 'OK', duedate: 'tomorrow' } } });
    await t.call('POST', `${API}/issue/${key}/transitions`, { body: { transition: { id: '31' }, fields: { resolution: { name: 'x' } } } });
    assert.equal((await history(key)).total, 0);
  });
});
