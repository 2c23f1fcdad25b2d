// Issue 3, acceptance 3: Debian's python-jira (/usr/bin/python3) runs the calls integration scripts make, over
// OAuth 1.0a (an access token from the dance, for a user with an authenticator), over Basic auth and over
// python-jira's cookie login `JIRA(auth=(u, p))` (both for a user without a second factor), on a real port.
// Each run gets its own empty project, so the expected keys are known; a project the user cannot see must not
// show up anywhere.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { OAuthClient } from '../../src/client/oauth-client.js';
import { authorizeInBrowser, verifierOf } from '../helpers/dance.js';
import { pythonScript, runPython } from '../helpers/python.js';
import { createUser, startTestServer, TEST_PASSWORD, type TestServer } from '../helpers/server.js';
import { TestDevice } from '../helpers/web-client.js';

const KEY_FILE = fileURLToPath(new URL('../fixtures/testcases-rsa-private.pem', import.meta.url));
const PUBLIC_KEY = readFileSync(new URL('../fixtures/testcases-rsa-public.pem', import.meta.url), 'utf8');
const FILLERS = 55; // the script creates these after its two issues: more than python-jira's page of 50

type Json = Record<string, any>;

describe('python-jira over OAuth, Basic auth and cookie login', () => {
  let server: TestServer;

  before(async () => {
    server = await startTestServer();
    const alice = await createUser(server, 'alice'); // has an authenticator: OAuth only
    const carol = await createUser(server, 'carol'); // no second factor: Basic and cookie
    await createUser(server, 'bob');
    const dave = await createUser(server, 'dave');
    await server.services.issues.createProject({ key: 'PYO', name: 'Python over OAuth', leadUserId: alice.id });
    await server.services.issues.createProject({ key: 'PYB', name: 'Python over Basic', leadUserId: carol.id });
    await server.services.issues.createProject({ key: 'PYC', name: 'Python over cookies', leadUserId: carol.id });
    await server.services.issues.createProject({ key: 'HIDDEN', name: 'Not theirs', leadUserId: dave.id });
    for (const key of ['PYO', 'PYB', 'PYC']) await server.services.projects.setMember(key, 'bob', 'member');
    const phone = new TestDevice(server.baseUrl);
    assert.equal((await phone.enroll(await server.services.push.createEnrollmentCode(alice.id))).status, 201);
    await server.services.consumers.add({ key: 'python-app', name: 'Python App', publicKeyText: PUBLIC_KEY });
  });
  after(() => server.close());

  async function oauthEnv(): Promise<Record<string, string>> {
    const phone = new TestDevice(server.baseUrl);
    const alice = await server.services.issues.getUserByName('alice');
    assert.equal((await phone.enroll(await server.services.push.createEnrollmentCode(alice.id))).status, 201);
    const app = new OAuthClient({ baseUrl: server.baseUrl, consumerKey: 'python-app', privateKeyPem: readFileSync(KEY_FILE, 'utf8') });
    const requestToken = await app.requestToken('oob');
    const page = await authorizeInBrowser({
      baseUrl: server.baseUrl, authorizeUrl: app.authorizeUrl(requestToken.token), username: 'alice', password: TEST_PASSWORD,
      approve: async (symbol) => {
        const [challenge] = await phone.pending();
        assert.equal((await phone.answer(challenge!.id, 'approve', symbol)).status, 200);
      },
    });
    const access = await app.accessToken(requestToken, verifierOf(page));
    return { AUTH: 'oauth', CONSUMER_KEY: 'python-app', RSA_KEY_FILE: KEY_FILE, ACCESS_TOKEN: access.token, ACCESS_TOKEN_SECRET: access.tokenSecret };
  }

  const runs: Array<{ auth: string; user: string; project: string; env: () => Promise<Record<string, string>> }> = [
    { auth: 'OAuth 1.0a', user: 'alice', project: 'PYO', env: oauthEnv },
    { auth: 'Basic auth', user: 'carol', project: 'PYB', env: async () => ({ AUTH: 'basic', USERNAME: 'carol', PASSWORD: TEST_PASSWORD }) },
    { auth: 'cookie login', user: 'carol', project: 'PYC', env: async () => ({ AUTH: 'cookie', USERNAME: 'carol', PASSWORD: TEST_PASSWORD }) },
  ];

  for (const run of runs) {
    test(`every call succeeds with Jira's answers (${run.auth})`, async () => {
      const out = await runPython(pythonScript('jira_full.py'), {
        TESSERA_URL: server.baseUrl, PROJECT: run.project, ASSIGNEE: 'bob', ...(await run.env()),
      }) as Json;
      const key = (n: number) => `${run.project}-${n}`;
      assert.equal(out['myself'], run.user);
      assert.ok(out['projects'].includes(run.project));
      assert.ok(!out['projects'].includes('HIDDEN'), 'a project the user is not in stays invisible');
      assert.deepEqual(out['project'], {
        key: run.project, name: (await server.services.issues.findProject(run.project))!.name,
        issueTypes: ['Bug', 'Epic', 'Story', 'Sub-task', 'Task'],
      });
      assert.deepEqual(out['priorities'], ['Highest', 'High', 'Medium', 'Low', 'Lowest']);
      assert.deepEqual(out['statuses'], ['Done', 'In Progress', 'To Do']);
      for (const field of ['summary', 'description', 'issuetype', 'labels', 'assignee', 'status']) assert.ok(out['fields'].includes(field), field);

      assert.deepEqual(out['created'], [key(1), key(2)]);
      assert.deepEqual(out['by_ids'], { type: 'Task', priority: 'Low', project: run.project });
      const issue = out['issue'];
      assert.equal(issue['summary'], 'Printer on fire');
      assert.equal(issue['priority'], 'High');
      assert.deepEqual(issue['labels'], ['hardware']);
      assert.deepEqual(issue['field_keys'], ['labels', 'priority', 'summary'], 'only the fields asked for');
      assert.equal(issue['names_summary'], 'Summary');
      assert.equal(issue['has_schema'], true);
      assert.equal(typeof issue['histories'], 'number');
      assert.deepEqual(issue['transitions'], ['Done', 'In Progress', 'To Do'], 'the default workflow: every status from any status');

      const total = 2 + FILLERS;
      assert.deepEqual(out['page'], { keys: [key(3), key(4), key(5)], total, startAt: 2, maxResults: 3 });
      assert.deepEqual(out['all_keys'], Array.from({ length: total }, (_, i) => key(i + 1)), 'maxResults=0 fetches every page');
      assert.deepEqual(out['text_search'], [key(1)]);

      assert.deepEqual(out['comment'], { body: 'Fire brigade called', author: run.user });
      assert.deepEqual(out['comments'], ['Fire brigade called']);
      assert.deepEqual(out['transitions'], ['Done', 'In Progress', 'To Do']);
      assert.deepEqual(out['after_transition'], { status: 'Done', resolution: 'Done', comments: ['Fire brigade called', 'Fire is out'] });
      assert.equal(out['assigned'], true);
      assert.equal(out['assignee'], 'bob');
      assert.deepEqual(out['updated'], { summary: 'Printer no longer on fire', labels: ['hardware', 'resolved-by-script'] });
      assert.deepEqual(out['users'], ['bob']);
      assert.equal(out['createmeta']['project'], run.project);
      assert.deepEqual(out['createmeta']['types'], ['Bug', 'Epic', 'Story', 'Sub-task', 'Task']);
      assert.ok(out['createmeta']['bug_required'].includes('summary'));
      assert.ok(out['createmeta']['bug_required'].includes('issuetype'));
      assert.equal(out['after_delete'], 404);

    });
  }
});
