// Push approval: enrolment of authenticators, challenges bound to one login transaction, and the device's
// answer. Rules kept here: one pending challenge per user (a new one suspends the older), the symbol must
// match (a wrong pick denies), the first decision wins (conditional UPDATE on state = 'pending'), a device can
// only answer its own user's challenges, and an approval is consumed once, by the login transaction that
// created it. "This wasn't me" (report) denies the challenge, blocks that login attempt and is audited.
import { randomInt } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { AppError } from '../errors/app-error.js';
import { chooseChallengeSymbols } from '../protocol/push/symbols.js';
import {
  canonicalDeviceRequest, normalizeDevicePublicKey, parseDeviceAuthorization, verifyDeviceSignature,
} from '../protocol/push/device-signature.js';
import { Audit } from './audit.js';
import type { ServiceContext } from './context.js';
import { constantTimeEqual, randomAlphanumeric, sha256Hex } from './secrets.js';

export const ENROLLMENT_LIFETIME_MS = 10 * 60 * 1000;
/** Push flooding: at most config.pushRateLimit challenges per user inside this window (a stolen password cannot spam). */
export const PUSH_LIMIT_WINDOW_MS = 10 * 60 * 1000;
const DEVICE_CLOCK_SKEW_S = 120;

export type ChallengeState = 'pending' | 'approved' | 'denied' | 'reported' | 'suspended' | 'used' | 'expired';
export type DeviceDecision = 'approve' | 'deny' | 'report';

export interface PendingChallenge {
  id: string;
  service: string;
  application: string | null;
  ip: string;
  time: string; // ISO 8601
  expiresAt: string;
  candidates: string[];
}

export interface Device {
  id: string;
  userId: number;
  name: string;
}

export class PushService {
  /**
   * Wakes waiters in this process at once: `decided:<challenge id>` for login pages, `challenge:<user id>` for
   * authenticators listening for new challenges. Other processes notice on their next poll of the database.
   */
  readonly events = new EventEmitter();
  private readonly audit: Audit;

  constructor(private readonly ctx: ServiceContext) {
    this.events.setMaxListeners(0);
    this.audit = new Audit(ctx);
  }

  // ---- enrolment ---------------------------------------------------------------------------------------

  /** A one-time enrolment code (10 minutes). Only its hash is stored. */
  async createEnrollmentCode(userId: number): Promise<string> {
    const code = randomAlphanumeric(32);
    const now = this.ctx.clock();
    await this.ctx.db.insertInto('enrollment_codes').values({
      code_hash: sha256Hex(code), user_id: userId, created_at: now, expires_at: now + ENROLLMENT_LIFETIME_MS, used_at: null,
    }).execute();
    return code;
  }

  enrollmentUri(code: string): string {
    return `${this.ctx.config.baseUrl}/authenticator/enroll#code=${code}`;
  }

  /** Consumes the code atomically and registers the device's public key. */
  async enroll(code: string, publicKey: string, name: string): Promise<{ device: Device; username: string }> {
    const spki = normalizeDevicePublicKey(publicKey);
    if (!spki) throw new AppError('bad_request', 'public_key_invalid', 'The public key must be an ECDSA P-256 key in SPKI form, base64-encoded.');
    const cleanName = name.trim().slice(0, 80) || 'Authenticator';
    const now = this.ctx.clock();
    return this.ctx.db.transaction().execute(async (trx) => {
      const used = await trx.updateTable('enrollment_codes').set({ used_at: now })
        .where('code_hash', '=', sha256Hex(code)).where('used_at', 'is', null).where('expires_at', '>', now)
        .returning('user_id').executeTakeFirst();
      if (!used) throw new AppError('bad_request', 'enrollment_code_invalid', 'This enrolment link is unknown, expired or already used. Ask for a new one.');
      const user = await trx.selectFrom('users').select(['id', 'username']).where('id', '=', used.user_id).executeTakeFirstOrThrow();
      const id = randomAlphanumeric(24);
      await trx.insertInto('authenticators').values({
        id, user_id: user.id, name: cleanName, public_key: spki, created_at: now, last_used_at: null,
      }).execute();
      return { device: { id, userId: user.id, name: cleanName }, username: user.username };
    });
  }

