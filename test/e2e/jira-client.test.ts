// Independent client on a real port: the npm `jira-client` package (v8, postman-request underneath) runs its
// common calls against Tessera over Basic auth, and over OAuth 1.0a RSA-SHA1 with an access token from the
// dance (issue 3, acceptance 4 and 5).
//
// What jira-client sends (node_modules/jira-client/lib/jira.js): every URL is
// `url.format({ protocol, hostname: host, port, pathname: base + '/rest/api/' + apiVersion + path, query })`,
// then `decodeURIComponent`d, so `protocol: 'http'`, `host: 'localhost'`, `port` and no `base` reach
// http://localhost:PORT/rest/api/2/…; `strictSSL` only sets `rejectUnauthorized`. Bodies are JSON
// (`json: true`); a status >= 400 rejects with `Error(JSON.stringify(body))`. findIssue() always adds
// `expand=&fields=*all&properties=*all&fieldsByKeys=false`; searchJira() is a POST with `{ jql, ...optional }`.
// The OAuth option is `{ consumer_key, consumer_secret: <RSA private key PEM>, access_token,
// access_token_secret, signature_method }`, handed to postman-request's built-in OAuth 1.0a signer.
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import JiraApi from 'jira-client';
import { OAuthClient } from '../../src/client/oauth-client.js';
import { authorizeInBrowser, verifierOf } from '../helpers/dance.js';
import { createUser, startTestServer, TEST_PASSWORD, type TestServer } from '../helpers/server.js';
import { TestDevice } from '../helpers/web-client.js';

const FIXTURES = new URL('../fixtures/', import.meta.url);
const PRIVATE_KEY = readFileSync(new URL('testcases-rsa-private.pem', FIXTURES), 'utf8');
const PUBLIC_KEY = readFileSync(new URL('testcases-rsa-public.pem', FIXTURES), 'utf8');
const KEY = 'JC';

type Json = Record<string, any>;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** jira-client rejects with `Error(JSON.stringify(responseBody))`: the Jira error body, parsed back. */
async function rejection(promise: Promise<unknown>): Promise<Json> {
  try {
    await promise;
  } catch (e) {
    return JSON.parse((e as Error).message) as Json;
  }
  throw new Error('expected the call to be refused');
}

