// Application links: the public key formats an admin may give (PEM SPKI, bare base64, X.509 certificate,
// PKCS#1), the ones refused with a message naming the accepted formats, and add / list / remove on a real
// SQLite file. The certificate fixture was made with openssl (see test/fixtures/README.md).
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { AppError } from '../../src/errors/app-error.js';
import { Consumers, parsePublicKey } from '../../src/services/consumers.js';
import { OAuthProvider } from '../../src/services/oauth-provider.js';
import { sha256Hex } from '../../src/services/secrets.js';
import { addUser, openOAuthTestContext, TESTCASES, type OAuthTestContext } from '../helpers/oauth-context.js';

const SPKI = TESTCASES.publicPem.trim() + '\n';
const bareBase64 = TESTCASES.publicPem.replace(/-----[A-Z ]+-----/g, '').trim();

function isKeyError(err: unknown): boolean {
  return err instanceof AppError && err.kind === 'bad_request' && err.code === 'public_key_invalid'
    && /PEM public key/.test(err.message) && /without the BEGIN\/END lines/.test(err.message)
    && /X\.509 certificate/.test(err.message) && /RSA PUBLIC KEY/.test(err.message);
}

describe('parsePublicKey', () => {
  const accepted: Array<[string, string]> = [
    ['PEM SPKI', TESTCASES.publicPem],
    ['PEM SPKI with CRLF line ends and surrounding blanks', `\r\n  ${TESTCASES.publicPem.replace(/\n/g, '\r\n')}\n\n`],
    ['the same base64 without armor, on several lines', bareBase64],
    ['the same base64 on one line', bareBase64.replace(/\s+/g, '')],
    ['an X.509 certificate (PEM)', TESTCASES.certPem],
    ['an X.509 certificate, DER as bare base64', TESTCASES.certPem.replace(/-----[A-Z ]+-----/g, '')],
  ];
  for (const [name, text] of accepted) {
    test(`accepts ${name}`, () => assert.equal(parsePublicKey(text).pem, SPKI));
  }
  test('converts a PKCS#1 RSA PUBLIC KEY to SPKI', () => {
    const { publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const pkcs1 = publicKey.export({ format: 'pem', type: 'pkcs1' }).toString();
    assert.match(pkcs1, /BEGIN RSA PUBLIC KEY/);
    assert.equal(parsePublicKey(pkcs1).pem, publicKey.export({ format: 'pem', type: 'spki' }).toString());
  });

  const refused: Array<[string, () => string, RegExp]> = [
    ['a private key (PKCS#8)', () => TESTCASES.privatePem, /private key/],
    ['a private key (PKCS#1)', () => generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ format: 'pem', type: 'pkcs1' }).toString(), /private key/],
    ['an EC key', () => generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ format: 'pem', type: 'spki' }).toString(), /not RSA/],
    ['an Ed25519 key', () => generateKeyPairSync('ed25519').publicKey.export({ format: 'pem', type: 'spki' }).toString(), /not RSA/],
    ['a 512-bit RSA key', () => generateKeyPairSync('rsa', { modulusLength: 512 }).publicKey.export({ format: 'pem', type: 'spki' }).toString(), /512 bits/],
    ['an OpenSSH public key', () => 'ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQ user@host', /neither PEM nor base64/],
    ['base64 that is no key', () => Buffer.from('hello world, not a key').toString('base64'), /not a public key/],
    ['a damaged PEM block', () => TESTCASES.publicPem.replace(/[A-Za-z]{10}/, 'AAAAAAAAAA'), /could not be read/],
    ['another kind of PEM block', () => '-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----\n', /not a public key/],
    ['an empty text', () => '', /neither PEM nor base64/],
  ];
  for (const [name, make, why] of refused) {
    test(`refuses ${name}, naming the accepted formats`, () => {
      assert.throws(() => parsePublicKey(make()), (err: unknown) => isKeyError(err) && why.test((err as Error).message));
    });
  }
});

describe('Consumers', () => {
  let t: OAuthTestContext;
  let consumers: Consumers;
  before(async () => {
    t = await openOAuthTestContext();
    consumers = new Consumers(t.ctx);
  });
  after(async () => t.close());

  test('add stores the key as SPKI; list shows it', async () => {
    const added = await consumers.add({ key: 'jira-bot', name: 'Jira Bot', publicKeyText: TESTCASES.certPem, callbackUrl: 'https://bot.example/cb' });
    assert.deepEqual(added, {
      key: 'jira-bot', name: 'Jira Bot', publicKeyPem: SPKI, callbackUrl: 'https://bot.example/cb', allowNoVerifier: false, createdAt: t.clock(),
    });
    await consumers.add({ key: 'a-legacy', name: 'Legacy', publicKeyText: bareBase64, allowNoVerifier: true });
    const list = await consumers.list();
    assert.deepEqual(list.map((c) => [c.key, c.allowNoVerifier, c.callbackUrl]), [['a-legacy', true, null], ['jira-bot', false, 'https://bot.example/cb']]);
  });

  test('a duplicate key is a conflict', async () => {
    await assert.rejects(consumers.add({ key: 'jira-bot', name: 'Again', publicKeyText: TESTCASES.publicPem }), { kind: 'conflict', code: 'consumer_exists' });
  });

  test('bad input is refused before anything is stored', async () => {
    await assert.rejects(consumers.add({ key: 'x', name: 'X', publicKeyText: TESTCASES.publicPem, callbackUrl: 'javascript:alert(1)' }), { code: 'callback_invalid' });
    await assert.rejects(consumers.add({ key: 'has space', name: 'X', publicKeyText: TESTCASES.publicPem }), { code: 'consumer_key_invalid' });
    await assert.rejects(consumers.add({ key: 'y', name: '  ', publicKeyText: TESTCASES.publicPem }), { code: 'consumer_name_invalid' });
    await assert.rejects(consumers.add({ key: 'z', name: 'Z', publicKeyText: 'nonsense!' }), isKeyError);
    assert.deepEqual((await consumers.list()).map((c) => c.key), ['a-legacy', 'jira-bot']);
  });

  test('remove drops the link with its tokens, and says whether it existed', async () => {
    const userId = await addUser(t.ctx, 'rita');
    const far = t.clock() + 60_000;
    await t.ctx.db.insertInto('request_tokens').values({
      token_hash: sha256Hex('rt'), consumer_key: 'jira-bot', callback: 'oob', state: 'new', user_id: null, verifier: null, created_at: t.clock(), expires_at: far,
    }).execute();
    await t.ctx.db.insertInto('access_tokens').values({
      token_hash: sha256Hex('at'), consumer_key: 'jira-bot', user_id: userId, session_handle_hash: 'h', created_at: t.clock(),
      expires_at: far, authorization_expires_at: far, last_used_at: null, revoked_at: null,
    }).execute();
    assert.ok(await new OAuthProvider(t.ctx).findPendingRequestToken('rt'));
    assert.equal(await consumers.remove('jira-bot'), true);
    assert.equal(await consumers.remove('jira-bot'), false);
    assert.equal(await new OAuthProvider(t.ctx).findPendingRequestToken('rt'), null);
    assert.equal((await t.ctx.db.selectFrom('access_tokens').selectAll().execute()).length, 0);
    assert.deepEqual((await consumers.list()).map((c) => c.key), ['a-legacy']);
  });
});
