// The fixed data set the JQL semantics table runs on: three projects (SECRET invisible to the searcher), eight
// visible issues with labels, components, versions, comments, a parent, resolutions, due dates and changelog
// rows, all dated relative to NOW. Written with plain SQL inserts, so it depends on no service code.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { openDatabase, type DialectModule } from '../../src/storage/database.js';

/** Wednesday 2026-06-17 12:00 UTC. */
export const NOW = Date.UTC(2026, 5, 17, 12, 0);
const H = 3_600_000;
const D = 24 * H;

export interface Fixture {
  dialect: DialectModule;
  file: string;
  users: Record<string, number>;
  projects: Record<string, number>;
  issues: Record<string, number>;
}

interface IssueSpec {
  key: string; type: string; summary: string; description?: string; environment?: string; status: string; priority: string;
  assignee?: string; reporter: string; creator?: string; created: number; updated?: number; resolution?: string;
  resolved?: number; due?: string; parent?: string; labels?: string[]; components?: string[]; versions?: string[];
}

// Ids: To Do 10000, In Progress 3, Done 10001; priorities 1 Highest … 5 Lowest; resolutions Done 10000,
// Won't Do 10001, Duplicate 10002; types Task 10002, Bug 10004, Story 10001, Sub-task 10003.
const ISSUES: IssueSpec[] = [
  { key: 'ALPHA-1', type: '10002', summary: 'Login page crashes on submit', description: 'The login form throws a null pointer', status: '10000', priority: '2', assignee: 'alice', reporter: 'bob', created: NOW - 10 * D, updated: NOW - D, due: '2026-06-20', labels: ['frontend', 'urgent'], components: ['Frontend'], versions: ['1.0'] },
  { key: 'ALPHA-2', type: '10004', summary: 'Timeouts when exporting reports', description: 'Export takes forever', environment: 'Linux server', status: '3', priority: '1', assignee: 'bob', reporter: 'alice', created: NOW - 5 * D, updated: NOW - 2 * H, labels: ['backend'], components: ['Backend'], versions: ['2.0'] },
  { key: 'ALPHA-3', type: '10001', summary: 'Full screen mode', status: '10001', priority: '3', reporter: 'alice', created: NOW - 40 * D, updated: NOW - D, resolution: '10000', resolved: NOW - D, due: '2026-06-10', versions: ['1.0'] },
  { key: 'ALPHA-4', type: '10003', summary: 'Screen full of errors', description: 'full errors on screen', status: '10000', priority: '4', assignee: 'carol', reporter: 'carol', creator: 'alice', created: NOW - 3 * H, parent: 'ALPHA-2', labels: ['urgent'] },
  { key: 'ALPHA-5', type: '10002', summary: 'Exact phrase test: full screen', status: '3', priority: '5', assignee: 'alice', reporter: 'bob', created: NOW - 400 * D, updated: NOW - 30 * D },
  { key: 'BETA-1', type: '10002', summary: 'Database timeout in staging', status: '10001', priority: '3', assignee: 'dave', reporter: 'alice', created: NOW - 20 * D, resolution: '10002', resolved: NOW - 2 * D, labels: ['backend'] },
  { key: 'BETA-2', type: '10004', summary: 'Printer offline', status: '10000', priority: '2', reporter: 'bob', created: NOW - D },
  { key: 'BETA-3', type: '10002', summary: 'Crash report', status: '3', priority: '3', assignee: 'bob', reporter: 'alice', created: NOW - 2 * D },
  { key: 'SECRET-1', type: '10002', summary: 'Secret crash', status: '10000', priority: '3', assignee: 'alice', reporter: 'alice', created: NOW - D },
];

/** [issue, at, author, field, from, to] with users as usernames and the rest as ids. */
const CHANGES: Array<[string, number, string, string, string | null, string | null]> = [
  ['ALPHA-2', NOW - 4 * D, 'alice', 'status', '10000', '3'],
  ['ALPHA-2', NOW - 4 * D, 'alice', 'assignee', null, 'alice'],
  ['ALPHA-2', NOW - 2 * D, 'bob', 'assignee', 'alice', 'bob'],
  ['ALPHA-3', NOW - 30 * D, 'alice', 'status', '10000', '3'],
  ['ALPHA-3', NOW - D, 'bob', 'status', '3', '10001'],
  ['ALPHA-3', NOW - D, 'bob', 'resolution', null, '10000'],
  ['ALPHA-5', NOW - 31 * D, 'bob', 'status', '10000', '3'],
  ['BETA-1', NOW - 3 * D, 'alice', 'priority', '2', '3'],
  ['BETA-1', NOW - 2 * D, 'dave', 'status', '10000', '10001'],
];

