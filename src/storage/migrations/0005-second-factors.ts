// Migration 0005: the second factors beyond push (TOTP, passkeys, recovery codes), the server-wide settings
// that hold the second-factor policy, and what a browser session needs for step-up checks and WebAuthn
// ceremonies. Frozen: never import application code here, never edit after release.
import type { Kysely } from 'kysely';
import type { AutoId } from './0001-initial.js';

export async function up(db: Kysely<unknown>, autoId: AutoId): Promise<void> {
  // RFC 6238 TOTP. A secret counts once confirmed by a code; last_used_step makes each code usable once.
  await db.schema.createTable('totp_credentials')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('secret', 'text', (c) => c.notNull())
    .addColumn('confirmed_at', 'bigint')
    .addColumn('last_used_step', 'bigint')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('last_used_at', 'bigint')
    .execute();
  await db.schema.createIndex('totp_credentials_user').on('totp_credentials').column('user_id').execute();

  // WebAuthn passkeys: the credential's public key (COSE, base64url) and its signature counter.
  await db.schema.createTable('webauthn_credentials')
    .addColumn('id', 'text', (c) => c.primaryKey()) // credential id, base64url
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('public_key', 'text', (c) => c.notNull())
    .addColumn('counter', 'bigint', (c) => c.notNull())
    .addColumn('transports', 'text', (c) => c.notNull()) // JSON array
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('last_used_at', 'bigint')
    .execute();
  await db.schema.createIndex('webauthn_credentials_user').on('webauthn_credentials').column('user_id').execute();

  // Recovery codes: only their SHA-256 is kept; used_at set once, by a conditional UPDATE.
  await autoId(db.schema.createTable('recovery_codes'), 'id')
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('code_hash', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('used_at', 'bigint')
    .execute();
  await db.schema.createIndex('recovery_codes_user_hash').on('recovery_codes').columns(['user_id', 'code_hash']).execute();

  await db.schema.createTable('settings')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('value', 'text', (c) => c.notNull()) // JSON
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();

  // verified_at: the last time this session proved its user (login or step-up); changes to second factors
  // need it recent. ceremony: a pending one-time challenge (WebAuthn), consumed by a conditional UPDATE.
  await db.schema.alterTable('sessions').addColumn('verified_at', 'bigint').execute();
  await db.schema.alterTable('sessions').addColumn('ceremony', 'text').execute();
  await db.schema.alterTable('sessions').addColumn('factor_failures', 'integer', (c) => c.notNull().defaultTo(0)).execute();
  await db.schema.createIndex('sessions_user').on('sessions').column('user_id').execute();
  await db.schema.createIndex('push_challenges_login_tx').on('push_challenges').columns(['user_id', 'login_tx']).execute();
}
