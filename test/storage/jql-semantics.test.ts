// JQL semantics, table-driven: each query runs through the parser and the SQL compiler against the fixed data set
// of jql-fixture.ts (searcher alice, SECRET invisible, clock fixed at NOW) and must find exactly these issues
// (in this order when the query has ORDER BY; otherwise compared as sets). Then errors, warnings and injection.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, SqliteDialect, sql } from 'kysely';
import type { Database } from '../../src/storage/schema.js';
import { parseJql } from '../../src/domain/jql/parser.js';
import { AppError } from '../../src/errors/app-error.js';
import { searchIssues } from '../../src/storage/issue-search.js';
import { createFixture, NOW, type Fixture } from './jql-fixture.js';

let f: Fixture;
before(async () => { f = await createFixture(); });
after(async () => f.dialect.db.destroy());

async function run(jql: string, options: { validate?: boolean; warnings?: string[]; db?: Kysely<Database> } = {}): Promise<string[]> {
  const page = await searchIssues(options.db ?? f.dialect.db, parseJql(jql), {
    now: NOW, actorId: f.users['alice']!, visibleProjectIds: [f.projects['ALPHA']!, f.projects['BETA']!],
    validate: options.validate ?? true, warnings: options.warnings ?? [],
  }, 0, 1000);
  return page.issues.map((i) => i.key);
}

const A = (...n: number[]) => n.map((i) => `ALPHA-${i}`);
const B = (...n: number[]) => n.map((i) => `BETA-${i}`);
const ALL = [...A(1, 2, 3, 4, 5), ...B(1, 2, 3)];
const except = (...keys: string[]) => ALL.filter((k) => !keys.includes(k));

