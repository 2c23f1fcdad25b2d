// What second factors a user has, listed for the login page ("use another method") and the security page,
// and removed one by one or all at once (an administrator's reset for a lost phone). Recovery codes are a
// backup for the other factors, never a factor on their own: removing the last real factor removes them too.
import type { Db } from '../storage/schema.js';
import { Audit } from './audit.js';
import type { ServiceContext } from './context.js';

/** In the order login offers them: push first, as the product's default. */
export const FACTOR_KINDS = ['push', 'passkey', 'totp', 'recovery'] as const;
export type FactorKind = (typeof FACTOR_KINDS)[number];

export interface FactorItem {
  id: string;
  name: string;
  createdAt: number;
  lastUsedAt: number | null;
}

export interface FactorSummary {
  authenticators: FactorItem[];
  totp: FactorItem[];
  passkeys: FactorItem[];
  recoveryCodesLeft: number;
  recoveryCodesCreatedAt: number | null;
}

/** The login_failures key that counts a user's TOTP and recovery-code guesses ('#' is never in a username). */
export const secondFactorAttemptKey = (userId: number) => `#second-factor:${userId}`;

/** The kinds a user can sign in with, in FACTOR_KINDS order. An unconfirmed TOTP secret does not count. */
export async function secondFactorKinds(db: Db, userId: number): Promise<FactorKind[]> {
  // One statement of four EXISTS probes: Basic auth asks this on every request.
  const row = await db.selectNoFrom((eb) => [
    eb.exists(eb.selectFrom('authenticators').select('id').where('user_id', '=', userId)).as('push'),
    eb.exists(eb.selectFrom('webauthn_credentials').select('id').where('user_id', '=', userId)).as('passkey'),
    eb.exists(eb.selectFrom('totp_credentials').select('id').where('user_id', '=', userId).where('confirmed_at', 'is not', null)).as('totp'),
    eb.exists(eb.selectFrom('recovery_codes').select('id').where('user_id', '=', userId).where('used_at', 'is', null)).as('recovery'),
  ]).executeTakeFirstOrThrow();
  const kinds: FactorKind[] = [];
  if (Number(row.push)) kinds.push('push');
  if (Number(row.passkey)) kinds.push('passkey');
  if (Number(row.totp)) kinds.push('totp');
  // Recovery codes only count beside a real factor (removing the last one deletes them).
  if (Number(row.recovery) && kinds.length > 0) kinds.push('recovery');
  return kinds;
}

const item = (r: { id: string; name: string; created_at: number; last_used_at: number | null }): FactorItem =>
  ({ id: r.id, name: r.name, createdAt: r.created_at, lastUsedAt: r.last_used_at });

export type RemovableFactor = 'authenticator' | 'totp' | 'passkey';
const TABLE_OF = { authenticator: 'authenticators', totp: 'totp_credentials', passkey: 'webauthn_credentials' } as const;

export class SecondFactors {
  private readonly audit: Audit;

  constructor(private readonly ctx: ServiceContext) {
    this.audit = new Audit(ctx);
  }

  kinds(userId: number): Promise<FactorKind[]> {
    return secondFactorKinds(this.ctx.db, userId);
  }

  async summary(userId: number): Promise<FactorSummary> {
    const db = this.ctx.db;
    const [authenticators, totp, passkeys, codes] = await Promise.all([
      db.selectFrom('authenticators').select(['id', 'name', 'created_at', 'last_used_at']).where('user_id', '=', userId).orderBy('created_at').execute(),
      db.selectFrom('totp_credentials').select(['id', 'name', 'created_at', 'last_used_at'])
        .where('user_id', '=', userId).where('confirmed_at', 'is not', null).orderBy('created_at').execute(),
      db.selectFrom('webauthn_credentials').select(['id', 'name', 'created_at', 'last_used_at']).where('user_id', '=', userId).orderBy('created_at').execute(),
      db.selectFrom('recovery_codes').select(['created_at', 'used_at']).where('user_id', '=', userId).execute(),
    ]);
    return {
      authenticators: authenticators.map(item), totp: totp.map(item), passkeys: passkeys.map(item),
      recoveryCodesLeft: codes.filter((c) => c.used_at === null).length,
      recoveryCodesCreatedAt: codes.length > 0 ? Math.max(...codes.map((c) => c.created_at)) : null,
    };
  }

  /** Removes one of the user's own factors; false when it is not theirs (or gone). */
  async remove(userId: number, kind: RemovableFactor, id: string, ip: string | null): Promise<boolean> {
    const removed = await this.ctx.db.transaction().execute(async (trx) => {
      const result = await trx.deleteFrom(TABLE_OF[kind]).where('id', '=', id).where('user_id', '=', userId).executeTakeFirst();
      if (Number(result.numDeletedRows) !== 1) return false;
      // A removed device's word no longer counts: its pending pushes end, and an approval it gave that no
      // login has used yet cannot be used now.
      if (kind === 'authenticator') {
        await suspendPending(trx, userId, this.ctx.clock());
        await trx.updateTable('push_challenges').set({ state: 'suspended' })
          .where('user_id', '=', userId).where('state', '=', 'approved').where('decided_by', '=', id).execute();
      }
      const left = await secondFactorKinds(trx, userId);
      if (left.filter((k) => k !== 'recovery').length === 0) await trx.deleteFrom('recovery_codes').where('user_id', '=', userId).execute();
      return true;
    });
    if (removed) await this.audit.record(`second_factor.removed`, { actorId: userId, ip, kind, id });
    return removed;
  }

  /**
   * An administrator's reset (lost phone): every factor and recovery code goes, pending and unused approved
   * pushes end, and the user's sessions end, so whoever holds the old phone or a signed-in browser starts from
   * the password again. OAuth tokens the user granted stay: they were granted by the user, not by the phone.
   */
  async resetAll(userId: number, by: { actorId: number | null; via: string }): Promise<{ removed: Record<string, number> }> {
    const removed = await this.ctx.db.transaction().execute(async (trx) => {
      const counts: Record<string, number> = {};
      for (const table of ['authenticators', 'totp_credentials', 'webauthn_credentials', 'recovery_codes'] as const) {
        const r = await trx.deleteFrom(table).where('user_id', '=', userId).executeTakeFirst();
        counts[table] = Number(r.numDeletedRows);
      }
      await suspendPending(trx, userId, this.ctx.clock());
      await trx.updateTable('push_challenges').set({ state: 'suspended' }).where('user_id', '=', userId).where('state', '=', 'approved').execute();
      // A fresh start for the code-guessing limit too, so the user is not locked out of their new factor.
      await trx.deleteFrom('login_failures').where('username_lower', '=', secondFactorAttemptKey(userId)).execute();
      await trx.deleteFrom('enrollment_codes').where('user_id', '=', userId).where('used_at', 'is', null).execute();
      await trx.deleteFrom('sessions').where('user_id', '=', userId).execute();
      return counts;
    });
    await this.audit.record('second_factor.reset', { actorId: by.actorId, user: userId, via: by.via, removed });
    return { removed };
  }
}

async function suspendPending(db: Db, userId: number, now: number): Promise<void> {
  await db.updateTable('push_challenges').set({ state: 'suspended', decided_at: now })
    .where('user_id', '=', userId).where('state', '=', 'pending').execute();
}