describe('jira-client (npm, v8)', () => {
  let server: TestServer;
  let port: number;
  let basic: JiraApi;

  const clientOptions = () => ({ protocol: 'http', host: 'localhost', port: String(port), apiVersion: '2', strictSSL: true });

  before(async () => {
    server = await startTestServer();
    port = Number(new URL(server.baseUrl).port);
    const carol = await createUser(server, 'carol'); // no second factor: Basic auth is allowed
    await server.services.issues.createProject({ key: KEY, name: 'jira-client project', leadUserId: carol.id });
    basic = new JiraApi({ ...clientOptions(), username: 'carol', password: TEST_PASSWORD });
  });
  after(() => server.close());

  test('server info and myself', async () => {
    const info = await basic.getServerInfo() as Json;
    assert.equal(info['deploymentType'], 'Server');
    assert.equal(info['baseUrl'], server.baseUrl);
    assert.ok(Array.isArray(info['versionNumbers']));
    const me = await basic.getCurrentUser() as Json;
    assert.equal(me['name'], 'carol');
    assert.equal(me['emailAddress'], 'carol@example.com');
    assert.equal(me['self'], `${server.baseUrl}/rest/api/2/user?username=carol`);
  });

  test('list projects and get one by key and by id', async () => {
    const projects = await basic.listProjects() as Json[];
    assert.deepEqual(projects.map((p) => p['key']), [KEY]);
    const byKey = await basic.getProject(KEY) as Json;
    assert.equal(byKey['name'], 'jira-client project');
    assert.equal(byKey['lead']['name'], 'carol');
    assert.ok(byKey['issueTypes'].length > 0);
    const byId = await basic.getProject(byKey['id']) as Json;
    assert.equal(byId['key'], KEY);
    const missing = await rejection(basic.getProject('NOPE'));
    assert.equal(missing['errorMessages'].length, 1);
  });

  test('create by names and by ids, get, search with paging, comment, edit, delete', async () => {
    const project = await basic.getProject(KEY) as Json;
    const task = (project['issueTypes'] as Json[]).find((t) => t['name'] === 'Task')!;
    const byNames = await basic.addNewIssue({ fields: { project: { key: KEY }, issuetype: { name: 'Bug' }, summary: 'Created by names', description: 'from jira-client' } }) as Json;
    assert.match(byNames['key'], /^JC-\d+$/);
    assert.equal(byNames['self'], `${server.baseUrl}/rest/api/2/issue/${byNames['id']}`);
    await sleep(5);
    const byIds = await basic.addNewIssue({ fields: { project: { id: project['id'] }, issuetype: { id: task['id'] }, summary: 'Created by ids' } }) as Json;
    await sleep(5);
    const third = await basic.addNewIssue({ fields: { project: { key: KEY }, issuetype: { name: 'Task' }, summary: 'Third' } }) as Json;
    const refused = await rejection(basic.addNewIssue({ fields: { project: { key: KEY }, issuetype: { name: 'Bug' } } }));
    assert.match(refused['errors']['summary'], /summary/);

    const got = await basic.findIssue(byNames['key']) as Json;
    assert.equal(got['id'], byNames['id']);
    assert.equal(got['fields']['summary'], 'Created by names');
    assert.equal(got['fields']['description'], 'from jira-client');
    assert.equal(got['fields']['issuetype']['name'], 'Bug');
    assert.equal(got['fields']['project']['key'], KEY);
    assert.equal(got['fields']['reporter']['name'], 'carol');
    const gotById = await basic.findIssue(byIds['id']) as Json;
    assert.equal(gotById['key'], byIds['key']);
    assert.equal(gotById['fields']['issuetype']['id'], task['id']);

    const jql = `project = ${KEY} ORDER BY created DESC`;
    const page1 = await basic.searchJira(jql, { startAt: 0, maxResults: 2 }) as Json;
    assert.deepEqual([page1['startAt'], page1['maxResults'], page1['total']], [0, 2, 3]);
    assert.deepEqual(page1['issues'].map((i: Json) => i['key']), [third['key'], byIds['key']]);
    const page2 = await basic.searchJira(jql, { startAt: 2, maxResults: 2, fields: ['summary', 'status'] }) as Json;
    assert.deepEqual(page2['issues'].map((i: Json) => i['key']), [byNames['key']]);
    assert.deepEqual(Object.keys(page2['issues'][0]['fields']).sort(), ['status', 'summary']);
    const badJql = await rejection(basic.searchJira(`project = "${KEY}`));
    assert.equal(badJql['errorMessages'].length, 1);

    const comment = await basic.addComment(byNames['key'], 'A comment from jira-client') as Json;
    assert.equal(comment['body'], 'A comment from jira-client');
    assert.equal(comment['author']['name'], 'carol');
    const comments = await basic.getComments(byNames['key']) as Json;
    assert.equal(comments['total'], 1);
    assert.deepEqual(comments['comments'][0], comment);

    assert.equal(await basic.updateIssue(byNames['key'], { fields: { summary: 'Renamed by jira-client' } }), undefined);
    assert.equal((await basic.findIssue(byNames['key'], '', 'summary') as Json)['fields']['summary'], 'Renamed by jira-client');

    assert.equal(await basic.deleteIssue(third['key']), undefined);
    const gone = await rejection(basic.findIssue(third['key']));
    assert.equal(gone['errorMessages'].length, 1);
    assert.equal((await basic.searchJira(jql) as Json)['total'], 2);
  });

  test('a wrong password is refused with 401', async () => {
    const wrong = new JiraApi({ ...clientOptions(), username: 'carol', password: 'not the password' });
    await assert.rejects(wrong.getCurrentUser());
  });

  test('OAuth 1.0a RSA-SHA1 with an access token from the dance', async () => {
    const alice = await createUser(server, 'alice');
    await server.services.issues.createProject({ key: 'JCO', name: 'jira-client over OAuth', leadUserId: alice.id });
    const phone = new TestDevice(server.baseUrl);
    assert.equal((await phone.enroll(await server.services.push.createEnrollmentCode(alice.id))).status, 201);
    await server.services.consumers.add({ key: 'jira-client-app', name: 'jira-client App', publicKeyText: PUBLIC_KEY });
    const app = new OAuthClient({ baseUrl: server.baseUrl, consumerKey: 'jira-client-app', privateKeyPem: PRIVATE_KEY });
    const requestToken = await app.requestToken('oob');
    const page = await authorizeInBrowser({
      baseUrl: server.baseUrl, authorizeUrl: app.authorizeUrl(requestToken.token), username: 'alice', password: TEST_PASSWORD,
      approve: async (symbol) => {
        const [challenge] = await phone.pending();
        assert.equal(challenge!.application, 'jira-client App');
        assert.equal((await phone.answer(challenge!.id, 'approve', symbol)).status, 200);
      },
    });
    const access = await app.accessToken(requestToken, verifierOf(page));

    const oauth = new JiraApi({
      ...clientOptions(),
      oauth: { consumer_key: 'jira-client-app', consumer_secret: PRIVATE_KEY, access_token: access.token, access_token_secret: access.tokenSecret, signature_method: 'RSA-SHA1' },
    });
    const me = await oauth.getCurrentUser() as Json;
    assert.equal(me['name'], 'alice');
    const created = await oauth.addNewIssue({ fields: { project: { key: 'JCO' }, issuetype: { name: 'Task' }, summary: 'Over OAuth' } }) as Json;
    const got = await oauth.findIssue(created['key']) as Json; // a signed query string: expand=&fields=*all&…
    assert.equal(got['fields']['reporter']['name'], 'alice');
    const found = await oauth.searchJira(`project = JCO ORDER BY created DESC`) as Json;
    assert.deepEqual(found['issues'].map((i: Json) => i['key']), [created['key']]);
    await oauth.addComment(created['key'], 'signed');
    await oauth.updateIssue(created['key'], { fields: { summary: 'Over OAuth, renamed' } });
    await oauth.deleteIssue(created['key']);

    // A wrong private key: the signature does not verify.
    const other = new JiraApi({
      ...clientOptions(),
      oauth: { consumer_key: 'jira-client-app', consumer_secret: otherPrivateKey(), access_token: access.token, access_token_secret: access.tokenSecret },
    });
    await assert.rejects(other.getCurrentUser());
  });
});

/** A fresh RSA key the consumer was not registered with. */
function otherPrivateKey(): string {
  return generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
}