const TABLE: Array<[string, string[]]> = [
  // project, type, status, category
  ['', ALL], ['project = ALPHA', A(1, 2, 3, 4, 5)], ['project in (ALPHA, beta)', ALL], ['project != ALPHA', B(1, 2, 3)],
  ['project = "Beta Project"', B(1, 2, 3)], ['issuetype = Bug', [...A(2), ...B(2)]], ['type in (Story, "Sub-task")', A(3, 4)],
  ['issuetype in standardIssueTypes()', except('ALPHA-4')], ['issuetype in subTaskIssueTypes()', A(4)],
  ['status = "In Progress"', [...A(2, 5), ...B(3)]], ['status != Done', except('ALPHA-3', 'BETA-1')], ['status = 10001', [...A(3), ...B(1)]],
  ['statusCategory = Done', [...A(3), ...B(1)]], ['statusCategory != "To Do"', [...A(2, 3, 5), ...B(1, 3)]], ['statusCategory = indeterminate', [...A(2, 5), ...B(3)]],
  // users and user functions
  ['assignee = alice', A(1, 5)], ['assignee = currentUser()', A(1, 5)], ['assignee = "Bob Brown"', [...A(2), ...B(3)]],
  ['assignee = bob\\u0040example.com', [...A(2), ...B(3)]], ['assignee != bob', [...A(1, 4, 5), ...B(1)]], ['assignee is EMPTY', [...A(3), ...B(2)]],
  ['assignee is not empty', except('ALPHA-3', 'BETA-2')], ['assignee in membersOf("devs")', [...A(1, 2, 5), ...B(3)]],
  ['assignee not in (alice, bob)', [...A(4), ...B(1)]], ['assignee in (alice, EMPTY)', [...A(1, 3, 5), ...B(2)]],
  ['reporter = bob', [...A(1, 5), ...B(2)]], ['creator = alice', [...A(2, 3, 4), ...B(1, 3)]],
  // priority by configured order
  ['priority = High', [...A(1), ...B(2)]], ['priority > Medium', [...A(1, 2), ...B(2)]], ['priority <= Low', A(4, 5)],
  ['priority in (High, Highest)', [...A(1, 2), ...B(2)]],
  // labels, components, versions, with Jira's negation over empty values
  ['labels = urgent', A(1, 4)], ['labels in (frontend, backend)', [...A(1, 2), ...B(1)]], ['labels != urgent', [...A(2), ...B(1)]],
  ['labels not in (frontend)', [...A(2, 4), ...B(1)]], ['labels is empty', [...A(3, 5), ...B(2, 3)]], ['labels is not empty', [...A(1, 2, 4), ...B(1)]],
  ['component = Backend', A(2)], ['component != Frontend', A(2)], ['component is empty', except('ALPHA-1', 'ALPHA-2')],
  ['fixVersion = "1.0"', A(1, 3)], ['fixVersion > "1.0"', A(2)], ['fixVersion in unreleasedVersions()', A(2)],
  ['fixVersion in releasedVersions(ALPHA)', A(1, 3)], ['fixVersion is empty', [...A(4, 5), ...B(1, 2, 3)]],
  // resolution
  ['resolution = Unresolved', except('ALPHA-3', 'BETA-1')], ['resolution = Done', A(3)], ['resolution is not empty', [...A(3), ...B(1)]],
  ['resolution != Duplicate', A(3)],
  // keys and parents
  ['key = ALPHA-2', A(2)], ['issuekey in (alpha-1, BETA-2)', [...A(1), ...B(2)]], ['key > ALPHA-3', A(4, 5)], ['issue <= ALPHA-2', A(1, 2)],
  ['key != ALPHA-1', except('ALPHA-1')], ['parent = ALPHA-2', A(4)],
  // dates: relative, absolute, functions
  ['created >= -7d', [...A(2, 4), ...B(2, 3)]], ['created > "-4w 2d"', [...A(1, 2, 4), ...B(1, 2, 3)]], ['created > -4320', [...A(4), ...B(2, 3)]],
  ['created < startOfYear()', A(5)], ['updated >= startOfDay(-1d)', [...A(1, 2, 3, 4), ...B(2)]], ['created >= startOfMonth()', [...A(1, 2, 4), ...B(2, 3)]],
  ['created >= startOfWeek("+2d")', [...A(4), ...B(2)]], ['created < endOfMonth("-1M")', [...A(3, 5), ...B(1)]], ['created > now()', []],
  ['created >= "2026-06-12 00:00"', [...A(2, 4), ...B(2, 3)]], ['createdDate < "2026/05/09"', A(3, 5)], ['due < "2026-06-15"', A(3)],
  ['due = "2026/06/20"', A(1)], ['due is not empty', A(1, 3)], ['resolved >= -3d', [...A(3), ...B(1)]], ['resolutionDate <= endOfDay(-2d)', B(1)],
  ['due < startOfMonth("+1M")', A(1, 3)], ['created > endOfYear(-1y)', except('ALPHA-5')], ['updated < startOfDay()', except('ALPHA-2', 'ALPHA-4')],
  ['created <= endOfWeek()', ALL],
  // text search
  ['summary ~ crash', [...A(1), ...B(3)]], ['text ~ crash', [...A(1), ...B(1, 3)]], ['comment ~ firefox', A(1)], ['summary ~ "timeout*"', [...A(2), ...B(1)]],
  ['summary ~ "\\"full screen\\""', A(3, 5)], ['summary ~ "full screen"', A(3, 4, 5)], ['summary !~ crash', except('ALPHA-1', 'BETA-3')],
  ['description ~ "null pointer"', A(1)], ['environment ~ linux', A(2)], ['description is empty', [...A(3, 5), ...B(1, 2, 3)]],
  ['text ~ "export*"', A(2)], ['description !~ pointer', A(2, 4)], ['comment !~ firefox', B(1)], ['summary ~ "crash AND NOT"', []], ['comment is empty', except('ALPHA-1', 'BETA-1')],
  // boolean structure
  ['project = ALPHA AND status = "In Progress" OR priority = Highest', A(2, 5)], ['project = ALPHA AND (status = Done OR priority = Low)', A(3, 4)],
  ['NOT status = Done', except('ALPHA-3', 'BETA-1')], ['project = ALPHA AND NOT assignee = alice', A(2, 3, 4)],
  ['(project = BETA || project = ALPHA) && assignee = bob', [...A(2), ...B(3)]], ['not (labels = urgent or labels = backend)', [...A(3, 5), ...B(2, 3)]],
  // history
  ['status WAS "In Progress"', [...A(2, 3, 5), ...B(3)]], ['status WAS "To Do"', except('BETA-3')], ['status WAS NOT "To Do"', B(3)],
  ['status WAS "In Progress" BEFORE -10d', A(3, 5)], ['status WAS "To Do" AFTER -3d', [...A(1, 4), ...B(1, 2)]],
  ['status WAS "In Progress" BY alice', A(2, 3)], ['status WAS IN (Done, "In Progress") DURING ("2026/05/01", "2026/05/20")', A(3, 5)],
  ['status was "In Progress" ON "2026-05-17"', A(5)], ['assignee WAS bob', [...A(2), ...B(3)]], ['assignee WAS alice', A(1, 2, 5)],
  ['assignee WAS EMPTY', [...A(2, 3), ...B(2)]], ['assignee WAS NOT IN (alice, bob)', [...A(3, 4), ...B(1, 2)]], ['priority WAS High', [...A(1), ...B(1, 2)]],
  ['status CHANGED', [...A(2, 3, 5), ...B(1)]], ['status CHANGED FROM "In Progress" TO Done', A(3)], ['status CHANGED BY bob', A(3, 5)],
  ['status CHANGED AFTER -3d', [...A(3), ...B(1)]], ['assignee CHANGED BY currentUser()', A(2)], ['resolution CHANGED TO Done', A(3)],
  // ORDER BY (exact order)
  ['project = ALPHA ORDER BY priority DESC', A(2, 1, 3, 4, 5)], ['project = ALPHA ORDER BY priority', A(5, 4, 3, 1, 2)],
  ['ORDER BY key', ALL], ['order by created', [...A(5, 3), ...B(1), ...A(1, 2), ...B(3, 2), ...A(4)]],
  ['project = ALPHA ORDER BY assignee ASC, key DESC', A(5, 1, 2, 4, 3)], ['project = BETA ORDER BY status', B(2, 3, 1)],
  ['project = ALPHA ORDER BY due DESC, key', A(2, 4, 5, 1, 3)], ['project = alpha', A(4, 2, 1, 3, 5)],
];