  /**
   * The device that signed this request, or an error that does not say which check failed
   * (unknown device, bad signature and stale timestamp look the same).
   */
  async authenticateDevice(req: { method: string; pathAndQuery: string; authorization: string | undefined; body: string }): Promise<Device> {
    const auth = parseDeviceAuthorization(req.authorization);
    const refused = new AppError('unauthenticated', 'device_unauthenticated', 'The authenticator request is not signed by an enrolled device.');
    if (!auth) throw refused;
    const row = await this.ctx.db.selectFrom('authenticators').select(['id', 'user_id', 'name', 'public_key'])
      .where('id', '=', auth.deviceId).executeTakeFirst();
    const canonical = canonicalDeviceRequest(req.method, req.pathAndQuery, auth.timestamp, auth.nonce, req.body);
    // Verify even for an unknown device (against a throwaway key), so timing does not reveal device ids.
    const signatureOk = verifyDeviceSignature(row?.public_key ?? UNKNOWN_DEVICE_KEY, canonical, auth.signature);
    const fresh = Math.abs(this.ctx.clock() / 1000 - auth.timestamp) <= DEVICE_CLOCK_SKEW_S;
    if (!row || !signatureOk || !fresh) throw refused;
    return { id: row.id, userId: row.user_id, name: row.name };
  }

  // ---- challenges ---------------------------------------------------------------------------------------

  async createChallenge(input: { userId: number; loginTx: string; service: string; application: string | null; ip: string }): Promise<{ id: string; symbol: string }> {
    const now = this.ctx.clock();
    const { symbol, candidates } = chooseChallengeSymbols(randomInt);
    const id = randomAlphanumeric(24);
    await this.ctx.db.transaction().execute(async (trx) => {
      const recent = await trx.selectFrom('push_challenges').select((eb) => eb.fn.countAll<number>().as('n'))
        .where('user_id', '=', input.userId).where('created_at', '>', now - PUSH_LIMIT_WINDOW_MS).executeTakeFirstOrThrow();
      if (Number(recent.n) >= this.ctx.config.pushRateLimit) {
        throw new AppError('too_many_requests', 'push_rate_limited',
          `Too many sign-in requests were sent to this account's authenticator. Wait a few minutes, then try again.`);
      }
      // One pending challenge per user: a newer login suspends the older one.
      await trx.updateTable('push_challenges').set({ state: 'suspended', decided_at: now })
        .where('user_id', '=', input.userId).where('state', '=', 'pending').execute();
      await trx.insertInto('push_challenges').values({
        id, user_id: input.userId, login_tx: input.loginTx, service: input.service, application: input.application,
        ip: input.ip, symbol, candidates: JSON.stringify(candidates), state: 'pending', created_at: now,
        expires_at: now + this.ctx.config.pushChallengeLifetimeSeconds * 1000, decided_at: null, decided_by: null,
      }).execute();
    });
    this.events.emit(`challenge:${input.userId}`, id);
    return { id, symbol };
  }

  /** The challenge of this login transaction, with its effective state (pending past its expiry is expired). */
  async challengeFor(userId: number, loginTx: string): Promise<{ id: string; symbol: string; application: string | null; state: ChallengeState; expiresAt: number } | undefined> {
    const row = await this.ctx.db.selectFrom('push_challenges').select(['id', 'symbol', 'application', 'state', 'expires_at'])
      .where('user_id', '=', userId).where('login_tx', '=', loginTx).orderBy('created_at', 'desc').executeTakeFirst();
    if (!row) return undefined;
    const state: ChallengeState = row.state === 'pending' && row.expires_at <= this.ctx.clock() ? 'expired' : row.state;
    return { id: row.id, symbol: row.symbol, application: row.application, state, expiresAt: row.expires_at };
  }

