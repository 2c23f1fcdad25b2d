// Independent clients on a real port: Debian's requests-oauthlib performs the whole dance (acceptance 5), and
// Debian's python-jira uses the access token for its common calls (acceptance 4). Both run with
// /usr/bin/python3, the interpreter Debian's packages are installed for.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { OAuthClient } from '../../src/client/oauth-client.js';
import { authorizeInBrowser, verifierOf } from '../helpers/dance.js';
import { runTessera, TESSERA_COMMAND } from '../helpers/cli.js';
import { pythonScript as script, runPython } from '../helpers/python.js';
import { createUser, startTestServer, TEST_PASSWORD, type TestServer } from '../helpers/server.js';

const KEY_FILE = fileURLToPath(new URL('../fixtures/testcases-rsa-private.pem', import.meta.url));
const PUBLIC_KEY_FILE = fileURLToPath(new URL('../fixtures/testcases-rsa-public.pem', import.meta.url));

describe('independent clients', () => {
  let server: TestServer;
  let deviceFile: string;

  before(async () => {
    server = await startTestServer();
    const alice = await createUser(server, 'alice');
    await server.services.issues.createProject({ key: 'PY', name: 'Python project', leadUserId: alice.id });
    await server.services.consumers.add({ key: 'testcases-app', name: 'TestCases App', publicKeyText: readFileSync(PUBLIC_KEY_FILE, 'utf8') });
    const code = await server.services.push.createEnrollmentCode(alice.id);
    deviceFile = join(server.dir, 'alice-device.json');
    const enroll = await runTessera(['authenticator', 'enroll', server.services.push.enrollmentUri(code), '--file', deviceFile], { env: server.env });
    assert.equal(enroll.code, 0, enroll.stderr);
  });
  after(() => server.close());

  test('requests-oauthlib OAuth1Session (RSA-SHA1, oob) performs the whole dance', async () => {
    const result = await runPython(script('oauth_dance.py'), {
      TESSERA_URL: server.baseUrl, CONSUMER_KEY: 'testcases-app', RSA_KEY_FILE: KEY_FILE, USERNAME: 'alice', PASSWORD: TEST_PASSWORD,
      APPROVE_CMD: JSON.stringify([...TESSERA_COMMAND, 'authenticator', 'approve', '--file', deviceFile, '--wait', '10']),
    });
    assert.equal(result['myself_status'], 200);
    assert.equal((result['myself'] as { name: string }).name, 'alice');
    assert.match(String(result['access_token']), /^[A-Za-z0-9]{32}$/);
    assert.deepEqual(result['access_response_keys'], [
      'oauth_authorization_expires_in', 'oauth_expires_in', 'oauth_session_handle', 'oauth_token', 'oauth_token_secret',
    ]);
  });

  test("python-jira's common calls succeed with the access token from the dance", async () => {
    const app = new OAuthClient({ baseUrl: server.baseUrl, consumerKey: 'testcases-app', privateKeyPem: readFileSync(KEY_FILE, 'utf8') });
    const requestToken = await app.requestToken('oob');
    const page = await authorizeInBrowser({
      baseUrl: server.baseUrl, authorizeUrl: app.authorizeUrl(requestToken.token), username: 'alice', password: TEST_PASSWORD,
      approve: async (symbol) => {
        const r = await runTessera(['authenticator', 'approve', '--file', deviceFile, '--pick', symbol], { env: server.env });
        assert.equal(r.code, 0, r.stderr);
      },
    });
    const access = await app.accessToken(requestToken, verifierOf(page));
    const out = await runPython(script('jira_calls.py'), {
      TESSERA_URL: server.baseUrl, CONSUMER_KEY: 'testcases-app', RSA_KEY_FILE: KEY_FILE,
      ACCESS_TOKEN: access.token, ACCESS_TOKEN_SECRET: access.tokenSecret, PROJECT: 'PY',
    });
    const info = out['server_info'] as { versionNumbers: number[]; deploymentType: string; baseUrl: string };
    assert.ok(Array.isArray(info.versionNumbers));
    assert.notEqual(info.deploymentType, 'Cloud');
    assert.equal(info.baseUrl, server.baseUrl);
    assert.equal((out['myself'] as { name: string }).name, 'alice');
    const key = String(out['created_key']);
    assert.match(key, /^PY-\d+$/);
    assert.deepEqual(out['issue'], { key, summary: 'Printer on fire', type: 'Bug', status: 'To Do', reporter: 'alice' });
    assert.ok((out['search'] as string[]).includes(key));
    assert.deepEqual(out['comment'], { id: (out['comment'] as { id: string }).id, body: 'Fire brigade called', author: 'alice' });
    assert.deepEqual(out['comments'], ['Fire brigade called']);
    assert.equal(out['updated_summary'], 'Printer no longer on fire');
    assert.equal(out['after_delete'], 404);
  });
});
