// Migration 0006: every row of issue_labels, issue_components and issue_fix_versions carries its issue's
// project_id and created_at. Written here only through the REST API (create, edit with set/add/remove,
// transitions, delete), then checked against the issues; the foreign key on (issue_id, project_id,
// created_at) refuses a row that disagrees with its issue.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { API, createIssue, seedProject, type Fixture } from './jira-fixtures.js';
import { startJiraTestApp, type JiraTestApp } from './jira-test-app.js';

let t: JiraTestApp;
let f: Fixture;
let other: Fixture;
const base = { project: { key: 'LNK' }, issuetype: { name: 'Task' }, summary: 'S' };
const LINK_TABLES = ['issue_labels', 'issue_components', 'issue_fix_versions'] as const;

before(async () => {
  t = await startJiraTestApp();
  f = await seedProject(t, 'LNK');
  other = await seedProject(t, 'OTH');
});
after(async () => t.close());

interface LinkRow { link: string; issue_key: string; value: string; project_id: number; created_at: number; issue_project: number; issue_created: number }

/** Every link row of the issues, with the issue's own project and created time beside the row's copies. */
async function linkRows(keys: string[]): Promise<LinkRow[]> {
  const parts = LINK_TABLES.map((table) => {
    const value = table === 'issue_labels' ? sql.raw('l.label') : table === 'issue_components' ? sql.raw('l.component_id') : sql.raw('l.version_id');
    return sql`SELECT ${table} AS link, i.issue_key, CAST(${value} AS TEXT) AS value, l.project_id, l.created_at,
      i.project_id AS issue_project, i.created_at AS issue_created FROM ${sql.table(table)} l JOIN issues i ON i.id = l.issue_id`;
  });
  const { rows } = await sql<LinkRow>`SELECT * FROM (${sql.join(parts, sql` UNION ALL `)}) x ORDER BY issue_key, link, value`.execute(t.dialect.db);
  return rows.filter((r) => keys.includes(r.issue_key));
}

/** Rows whose copies disagree with their issue, or whose issue is gone, in the whole database. */
async function disagreeing(): Promise<number> {
  let n = 0;
  for (const table of LINK_TABLES) {
    const { rows } = await sql<{ n: number }>`SELECT count(*) AS n FROM ${sql.table(table)} l LEFT JOIN issues i ON i.id = l.issue_id
      WHERE i.id IS NULL OR i.project_id <> l.project_id OR i.created_at <> l.created_at`.execute(t.dialect.db);
    n += Number(rows[0]!.n);
  }
  return n;
}

const values = (rows: LinkRow[], link: string) => rows.filter((r) => r.link === link).map((r) => r.value);

describe('the link rows carry their issue\'s project and created time', () => {
  test('create, edit (set, add, remove), transition and delete keep every copy right', async () => {
    const first = await createIssue(t, {
      ...base, labels: ['b', 'a'], components: [{ name: 'Backend' }], fixVersions: [{ name: '1.0' }],
    });
    t.clock.advance(60_000);
    const second = await createIssue(t, { ...base, project: { key: 'OTH' }, labels: ['a'], components: [{ name: 'Frontend' }] });
    t.clock.advance(60_000);

    let rows = await linkRows([first.key, second.key]);
    assert.equal(rows.length, 6);
    for (const r of rows) assert.deepEqual([r.project_id, r.created_at], [r.issue_project, r.issue_created], JSON.stringify(r));
    assert.deepEqual(rows.filter((r) => r.issue_key === second.key).map((r) => r.project_id), [other.projectId, other.projectId]);
    const created = rows[0]!.created_at;

    // Edits: add and remove, then set; minutes later, so a copy taken from the clock would show.
    const put = await t.call('PUT', `${API}/issue/${first.key}`, {
      body: { update: {
        labels: [{ add: 'c' }, { remove: 'a' }], components: [{ add: { name: 'Frontend' } }],
        fixVersions: [{ remove: { name: '1.0' } }, { add: { name: '2.0' } }],
      } },
    });
    assert.equal(put.status, 204, JSON.stringify(put.json));
    t.clock.advance(60_000);
    assert.equal((await t.call('PUT', `${API}/issue/${first.key}`, { body: { fields: { labels: ['z', 'c'] } } })).status, 204);
    // A transition touches none of the sets; one with a comment neither.
    assert.equal((await t.call('POST', `${API}/issue/${first.key}/transitions`, { body: { transition: { id: '31' } } })).status, 204);
    assert.equal((await t.call('POST', `${API}/issue/${first.key}/transitions`,
      { body: { transition: { id: '11' }, update: { comment: [{ add: { body: 'reopened' } }] } } })).status, 204);

    rows = await linkRows([first.key]);
    assert.deepEqual(values(rows, 'issue_labels'), ['c', 'z']);
    assert.deepEqual(values(rows, 'issue_components').map(Number).sort(), [f.components['Backend'], f.components['Frontend']].sort());
    assert.deepEqual(values(rows, 'issue_fix_versions').map(Number), [f.versions['2.0']]);
    for (const r of rows) assert.deepEqual([r.project_id, r.created_at], [f.projectId, created], JSON.stringify(r));

    // Search finds them through the link tables' own columns, and only in visible projects.
    const found = await t.call('GET', `${API}/search?jql=${encodeURIComponent('labels in (c, a)')}&fields=summary`);
    assert.deepEqual(found.json.issues.map((i: { key: string }) => i.key), [second.key, first.key]);
    assert.equal(found.json.total, 2);

    assert.equal((await t.call('DELETE', `${API}/issue/${first.key}`)).status, 204);
    assert.deepEqual(await linkRows([first.key]), []);
    assert.equal((await linkRows([second.key])).length, 2);
    assert.equal(await disagreeing(), 0);
  });

  test('the foreign key refuses a row that disagrees with its issue', async () => {
    const { id } = await createIssue(t, base);
    const issue = await t.dialect.db.selectFrom('issues').select(['id', 'project_id', 'created_at']).where('id', '=', Number(id)).executeTakeFirstOrThrow();
    const insert = (projectId: number, createdAt: number) =>
      t.dialect.db.insertInto('issue_labels').values({ issue_id: issue.id, label: 'x', project_id: projectId, created_at: createdAt }).execute();
    await assert.rejects(insert(other.projectId, issue.created_at), /FOREIGN KEY/);
    await assert.rejects(insert(issue.project_id, issue.created_at + 1), /FOREIGN KEY/);
    await insert(issue.project_id, issue.created_at);
    assert.equal(await disagreeing(), 0);
  });
});
