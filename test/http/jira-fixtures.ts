// Shared setup for the issue-3 route tests: a project with components and versions, bob as a member.
import assert from 'node:assert/strict';
import type { JiraTestApp } from './jira-test-app.js';

export const API = '/rest/api/2';

export interface Fixture {
  projectId: number;
  components: Record<string, number>;
  versions: Record<string, number>;
}

export async function seedProject(t: JiraTestApp, key: string): Promise<Fixture> {
  const project = await t.issues.createProject({ key, name: `Project ${key}`, leadUserId: t.users['alice']! });
  const db = t.dialect.db;
  await db.insertInto('project_members').values({ project_id: project.id, user_id: t.users['bob']!, role: 'member' }).execute();
  const components: Record<string, number> = {};
  for (const name of ['Backend', 'Frontend']) {
    const row = await db.insertInto('components').values({ project_id: project.id, name, description: '', created_at: t.clock() })
      .returning('id').executeTakeFirstOrThrow();
    components[name] = row.id;
  }
  const versions: Record<string, number> = {};
  for (const [i, name] of ['1.0', '2.0'].entries()) {
    const row = await db.insertInto('versions').values({
      project_id: project.id, name, description: '', released: 0, archived: 0, release_date: null, position: i + 1, created_at: t.clock(),
    }).returning('id').executeTakeFirstOrThrow();
    versions[name] = row.id;
  }
  return { projectId: project.id, components, versions };
}

export async function createIssue(t: JiraTestApp, fields: Record<string, unknown>, as = 'alice'): Promise<{ id: string; key: string }> {
  const { status, json } = await t.call('POST', `${API}/issue`, { body: { fields }, as });
  assert.equal(status, 201, JSON.stringify(json));
  return json;
}
