// The OAuth 1.0a provider (Jira's "Application link" flow) wired to storage and configuration: request
// token, authorization by the user, access token, signed resource requests. The protocol checks live in
// protocol/oauth1/provider.ts; this service supplies the store, issues tokens and owns the one-time steps.
// Policies, each deliberate:
// - Tokens, token secrets and session handles: 32 random alphanumerics (Jira). Only their SHA-256 is stored;
//   token secrets are not stored at all: application links sign with RSA, which never uses them.
// - Verifier: 10 random alphanumerics (about 59.5 bits; Jira uses 6). Still short enough to type from the
//   oob page, and stored only as SHA-256.
// - A wrong verifier burns the request token: it is consumed (authorized → used) before the comparison,
//   so each token allows exactly one guess and a verifier cannot be brute-forced. The client starts over.
//   The answer is token_rejected, as Jira answers it (Problem Reporting has no verifier code).
// - oauth_callback is required at request-token (`oob` or an absolute http(s) URL) unless the admin
//   allowed legacy OAuth 1.0 for that application link (python-jira's jirashell): then a missing callback
//   means the link's registered callback, or oob, and a missing verifier is accepted at access-token.
import type { OAuthConsumer, OAuthStore, OAuthTokenRecord } from '../protocol/oauth1/provider.js';
import { verifySignedRequest } from '../protocol/oauth1/provider.js';
import { isAcceptableCallbackUrl } from '../protocol/oauth1/callback.js';
import { formEncode } from '../protocol/oauth1/percent-encoding.js';
import { OAuthProblem, problemResponse, type ProblemResponse } from '../protocol/oauth1/problems.js';
import type { RawRequest } from '../protocol/oauth1/request.js';
import { OAuthStorage } from '../storage/oauth-store.js';
import type { ServiceContext } from './context.js';
import { constantTimeEqual, randomAlphanumeric, sha256Hex } from './secrets.js';

export const TOKEN_LENGTH = 32;
export const VERIFIER_LENGTH = 10;

interface Consumer extends OAuthConsumer {
  name: string;
  callbackUrl: string | null;
  allowNoVerifier: boolean;
}

interface TokenRecord extends OAuthTokenRecord {
  userId: number | null;
}

export type TokenResponse = ProblemResponse;

export interface PendingRequestToken {
  consumerKey: string;
  consumerName: string;
  callback: string;
  expiresAt: number;
}

/** `oob`, or an absolute http(s) URL; anything else is parameter_rejected. */
export function parseCallback(value: string): string {
  if (value === 'oob') return value;
  if (!isAcceptableCallbackUrl(value)) {
    throw new OAuthProblem('parameter_rejected', { advice: 'oauth_callback must be oob or an absolute http or https URL without credentials.' });
  }
  return value;
}

const formResponse = (fields: Array<[string, string]>): TokenResponse => ({
  status: 200,
  headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'Cache-Control': 'no-store' },
  body: formEncode(fields),
});

export class OAuthProvider {
  private readonly storage: OAuthStorage;
  private readonly store: OAuthStore<Consumer, TokenRecord>;

  constructor(private readonly ctx: ServiceContext) {
    this.storage = new OAuthStorage(ctx.dialect, ctx.config.timestampWindowSeconds);
    const storage = this.storage;
    this.store = {
      async findConsumer(key) {
        const row = await storage.findConsumer(key);
        return row ? {
          key: row.consumer_key, name: row.name, publicKeyPem: row.public_key, sharedSecret: null,
          callbackUrl: row.callback_url, allowNoVerifier: row.allow_no_verifier === 1,
        } : null;
      },
      async findToken(kind, token) {
        const hash = sha256Hex(token);
        if (kind === 'request') {
          const row = await storage.findRequestToken(hash);
          return row ? { consumerKey: row.consumerKey, secret: null, expiresAt: row.expiresAt, state: row.state, userId: row.userId } : null;
        }
        const row = await storage.findAccessToken(hash);
        return row ? {
          consumerKey: row.consumerKey, secret: null, expiresAt: row.expiresAt,
          state: row.revokedAt === null ? 'active' : 'revoked', userId: row.userId,
        } : null;
      },
      // The nonce table keys on the token too: its hash, never the token itself.
      recordNonce: (entry, now) => storage.recordNonce(
        { consumerKey: entry.consumerKey, tokenHash: entry.token === '' ? '' : sha256Hex(entry.token), timestamp: entry.timestamp, nonce: entry.nonce },
        now),
    };
  }

  private verify(raw: RawRequest, requireToken: 'none' | 'request' | 'access') {
    const { config } = this.ctx;
    return verifySignedRequest(raw, {
      baseUrl: config.baseUrl, now: this.ctx.clock(), windowSeconds: config.timestampWindowSeconds, store: this.store, requireToken,
    });
  }

  /** Renders an OAuthProblem as Jira does; anything else is not ours to answer and propagates. */
  private async answer(step: () => Promise<TokenResponse>): Promise<TokenResponse> {
    try {
      return await step();
    } catch (err) {
      if (err instanceof OAuthProblem) return problemResponse(err, this.ctx.config.baseUrl);
      throw err;
    }
  }

