// TOTP as a second factor: enrolment (a secret shown once as a QR code and key URI, counting only once a
// code confirms it), and the check at sign-in, where each 30 s step's code works once. The step is stored
// with a conditional UPDATE, so two requests racing with the same code cannot both pass.
import { checkTotp, newTotpSecret, totpKeyUri } from '../protocol/otp/totp.js';
import { Audit } from './audit.js';
import type { ServiceContext } from './context.js';
import { randomAlphanumeric } from './secrets.js';

/** An unconfirmed secret is thrown away after this long. */
export const TOTP_ENROLMENT_LIFETIME_MS = 15 * 60 * 1000;

export type TotpProblem = 'malformed' | 'wrong' | 'reused';
export type TotpResult = { ok: true } | { ok: false; problem: TotpProblem };

export const TOTP_MESSAGES: Record<TotpProblem, string> = {
  malformed: 'Enter the 6-digit code your authenticator app shows.',
  wrong: 'That code is not right. Check the time on your phone and try the current code.',
  reused: 'That code was already used. Wait for the next one.',
};

export class TotpService {
  private readonly audit: Audit;

  constructor(private readonly ctx: ServiceContext) {
    this.audit = new Audit(ctx);
  }

  /** Starts an enrolment: a new secret, not yet a factor. Older unconfirmed secrets of the user go. */
  async begin(userId: number, username: string, name: string): Promise<{ id: string; secret: string; uri: string }> {
    const now = this.ctx.clock();
    const id = randomAlphanumeric(24);
    const secret = newTotpSecret();
    await this.ctx.db.transaction().execute(async (trx) => {
      await trx.deleteFrom('totp_credentials').where('user_id', '=', userId).where('confirmed_at', 'is', null).execute();
      await trx.insertInto('totp_credentials').values({
        id, user_id: userId, name: cleanName(name, 'Authenticator app'), secret, confirmed_at: null, last_used_step: null,
        created_at: now, last_used_at: null,
      }).execute();
    });
    return { id, secret, uri: totpKeyUri({ issuer: this.ctx.config.serviceName, account: username, secretBase32: secret }) };
  }

  /** The pending enrolment, to show its QR code again (after a wrong confirmation code). */
  async pending(userId: number, id: string, username: string): Promise<{ id: string; secret: string; uri: string } | undefined> {
    const row = await this.ctx.db.selectFrom('totp_credentials').select(['id', 'secret'])
      .where('id', '=', id).where('user_id', '=', userId).where('confirmed_at', 'is', null)
      .where('created_at', '>', this.ctx.clock() - TOTP_ENROLMENT_LIFETIME_MS).executeTakeFirst();
    if (!row) return undefined;
    return { id: row.id, secret: row.secret, uri: totpKeyUri({ issuer: this.ctx.config.serviceName, account: username, secretBase32: row.secret }) };
  }

  /** Confirms an enrolment with a code from the app; from then on it is a factor. */
  async confirm(userId: number, id: string, code: string, name: string | undefined, ip: string | null): Promise<TotpResult | { ok: false; problem: 'expired' }> {
    const now = this.ctx.clock();
    const row = await this.ctx.db.selectFrom('totp_credentials').select(['id', 'secret', 'last_used_step'])
      .where('id', '=', id).where('user_id', '=', userId).where('confirmed_at', 'is', null)
      .where('created_at', '>', now - TOTP_ENROLMENT_LIFETIME_MS).executeTakeFirst();
    if (!row) return { ok: false, problem: 'expired' };
    const check = checkTotp({ secretBase32: row.secret, code, nowMs: now, lastUsedStep: row.last_used_step });
    if (!check.ok) return check;
    const result = await this.ctx.db.updateTable('totp_credentials')
      .set({ confirmed_at: now, last_used_step: check.step, last_used_at: now, name: cleanName(name, 'Authenticator app') })
      .where('id', '=', id).where('confirmed_at', 'is', null).executeTakeFirst();
    if (Number(result.numUpdatedRows) !== 1) return { ok: false, problem: 'expired' };
    await this.audit.record('second_factor.added', { actorId: userId, ip, kind: 'totp', id });
    return { ok: true };
  }

  /** Checks a sign-in code against every confirmed secret of the user (all of them, no early exit). */
  async verify(userId: number, code: string): Promise<TotpResult> {
    const now = this.ctx.clock();
    const rows = await this.ctx.db.selectFrom('totp_credentials').select(['id', 'secret', 'last_used_step'])
      .where('user_id', '=', userId).where('confirmed_at', 'is not', null).execute();
    const checks = rows.map((row) => ({ row, check: checkTotp({ secretBase32: row.secret, code, nowMs: now, lastUsedStep: row.last_used_step }) }));
    const hit = checks.find((c) => c.check.ok);
    if (!hit || !hit.check.ok) {
      const reused = checks.some((c) => !c.check.ok && c.check.problem === 'reused');
      const malformed = checks.length === 0 || checks.every((c) => !c.check.ok && c.check.problem === 'malformed');
      return { ok: false, problem: reused ? 'reused' : malformed ? 'malformed' : 'wrong' };
    }
    const step = hit.check.step;
    // Consume the step atomically: of two requests with one code, only one moves last_used_step.
    const result = await this.ctx.db.updateTable('totp_credentials').set({ last_used_step: step, last_used_at: now })
      .where('id', '=', hit.row.id)
      .where((eb) => eb.or([eb('last_used_step', 'is', null), eb('last_used_step', '<', step)]))
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1 ? { ok: true } : { ok: false, problem: 'reused' };
  }
}

export function cleanName(name: string | undefined, fallback: string): string {
  return (name ?? '').replace(/[\u0000-\u001f\u007f]/g, '').trim().slice(0, 80) || fallback;
}