export async function createFixture(): Promise<Fixture> {
  const file = join(mkdtempSync(join(tmpdir(), 'tessera-jql-')), 'jql.db');
  const dialect = await openDatabase(file);
  const db = dialect.db;
  const users: Record<string, number> = {};
  for (const [name, display] of [['alice', 'Alice Adams'], ['bob', 'Bob Brown'], ['carol', 'Carol Clark'], ['dave', 'Dave Davis']]) {
    const row = await db.insertInto('users').values({ username: name!, username_lower: name!, display_name: display!, email: `${name}@example.com`,
      password_hash: 'x', is_admin: 0, active: 1, created_at: NOW - 500 * D }).returning('id').executeTakeFirstOrThrow();
    users[name!] = row.id;
  }
  await db.insertInto('user_groups').values({ name: 'devs', created_at: NOW }).execute();
  await db.insertInto('group_members').values([{ group_name: 'devs', user_id: users['alice']! }, { group_name: 'devs', user_id: users['bob']! }]).execute();
  const projects: Record<string, number> = {};
  for (const [key, name] of [['ALPHA', 'Alpha Project'], ['BETA', 'Beta Project'], ['SECRET', 'Secret Project']]) {
    const row = await db.insertInto('projects').values({ project_key: key!, name: name!, description: '', lead_id: users['alice']!, issue_counter: 0, created_at: NOW - 500 * D })
      .returning('id').executeTakeFirstOrThrow();
    projects[key!] = row.id;
  }
  const components: Record<string, number> = {};
  for (const name of ['Backend', 'Frontend']) {
    components[name] = (await db.insertInto('components').values({ project_id: projects['ALPHA']!, name, description: '', created_at: NOW }).returning('id').executeTakeFirstOrThrow()).id;
  }
  const versions: Record<string, number> = {};
  for (const [name, position, released] of [['1.0', 1, 1], ['2.0', 2, 0]] as const) {
    versions[name] = (await db.insertInto('versions').values({ project_id: projects['ALPHA']!, name, description: '', position, released, archived: 0, created_at: NOW }).returning('id').executeTakeFirstOrThrow()).id;
  }
  const issues: Record<string, number> = {};
  for (const s of ISSUES) {
    const [project, number] = s.key.split('-') as [string, string];
    const row = await db.insertInto('issues').values({
      project_id: projects[project]!, number: Number(number), issue_key: s.key, issue_type_id: s.type, summary: s.summary,
      description: s.description ?? null, environment: s.environment ?? null, priority_id: s.priority, status_id: s.status,
      reporter_id: users[s.reporter]!, creator_id: users[s.creator ?? s.reporter]!, assignee_id: s.assignee ? users[s.assignee]! : null,
      created_at: s.created, updated_at: s.updated ?? s.created, resolution_id: s.resolution ?? null, resolved_at: s.resolved ?? null,
      due_date: s.due ?? null, parent_id: s.parent ? issues[s.parent]! : null,
    }).returning('id').executeTakeFirstOrThrow();
    issues[s.key] = row.id;
    // Link rows carry their issue's project and created time (migration 0006).
    const of = { issue_id: row.id, project_id: projects[project]!, created_at: s.created };
    for (const label of s.labels ?? []) await db.insertInto('issue_labels').values({ ...of, label }).execute();
    for (const c of s.components ?? []) await db.insertInto('issue_components').values({ ...of, component_id: components[c]! }).execute();
    for (const v of s.versions ?? []) await db.insertInto('issue_fix_versions').values({ ...of, version_id: versions[v]! }).execute();
  }
  for (const [key, body, author] of [['ALPHA-1', 'Reproduced the crash in Firefox', 'alice'], ['BETA-1', 'Customer reports crash at startup', 'bob']] as const) {
    await db.insertInto('comments').values({ issue_id: issues[key]!, author_id: users[author]!, body, created_at: NOW - D, updated_at: NOW - D }).execute();
  }
  for (const [key, at, author, field, from, to] of CHANGES) {
    const group = await db.insertInto('changelog').values({ issue_id: issues[key]!, author_id: users[author]!, created_at: at }).returning('id').executeTakeFirstOrThrow();
    await db.insertInto('changelog_items').values({ changelog_id: group.id, field, field_type: 'jira', from_value: from, from_string: from, to_value: to, to_string: to }).execute();
  }
  await sql`UPDATE projects SET issue_counter = 9`.execute(db);
  return { dialect, file, users, projects, issues };
}