describe('JQL semantics over the fixed data set', () => {
  test(`the table has at least 60 queries (${TABLE.length})`, () => assert.ok(TABLE.length >= 60));
  for (const [jql, expected] of TABLE) {
    test(jql === '' ? '(empty query)' : jql, async () => {
      const got = await run(jql);
      const ordered = /order by/i.test(jql) || jql === 'project = alpha'; // the last: no ORDER BY, so created DESC
      if (ordered) assert.deepEqual(got, expected);
      else assert.deepEqual([...got].sort(), [...expected].sort());
    });
  }
});

const refusal = async (jql: string, code: string, message: RegExp) => {
  await assert.rejects(run(jql), (err: unknown) => {
    assert.ok(err instanceof AppError, String(err));
    assert.equal(err.status, 400);
    assert.equal(err.code, code, err.message);
    assert.match(err.message, message);
    return true;
  });
};

describe('refusals and warnings', () => {
  test('unknown fields, wrong operators, bad functions and unsortable fields are 400s that say what', async () => {
    await refusal('foo = bar', 'jql_unknown_field', /Field 'foo' does not exist/);
    await refusal('summary = crash', 'jql_invalid_operator', /'=' is not supported by the 'summary' field/);
    await refusal('assignee = membersOf("devs")', 'jql_invalid_function', /membersOf/);
    await refusal('assignee = nobody()', 'jql_invalid_function', /Unable to find JQL function 'nobody\(\)'/);
    await refusal('project = ALPHA ORDER BY labels', 'jql_invalid_operator', /'labels' does not support sorting/);
    await refusal('created > yesterday', 'jql_invalid_value', /Date value 'yesterday' for field 'created' is invalid/);
    await refusal('key = ALPHA-99', 'jql_invalid_value', /ALPHA-99/);
    await refusal('assignee = watcher() and cf[10100] = 3', 'jql_invalid_function', /watcher/);
  });

  test('an invisible project is exactly like a missing one; validateQuery=false turns unknown values into warnings', async () => {
    await refusal('project = SECRET', 'jql_invalid_value', /The value 'SECRET' does not exist for the field 'project'\./);
    await refusal('status in (Open, Done)', 'jql_invalid_value', /The value 'Open' does not exist for the field 'status'/);
    const warnings: string[] = [];
    assert.deepEqual((await run('status in (Open, Done)', { validate: false, warnings })).sort(), ['ALPHA-3', 'BETA-1']);
    assert.deepEqual(await run('project = SECRET OR key = SECRET-1', { validate: false, warnings }), []);
    assert.deepEqual(warnings, ["The value 'Open' does not exist for the field 'status'.", "The value 'SECRET' does not exist for the field 'project'.",
      "An issue with key 'SECRET-1' does not exist for field 'key'."]);
    assert.deepEqual(await run('text ~ secret'), [], 'text search never reaches an invisible project');
  });

  test('an unterminated string is a 400 with line and character', async () => {
    await assert.rejects(run('project = ALPHA AND\n summary ~ "crash'), (err: unknown) => {
      assert.ok(err instanceof AppError);
      assert.equal(err.code, 'jql_syntax');
      assert.match(err.message, /line 2, character 12/);
      return true;
    });
  });

  test('values never reach SQL text: an injection attempt finds nothing and the tables survive', async () => {
    const evil = "'; DROP TABLE issues; --";
    const quoted = JSON.stringify(evil);
    // A second connection that logs every statement, to see the SQL text itself.
    const statements: string[] = [];
    const logged = new Kysely<Database>({ dialect: new SqliteDialect({ database: new BetterSqlite3(f.file) }),
      log: (event) => { statements.push(event.query.sql); } });
    for (const jql of [`labels = ${quoted}`, `summary ~ ${quoted}`, `text ~ "\\"x\\" OR *"`, `project = ${quoted}`, `due = ${quoted}`,
      `assignee was ${quoted} before "2026/01/01"`, `status changed by ${quoted}`, `key = ${quoted}`]) {
      const warnings: string[] = [];
      assert.deepEqual(await run(jql, { validate: false, warnings, db: logged }), [], jql);
    }
    await logged.destroy();
    assert.ok(statements.length > 8);
    for (const text of statements) assert.ok(!/DROP|x" OR|2026/.test(text), text);
    const count = await sql<{ n: number }>`SELECT count(*) AS n FROM issues`.execute(f.dialect.db);
    assert.equal(count.rows[0]?.n, 9);
  });

  test('the full-text index follows edits, comments and deletes (triggers)', async () => {
    const db = f.dialect.db;
    await db.updateTable('issues').set({ summary: 'Printer on fire' }).where('issue_key', '=', 'BETA-2').execute();
    assert.deepEqual(await run('summary ~ fire'), B(2));
    await db.insertInto('comments').values({ issue_id: f.issues['BETA-2']!, author_id: f.users['bob']!, body: 'smoke everywhere', created_at: NOW, updated_at: NOW }).execute();
    assert.deepEqual(await run('comment ~ smoke'), B(2));
    await db.deleteFrom('comments').where('body', '=', 'smoke everywhere').execute();
    assert.deepEqual(await run('comment ~ smoke'), []);
    await db.updateTable('issues').set({ summary: 'Printer offline' }).where('issue_key', '=', 'BETA-2').execute();
    assert.deepEqual(await run('summary ~ fire'), []);
    await db.deleteFrom('issues').where('issue_key', '=', 'BETA-1').execute(); // its comment goes by cascade
    assert.deepEqual(await run('text ~ customer'), []);
    const rows = await sql<{ n: number }>`SELECT count(*) AS n FROM issue_text`.execute(db);
    assert.equal(rows.rows[0]?.n, 8);
  });
});

// Last, after every write above (edits, comments, a delete with its cascade): migration 0006's copies of the
// issue's project and created time in the link tables still agree with the issues, and nothing is orphaned.
describe('after the whole suite', () => {
  test('every label, component and fix version row agrees with its issue', async () => {
    for (const table of ['issue_labels', 'issue_components', 'issue_fix_versions']) {
      const { rows } = await sql<{ n: number; bad: number }>`SELECT count(*) AS n, coalesce(sum(CASE WHEN i.id IS NULL
        OR i.project_id <> l.project_id OR i.created_at <> l.created_at THEN 1 ELSE 0 END), 0) AS bad
        FROM ${sql.table(table)} l LEFT JOIN issues i ON i.id = l.issue_id`.execute(f.dialect.db);
      assert.ok(Number(rows[0]!.n) > 0, table);
      assert.equal(Number(rows[0]!.bad), 0, table);
    }
    if (f.dialect.name === 'sqlite') assert.deepEqual((await sql`PRAGMA foreign_key_check`.execute(f.dialect.db)).rows, []);
  });
});
