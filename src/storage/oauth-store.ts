// Kysely storage of the OAuth 1.0a provider: application links, request and access tokens, nonces.
// It works with token hashes only: hashing is the service's job, so no clear token reaches this layer,
// let alone the database. One-time transitions are conditional UPDATEs (… WHERE state = 'x') whose
// RETURNING rows say whether this caller won. No dialect-specific SQL: constraint errors go through
// dialect.isUniqueViolation.
import type { DialectModule } from './database.js';
import type { ConsumersTable, RequestTokensTable } from './schema.js';

export interface RequestTokenRow {
  consumerKey: string;
  consumerName: string;
  callback: string;
  state: RequestTokensTable['state'];
  userId: number | null;
  expiresAt: number;
}

export interface AccessTokenRow {
  consumerKey: string;
  userId: number;
  expiresAt: number;
  revokedAt: number | null;
}

export interface NonceRow {
  consumerKey: string;
  /** SHA-256 of the token, or '' when the request carried none. */
  tokenHash: string;
  timestamp: number;
  nonce: string;
}

export class OAuthStorage {
  private lastPruneAt = 0;

  constructor(private readonly dialect: DialectModule, private readonly windowSeconds: number) {}

  private get db() { return this.dialect.db; }

  async findConsumer(key: string): Promise<ConsumersTable | undefined> {
    return this.db.selectFrom('consumers').selectAll().where('consumer_key', '=', key).executeTakeFirst();
  }

  async insertRequestToken(row: { tokenHash: string; consumerKey: string; callback: string; now: number; expiresAt: number }): Promise<void> {
    await this.db.insertInto('request_tokens').values({
      token_hash: row.tokenHash, consumer_key: row.consumerKey, callback: row.callback, state: 'new',
      user_id: null, verifier: null, created_at: row.now, expires_at: row.expiresAt,
    }).execute();
  }

  async findRequestToken(tokenHash: string): Promise<RequestTokenRow | undefined> {
    const row = await this.db.selectFrom('request_tokens')
      .innerJoin('consumers', 'consumers.consumer_key', 'request_tokens.consumer_key')
      .select(['request_tokens.consumer_key', 'consumers.name', 'request_tokens.callback', 'request_tokens.state',
        'request_tokens.user_id', 'request_tokens.expires_at'])
      .where('request_tokens.token_hash', '=', tokenHash)
      .executeTakeFirst();
    return row && {
      consumerKey: row.consumer_key, consumerName: row.name, callback: row.callback, state: row.state,
      userId: row.user_id, expiresAt: Number(row.expires_at),
    };
  }

  /** new → authorized, once, before expiry. The callback, or null when the token was not pending. */
  async authorizeRequestToken(tokenHash: string, userId: number, verifierHash: string, now: number): Promise<string | null> {
    const rows = await this.db.updateTable('request_tokens')
      .set({ state: 'authorized', user_id: userId, verifier: verifierHash })
      .where('token_hash', '=', tokenHash).where('state', '=', 'new').where('expires_at', '>', now)
      .returning('callback').execute();
    return rows[0]?.callback ?? null;
  }

  /** new → denied, once, before expiry. The callback, or null when the token was not pending. */
  async denyRequestToken(tokenHash: string, userId: number, now: number): Promise<string | null> {
    const rows = await this.db.updateTable('request_tokens')
      .set({ state: 'denied', user_id: userId })
      .where('token_hash', '=', tokenHash).where('state', '=', 'new').where('expires_at', '>', now)
      .returning('callback').execute();
    return rows[0]?.callback ?? null;
  }

  /** authorized → used, once: whoever gets the row back is the only one who may exchange it. */
  async consumeRequestToken(tokenHash: string, consumerKey: string, now: number): Promise<{ userId: number; verifierHash: string | null } | null> {
    const rows = await this.db.updateTable('request_tokens')
      .set({ state: 'used' })
      .where('token_hash', '=', tokenHash).where('consumer_key', '=', consumerKey)
      .where('state', '=', 'authorized').where('expires_at', '>', now)
      .returning(['user_id', 'verifier']).execute();
    const row = rows[0];
    if (!row || row.user_id === null) return null;
    return { userId: row.user_id, verifierHash: row.verifier };
  }

  async insertAccessToken(row: {
    tokenHash: string; consumerKey: string; userId: number; sessionHandleHash: string; now: number; expiresAt: number;
  }): Promise<void> {
    await this.db.insertInto('access_tokens').values({
      token_hash: row.tokenHash, consumer_key: row.consumerKey, user_id: row.userId,
      session_handle_hash: row.sessionHandleHash, created_at: row.now, expires_at: row.expiresAt,
      authorization_expires_at: row.expiresAt, last_used_at: null, revoked_at: null,
    }).execute();
  }

  async findAccessToken(tokenHash: string): Promise<AccessTokenRow | undefined> {
    const row = await this.db.selectFrom('access_tokens')
      .select(['consumer_key', 'user_id', 'expires_at', 'revoked_at'])
      .where('token_hash', '=', tokenHash).executeTakeFirst();
    return row && {
      consumerKey: row.consumer_key, userId: row.user_id, expiresAt: Number(row.expires_at),
      revokedAt: row.revoked_at === null ? null : Number(row.revoked_at),
    };
  }

  async touchAccessToken(tokenHash: string, now: number): Promise<void> {
    await this.db.updateTable('access_tokens').set({ last_used_at: now }).where('token_hash', '=', tokenHash).execute();
  }

  async isActiveUser(userId: number): Promise<boolean> {
    const row = await this.db.selectFrom('users').select('active').where('id', '=', userId).executeTakeFirst();
    return row?.active === 1;
  }

  /**
   * Records a nonce; false when the primary key (consumer, token, timestamp, nonce) already holds it: the
   * insert is the atomic check. Now and then prunes nonces older than twice the window: a nonce made at t
   * carries a timestamp of at most t + window, which stays acceptable until t + 2 × window.
   */
  async recordNonce(entry: NonceRow, now: number): Promise<boolean> {
    const windowMs = this.windowSeconds * 1000;
    if (now - this.lastPruneAt >= windowMs || now < this.lastPruneAt) {
      this.lastPruneAt = now;
      await this.db.deleteFrom('oauth_nonces').where('created_at', '<', now - 2 * windowMs).execute();
    }
    try {
      await this.db.insertInto('oauth_nonces').values({
        consumer_key: entry.consumerKey, token: entry.tokenHash, timestamp: entry.timestamp, nonce: entry.nonce, created_at: now,
      }).execute();
      return true;
    } catch (err) {
      if (this.dialect.isUniqueViolation(err)) return false;
      throw err;
    }
  }
}
