// Recovery codes: ten one-time codes for when the phone is gone. Shown once when made, stored only as SHA-256
// (each has 80 random bits, so a leaked table cannot be brute-forced back), each usable once: the conditional
// UPDATE … WHERE used_at IS NULL lets exactly one of many parallel requests with the same code through.
import { randomInt } from 'node:crypto';
import { Audit } from './audit.js';
import type { ServiceContext } from './context.js';
import { sha256Hex } from './secrets.js';

export const RECOVERY_CODE_COUNT = 10;
// 32 symbols without 0/o, 1/l/i: 16 of them carry 80 bits. Shown as four groups of four.
const ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';
const GROUPS = 4;
const GROUP_LENGTH = 4;

export function newRecoveryCode(): string {
  const groups: string[] = [];
  for (let g = 0; g < GROUPS; g++) {
    let s = '';
    for (let i = 0; i < GROUP_LENGTH; i++) s += ALPHABET[randomInt(ALPHABET.length)];
    groups.push(s);
  }
  return groups.join('-');
}

/** What a person typed, as it was hashed: lower case, without spaces or dashes. */
export function normaliseRecoveryCode(typed: string): string {
  return typed.toLowerCase().replace(/[\s-]+/g, '');
}

export class RecoveryCodes {
  private readonly audit: Audit;

  constructor(private readonly ctx: ServiceContext) {
    this.audit = new Audit(ctx);
  }

  /** A new set of codes; the old set stops working in the same transaction. Returns the codes, once. */
  async regenerate(userId: number, ip: string | null): Promise<string[]> {
    const now = this.ctx.clock();
    const codes = Array.from({ length: RECOVERY_CODE_COUNT }, newRecoveryCode);
    await this.ctx.db.transaction().execute(async (trx) => {
      await trx.deleteFrom('recovery_codes').where('user_id', '=', userId).execute();
      await trx.insertInto('recovery_codes').values(codes.map((code) => ({
        user_id: userId, code_hash: sha256Hex(normaliseRecoveryCode(code)), created_at: now, used_at: null,
      }))).execute();
    });
    await this.audit.record('second_factor.recovery_codes_generated', { actorId: userId, ip });
    return codes;
  }

  /** Uses a code, once. A lookup by hash: the typed code is never compared character by character. */
  async consume(userId: number, typed: string): Promise<boolean> {
    const normalised = normaliseRecoveryCode(typed);
    if (normalised.length !== GROUPS * GROUP_LENGTH) return false;
    const result = await this.ctx.db.updateTable('recovery_codes').set({ used_at: this.ctx.clock() })
      .where('user_id', '=', userId).where('code_hash', '=', sha256Hex(normalised)).where('used_at', 'is', null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  async remaining(userId: number): Promise<number> {
    const row = await this.ctx.db.selectFrom('recovery_codes').select((eb) => eb.fn.countAll<number>().as('n'))
      .where('user_id', '=', userId).where('used_at', 'is', null).executeTakeFirstOrThrow();
    return Number(row.n);
  }
}