  async pendingFor(device: Device): Promise<PendingChallenge[]> {
    const rows = await this.ctx.db.selectFrom('push_challenges').selectAll()
      .where('user_id', '=', device.userId).where('state', '=', 'pending').where('expires_at', '>', this.ctx.clock())
      .orderBy('created_at', 'desc').execute();
    return rows.map((r) => ({
      id: r.id, service: r.service, application: r.application, ip: r.ip,
      time: new Date(r.created_at).toISOString(), expiresAt: new Date(r.expires_at).toISOString(),
      candidates: JSON.parse(r.candidates) as string[],
    }));
  }

  /**
   * A device's answer. Approve counts only with the right symbol; a wrong symbol denies the challenge.
   * Returns the resulting state; 'not_pending' when someone (or something) decided first or it expired.
   */
  async answer(device: Device, challengeId: string, decision: DeviceDecision, symbol: string | undefined): Promise<'approved' | 'denied' | 'wrong_symbol' | 'reported'> {
    const now = this.ctx.clock();
    const row = await this.ctx.db.selectFrom('push_challenges').select(['id', 'user_id', 'symbol', 'state', 'expires_at', 'ip', 'application'])
      .where('id', '=', challengeId).executeTakeFirst();
    // Another user's challenge looks exactly like an unknown one.
    if (!row || row.user_id !== device.userId) {
      throw new AppError('not_found', 'challenge_unknown', 'No such challenge for this authenticator.');
    }
    const symbolOk = decision === 'approve' && symbol !== undefined && constantTimeEqual(symbol, row.symbol);
    const newState = symbolOk ? 'approved' : decision === 'report' ? 'reported' : 'denied';
    const result = await this.ctx.db.updateTable('push_challenges')
      .set({ state: newState, decided_at: now, decided_by: device.id })
      .where('id', '=', row.id).where('state', '=', 'pending').where('expires_at', '>', now)
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) !== 1) {
      throw new AppError('conflict', 'challenge_not_pending', 'This challenge was already answered, was replaced by a newer sign-in, or has expired.');
    }
    await this.ctx.db.updateTable('authenticators').set({ last_used_at: now }).where('id', '=', device.id).execute();
    const outcome = symbolOk ? 'approved' : decision === 'approve' ? 'wrong_symbol' : newState === 'reported' ? 'reported' : 'denied';
    // A report names where the unwanted sign-in came from, for whoever reads the audit log.
    await this.audit.record(`push.${outcome}`, {
      actorId: device.userId, challenge: row.id, device: device.id,
      ...(outcome === 'reported' ? { loginIp: row.ip, application: row.application } : {}),
    });
    this.events.emit(`decided:${row.id}`, newState);
    return outcome;
  }

  /** Consumes an approval, once, for the login transaction that created it. */
  async consumeApproval(userId: number, loginTx: string, challengeId: string): Promise<boolean> {
    const result = await this.ctx.db.updateTable('push_challenges').set({ state: 'used' })
      .where('id', '=', challengeId).where('user_id', '=', userId).where('login_tx', '=', loginTx)
      .where('state', '=', 'approved').executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  async listDevices(userId: number): Promise<Device[]> {
    const rows = await this.ctx.db.selectFrom('authenticators').select(['id', 'user_id', 'name'])
      .where('user_id', '=', userId).orderBy('created_at').execute();
    return rows.map((r) => ({ id: r.id, userId: r.user_id, name: r.name }));
  }
}

// A valid P-256 public key whose private half was discarded when it was generated for this purpose.
const UNKNOWN_DEVICE_KEY =
  'MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEmjMD2KONpSlyB0O0V+Yu931JuVFgqMJqtKLsZm5MMQvdRjML33GSgsGtQ0Z0e+p49vSMHoJ8APMlrtKnI+qLkQ==';
