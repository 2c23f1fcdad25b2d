// The user's side of the OAuth dance, driven like a browser without JavaScript: open the authorize URL,
// sign in (password, then push approved by `approve(symbol)`), press Allow or Deny.
import assert from 'node:assert/strict';
import { accessPass, hiddenField, submitPassword, WebClient, type PageResponse } from './web-client.js';

export async function authorizeInBrowser(options: {
  baseUrl: string;
  authorizeUrl: string;
  username: string;
  password: string;
  approve: (symbol: string) => Promise<void>;
  decision?: 'allow' | 'deny';
  client?: WebClient;
}): Promise<PageResponse> {
  const client = options.client ?? new WebClient(options.baseUrl);
  const first = await client.get(options.authorizeUrl);
  assert.equal(first.status, 303, 'the authorize page sends a signed-out user to the login page');
  const loginPath = first.location!;
  assert.match(loginPath, /^\/login\?next=/);
  const next = decodeURIComponent(loginPath.slice('/login?next='.length));
  const afterPassword = await submitPassword(client, options.username, options.password, next);
  assert.equal(afterPassword.status, 303);
  const challengePage = await client.get(afterPassword.location!);
  assert.equal(challengePage.status, 200);
  await options.approve(accessPass(challengePage.text));
  const done = await client.post('/login/challenge', { csrf: hiddenField(challengePage.text, 'csrf'), next: hiddenField(challengePage.text, 'next') });
  assert.equal(done.status, 303, done.text);
  const approval = await client.get(done.location!);
  assert.equal(approval.status, 200, approval.text);
  assert.match(approval.text, /Allow/);
  return client.post('/plugins/servlet/oauth/authorize', {
    csrf: hiddenField(approval.text, 'csrf'), oauth_token: hiddenField(approval.text, 'oauth_token'), decision: options.decision ?? 'allow',
  });
}

export function verifierOf(page: PageResponse): string {
  const m = /data-verifier="([A-Za-z0-9]+)"/.exec(page.text);
  if (!m) throw new Error(`no verifier in page: ${page.status} ${page.text.slice(0, 300)}`);
  return m[1]!;
}