  /** POST /plugins/servlet/oauth/request-token. */
  issueRequestToken(raw: RawRequest): Promise<TokenResponse> {
    return this.answer(async () => {
      const { consumer, protocol } = await this.verify(raw, 'none');
      const given = protocol['oauth_callback'];
      let callback: string;
      if (given) callback = parseCallback(given);
      else if (consumer.allowNoVerifier) callback = consumer.callbackUrl ?? 'oob';
      else {
        throw new OAuthProblem('parameter_absent', {
          parametersAbsent: ['oauth_callback'],
          advice: 'Send oauth_callback=oob (the user copies the verifier) or your callback URL: OAuth 1.0 without a verifier is refused.',
        });
      }
      const now = this.ctx.clock();
      const token = randomAlphanumeric(TOKEN_LENGTH);
      const secret = randomAlphanumeric(TOKEN_LENGTH);
      await this.storage.insertRequestToken({
        tokenHash: sha256Hex(token), consumerKey: consumer.key, callback, now,
        expiresAt: now + this.ctx.config.requestTokenLifetimeSeconds * 1000,
      });
      return formResponse([['oauth_token', token], ['oauth_token_secret', secret], ['oauth_callback_confirmed', 'true']]);
    });
  }

  /** POST /plugins/servlet/oauth/access-token. */
  exchangeAccessToken(raw: RawRequest): Promise<TokenResponse> {
    return this.answer(async () => {
      const { consumer, token, protocol } = await this.verify(raw, 'request');
      const verifier = protocol['oauth_verifier'];
      if (!verifier && !consumer.allowNoVerifier) {
        throw new OAuthProblem('parameter_absent', { parametersAbsent: ['oauth_verifier'], advice: 'Send the oauth_verifier the user was given.' });
      }
      const now = this.ctx.clock();
      // Consume first, compare after: a wrong verifier has then used up the token (one guess per token).
      const consumed = await this.storage.consumeRequestToken(sha256Hex(token as string), consumer.key, now);
      if (!consumed) throw new OAuthProblem('token_used');
      if (verifier && !constantTimeEqual(sha256Hex(verifier), consumed.verifierHash ?? '')) {
        throw new OAuthProblem('token_rejected', { advice: 'The verifier does not match; this request token can no longer be used.' });
      }
      const lifetime = this.ctx.config.accessTokenLifetimeSeconds;
      const accessToken = randomAlphanumeric(TOKEN_LENGTH);
      const secret = randomAlphanumeric(TOKEN_LENGTH);
      const sessionHandle = randomAlphanumeric(TOKEN_LENGTH);
      await this.storage.insertAccessToken({
        tokenHash: sha256Hex(accessToken), consumerKey: consumer.key, userId: consumed.userId,
        sessionHandleHash: sha256Hex(sessionHandle), now, expiresAt: now + lifetime * 1000,
      });
      return formResponse([
        ['oauth_token', accessToken], ['oauth_token_secret', secret], ['oauth_expires_in', String(lifetime)],
        ['oauth_session_handle', sessionHandle], ['oauth_authorization_expires_in', String(lifetime)],
      ]);
    });
  }

  /** A signed REST request with an access token: who it acts for. Throws OAuthProblem. */
  async verifyResourceRequest(raw: RawRequest): Promise<{ userId: number; consumerKey: string }> {
    const { consumer, token, tokenRecord } = await this.verify(raw, 'access');
    const userId = tokenRecord?.userId;
    // A deactivated user's tokens stop working at once (a deleted user's went with the user).
    if (typeof userId !== 'number' || !(await this.storage.isActiveUser(userId))) throw new OAuthProblem('token_rejected');
    await this.storage.touchAccessToken(sha256Hex(token as string), this.ctx.clock());
    return { userId, consumerKey: consumer.key };
  }

  /** A request token waiting for the user's decision (state new, not expired), for the authorize page. */
  async findPendingRequestToken(token: string): Promise<PendingRequestToken | null> {
    const row = await this.storage.findRequestToken(sha256Hex(token));
    if (!row || row.state !== 'new' || row.expiresAt <= this.ctx.clock()) return null;
    return { consumerKey: row.consumerKey, consumerName: row.consumerName, callback: row.callback, expiresAt: row.expiresAt };
  }

  /** The user allows the application: new → authorized, once. The verifier goes to the user, never stored in clear. */
  async authorizeRequestToken(token: string, userId: number): Promise<{ callback: string; verifier: string } | null> {
    const verifier = randomAlphanumeric(VERIFIER_LENGTH);
    const callback = await this.storage.authorizeRequestToken(sha256Hex(token), userId, sha256Hex(verifier), this.ctx.clock());
    return callback === null ? null : { callback, verifier };
  }

  /** The user refuses: new → denied, once; the token is then refused at access-token (permission_denied). */
  async denyRequestToken(token: string, userId: number): Promise<{ callback: string } | null> {
    const callback = await this.storage.denyRequestToken(sha256Hex(token), userId, this.ctx.clock());
    return callback === null ? null : { callback };
  }
}
