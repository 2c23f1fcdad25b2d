// Independent client on a real port: the npm `jira.js` package (v5, its Version2Client; v6 is Cloud-only)
// runs its common calls against Tessera over Basic auth (issue 3, acceptance 4).
//
// What jira.js sends (node_modules/jira.js/dist/esm/clients/baseClient.mjs): an axios instance with
// `baseURL: host` and absolute paths `/rest/api/2/…`, so `host: 'http://localhost:PORT'` is all it needs;
// Basic auth is `{ basic: { email, apiToken } }` and becomes `Basic base64(email:apiToken)` — on a Server the
// "email" is the username and the "apiToken" the password. Query parameters go through its own serializer
// (arrays joined with commas, spaces as `+`). Errors are HttpException with `status` and the Jira body in
// `response.data`. Version2Client has no method for `GET /rest/api/2/project` (only Cloud's
// `/project/search`), so the list goes through the client's own `sendRequestFullResponse`.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { HttpException, Version2Client } from 'jira.js';
import { createUser, startTestServer, TEST_PASSWORD, type TestServer } from '../helpers/server.js';

const KEY = 'JJS';
type Json = Record<string, any>;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The Jira error body and status of a refused call. */
async function refusal(promise: Promise<unknown>): Promise<{ status: number; body: Json }> {
  try {
    await promise;
  } catch (e) {
    assert.ok(e instanceof HttpException, String(e));
    const response = e.response as { data: Json; status: number };
    return { status: response.status, body: response.data };
  }
  throw new Error('expected the call to be refused');
}

describe('jira.js (npm, v5 Version2Client)', () => {
  let server: TestServer;
  let client: Version2Client;

  before(async () => {
    server = await startTestServer();
    const dave = await createUser(server, 'dave'); // no second factor: Basic auth is allowed
    await server.services.issues.createProject({ key: KEY, name: 'jira.js project', leadUserId: dave.id });
    client = new Version2Client({ host: server.baseUrl, authentication: { basic: { email: 'dave', apiToken: TEST_PASSWORD } } });
  });
  after(() => server.close());

  test('server info and myself', async () => {
    const info = await client.serverInfo.getServerInfo();
    assert.equal(info.deploymentType, 'Server');
    assert.equal(info.baseUrl, server.baseUrl);
    assert.ok(Array.isArray(info.versionNumbers));
    const me = await client.myself.getCurrentUser();
    assert.equal(me.name, 'dave');
    assert.equal(me.emailAddress, 'dave@example.com');
    assert.equal(me.active, true);
  });

  test('list projects and get one by key and by id', async () => {
    const list = await client.sendRequestFullResponse<Json[]>({ url: '/rest/api/2/project', method: 'GET' });
    assert.equal(list.status, 200);
    assert.deepEqual(list.data.map((p) => p['key']), [KEY]);
    const byKey = await client.projects.getProject({ projectIdOrKey: KEY });
    assert.equal(byKey.name, 'jira.js project');
    assert.equal(byKey.lead?.name, 'dave');
    assert.ok((byKey.issueTypes ?? []).length > 0);
    const byId = await client.projects.getProject(byKey.id!);
    assert.equal(byId.key, KEY);
    const missing = await refusal(client.projects.getProject('NOPE'));
    assert.equal(missing.status, 404);
    assert.equal(missing.body['errorMessages'].length, 1);
  });

  test('create by names and by ids, get, search with paging, comment, edit, delete', async () => {
    const project = await client.projects.getProject(KEY);
    const task = project.issueTypes!.find((t) => t.name === 'Task')!;
    const byNames = await client.issues.createIssue({ fields: { project: { key: KEY }, issuetype: { name: 'Bug' }, summary: 'Created by names', description: 'from jira.js' } });
    assert.match(byNames.key, /^JJS-\d+$/);
    assert.equal(byNames.self, `${server.baseUrl}/rest/api/2/issue/${byNames.id}`);
    await sleep(5);
    const byIds = await client.issues.createIssue({ fields: { project: { id: project.id! }, issuetype: { id: task.id! }, summary: 'Created by ids' } });
    await sleep(5);
    const third = await client.issues.createIssue({ fields: { project: { key: KEY }, issuetype: { name: 'Task' }, summary: 'Third' } });
    const refused = await refusal(client.issues.createIssue({ fields: { project: { key: KEY }, issuetype: { name: 'Bug' } } as never }));
    assert.equal(refused.status, 400);
    assert.match(refused.body['errors']['summary'], /summary/);

    const got = await client.issues.getIssue({ issueIdOrKey: byNames.key });
    assert.equal(got.id, byNames.id);
    assert.equal(got.fields.summary, 'Created by names');
    assert.equal(got.fields.description, 'from jira.js');
    assert.equal(got.fields.issuetype?.name, 'Bug');
    assert.equal(got.fields.project.key, KEY);
    assert.equal(got.fields.reporter?.name, 'dave');
    const someFields = await client.issues.getIssue({ issueIdOrKey: byIds.id, fields: ['summary', 'issuetype'] });
    assert.equal(someFields.key, byIds.key);
    assert.deepEqual(Object.keys(someFields.fields).sort(), ['issuetype', 'summary']);

    // GET search: jql in the query string (spaces as '+'), then POST search with paging.
    const jql = `project = ${KEY} ORDER BY created DESC`;
    const page1 = await client.issueSearch.searchForIssuesUsingJql({ jql, startAt: 0, maxResults: 2 });
    assert.deepEqual([page1.startAt, page1.maxResults, page1.total], [0, 2, 3]);
    assert.deepEqual(page1.issues!.map((i) => i.key), [third.key, byIds.key]);
    const page2 = await client.issueSearch.searchForIssuesUsingJqlPost({ jql, startAt: 2, maxResults: 2, fields: ['summary', 'status'] });
    assert.deepEqual(page2.issues!.map((i) => i.key), [byNames.key]);
    assert.deepEqual(Object.keys(page2.issues![0]!.fields).sort(), ['status', 'summary']);
    const badJql = await refusal(client.issueSearch.searchForIssuesUsingJql({ jql: `project = "${KEY}` }));
    assert.equal(badJql.status, 400);
    assert.equal(badJql.body['errorMessages'].length, 1);

    const comment = await client.issueComments.addComment({ issueIdOrKey: byNames.key, comment: 'A comment from jira.js' });
    assert.equal((comment as Json)['body'], 'A comment from jira.js'); // jira.js v5 types its Version2 Comment without `body`
    assert.equal(comment.author?.name, 'dave');
    const comments = await client.issueComments.getComments({ issueIdOrKey: byNames.key });
    assert.equal(comments.total, 1);
    assert.deepEqual(comments.comments![0], comment);

    await client.issues.editIssue({ issueIdOrKey: byNames.key, fields: { summary: 'Renamed by jira.js' } });
    assert.equal((await client.issues.getIssue({ issueIdOrKey: byNames.key, fields: ['summary'] })).fields.summary, 'Renamed by jira.js');

    await client.issues.deleteIssue({ issueIdOrKey: third.key });
    assert.equal((await refusal(client.issues.getIssue({ issueIdOrKey: third.key }))).status, 404);
    assert.equal((await client.issueSearch.searchForIssuesUsingJqlPost({ jql })).total, 2);
  });

  test('a wrong password is refused with 401', async () => {
    const wrong = new Version2Client({ host: server.baseUrl, authentication: { basic: { email: 'dave', apiToken: 'not the password' } } });
    assert.equal((await refusal(wrong.myself.getCurrentUser())).status, 401);
  });
});
