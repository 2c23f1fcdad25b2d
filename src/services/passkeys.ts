// Passkeys (WebAuthn) as a second factor: registering one on the security page and checking one at sign-in
// or at a step-up check. The challenge of each ceremony is kept with the browser session (`sessions.ceremony`)
// and taken once: a response can be checked against it a single time, so a captured response cannot be
// replayed even for authenticators whose counter stays 0. The counter and last use are stored with a
// conditional UPDATE, so of two responses racing with the same counter value (a cloned key) only one wins.
import type { PublicKeyCredentialCreationOptionsJSON, PublicKeyCredentialRequestOptionsJSON } from '@simplewebauthn/server';
import { createHash } from 'node:crypto';
import {
  authenticationOptions, CEREMONY_TIMEOUT_MS, registrationOptions, relyingPartyOf, responseCredentialId,
  verifyAuthentication, verifyRegistration, type CeremonyProblem, type RelyingParty, type StoredCredential,
} from '../protocol/webauthn/passkey-ceremony.js';
import { Audit } from './audit.js';
import type { ServiceContext } from './context.js';
import { Sessions, type Session } from './sessions.js';
import { cleanName } from './totp.js';

/** The challenge outlives the browser's timeout a little (slow networks), never by much. */
export const CEREMONY_LIFETIME_MS = CEREMONY_TIMEOUT_MS + 30_000;

export type PasskeyProblem = CeremonyProblem | 'expired' | 'unknown_credential' | 'already_registered';
export type PasskeyResult<T> = ({ ok: true } & T) | { ok: false; problem: PasskeyProblem };

/** What the user reads for each refusal: said plainly, without the cryptography. */
export const PASSKEY_MESSAGES: Record<PasskeyProblem, string> = {
  expired: 'This passkey request expired or was already used. Try again.',
  malformed: 'Your browser sent a passkey answer Tessera cannot read. Try again, or use another method.',
  wrong_ceremony: 'Your browser answered a different passkey request. Try again.',
  challenge_mismatch: 'This passkey answer belongs to another request. Try again.',
  wrong_site: `This passkey answer was made for another site address. Open Tessera at its usual address and try again.`,
  user_not_verified: 'Your passkey did not confirm it is you (PIN, fingerprint or face). Tessera requires that: try again and unlock it.',
  bad_signature: 'The passkey signature is not valid. The sign-in was refused.',
  counter_not_increased: 'This passkey reported a use count that did not go up: it may have been copied. The sign-in was refused; remove the passkey if you did not expect this.',
  unknown_credential: 'This passkey is not registered to your account. Use another passkey or another method.',
  already_registered: 'This passkey is already registered.',
};

interface PendingCeremony {
  kind: 'registration' | 'authentication';
  challenge: string;
  userId: number;
  /** The login transaction it belongs to (null for a signed-in session): a new password login voids it. */
  loginTx: string | null;
  expiresAt: number;
}

export class PasskeyService {
  private readonly sessions: Sessions;
  private readonly audit: Audit;
  readonly rp: RelyingParty;

  constructor(private readonly ctx: ServiceContext) {
    this.sessions = new Sessions(ctx);
    this.audit = new Audit(ctx);
    this.rp = relyingPartyOf(ctx.config.baseUrl, ctx.config.serviceName);
  }

  /** Options for navigator.credentials.create(); the user's passkeys are excluded (no second copy on one key). */
  async startRegistration(session: Session, user: { id: number; username: string; displayName: string }): Promise<PublicKeyCredentialCreationOptionsJSON> {
    const options = await registrationOptions({
      rp: this.rp, userHandle: this.userHandle(user.id), userName: user.username, displayName: user.displayName,
      exclude: await this.credentials(user.id),
    });
    await this.keep(session, 'registration', options.challenge, user.id);
    return options;
  }

  async finishRegistration(session: Session, userId: number, response: unknown, name: string | undefined, ip: string | null):
    Promise<PasskeyResult<{ id: string; name: string }>> {
    const challenge = await this.take(session, 'registration', userId);
    if (!challenge) return { ok: false, problem: 'expired' };
    const result = await verifyRegistration({ rp: this.rp, expectedChallenge: challenge, response });
    if (!result.ok) return result;
    const { credential } = result;
    const stored = { id: credential.id, name: cleanName(name, 'Passkey') };
    // A credential id is the authenticator's, unique by construction: one already stored (for anyone) is refused.
    const inserted = await this.ctx.db.insertInto('webauthn_credentials').values({
      id: credential.id, user_id: userId, name: stored.name, public_key: credential.publicKey, counter: credential.counter,
      transports: JSON.stringify(credential.transports), created_at: this.ctx.clock(), last_used_at: null,
    }).onConflict((oc) => oc.column('id').doNothing()).executeTakeFirst();
    if (Number(inserted.numInsertedOrUpdatedRows ?? 0n) !== 1) return { ok: false, problem: 'already_registered' };
    await this.audit.record('second_factor.added', { actorId: userId, ip, kind: 'passkey', id: credential.id });
    return { ok: true, ...stored };
  }

  /** Options for navigator.credentials.get(): only this user's passkeys, user verification required. */
  async startAuthentication(session: Session, userId: number): Promise<PublicKeyCredentialRequestOptionsJSON> {
    const options = await authenticationOptions({ rp: this.rp, allow: await this.credentials(userId) });
    await this.keep(session, 'authentication', options.challenge, userId);
    return options;
  }

  async finishAuthentication(session: Session, userId: number, response: unknown): Promise<PasskeyResult<{ credentialId: string }>> {
    const challenge = await this.take(session, 'authentication', userId);
    if (!challenge) return { ok: false, problem: 'expired' };
    const id = responseCredentialId(response);
    if (id === undefined) return { ok: false, problem: 'malformed' };
    const row = await this.ctx.db.selectFrom('webauthn_credentials').select(['id', 'public_key', 'counter', 'transports'])
      .where('id', '=', id).where('user_id', '=', userId).executeTakeFirst();
    if (!row) return { ok: false, problem: 'unknown_credential' };
    const credential: StoredCredential = { id: row.id, publicKey: row.public_key, counter: Number(row.counter), transports: parseTransports(row.transports) };
    const result = await verifyAuthentication({ rp: this.rp, expectedChallenge: challenge, response, credential });
    if (!result.ok) return result;
    // Store the new counter only if it still advances what is stored now: a second response with the same
    // counter (a clone, or one that raced this one) finds zero rows and is refused.
    const now = this.ctx.clock();
    const n = result.newCounter;
    const updated = await this.ctx.db.updateTable('webauthn_credentials').set({ counter: n, last_used_at: now })
      .where('id', '=', id).where('user_id', '=', userId)
      .where('counter', n === 0 ? '=' : '<', n)
      .executeTakeFirst();
    if (Number(updated.numUpdatedRows) !== 1) return { ok: false, problem: 'counter_not_increased' };
    return { ok: true, credentialId: id };
  }

  private async credentials(userId: number): Promise<Pick<StoredCredential, 'id' | 'transports'>[]> {
    const rows = await this.ctx.db.selectFrom('webauthn_credentials').select(['id', 'transports']).where('user_id', '=', userId).execute();
    return rows.map((r) => ({ id: r.id, transports: parseTransports(r.transports) }));
  }

  /**
   * The WebAuthn user handle: stable per user and relying party (so one authenticator keeps one passkey per
   * account), opaque (no username or e-mail on the authenticator's list). Not a secret.
   */
  private userHandle(userId: number): Uint8Array {
    return createHash('sha256').update(`tessera-passkey-user\0${this.rp.id}\0${userId}`).digest();
  }

  private async keep(session: Session, kind: PendingCeremony['kind'], challenge: string, userId: number): Promise<void> {
    const ceremony: PendingCeremony = { kind, challenge, userId, loginTx: session.login_tx, expiresAt: this.ctx.clock() + CEREMONY_LIFETIME_MS };
    await this.sessions.setCeremony(session, JSON.stringify(ceremony));
  }

  /** The pending challenge, taken once, if it is of this kind, for this user and transaction, and not expired. */
  private async take(session: Session, kind: PendingCeremony['kind'], userId: number): Promise<string | undefined> {
    const raw = await this.sessions.takeCeremony(session);
    if (!raw) return undefined;
    let c: Partial<PendingCeremony>;
    try {
      c = JSON.parse(raw) as Partial<PendingCeremony>;
    } catch {
      return undefined;
    }
    const valid = c.kind === kind && c.userId === userId && c.loginTx === session.login_tx
      && typeof c.expiresAt === 'number' && c.expiresAt > this.ctx.clock() && typeof c.challenge === 'string';
    return valid ? c.challenge : undefined;
  }
}

function parseTransports(json: string): string[] {
  try {
    const list = JSON.parse(json) as unknown;
    return Array.isArray(list) ? list.filter((t): t is string => typeof t === 'string') : [];
  } catch {
    return [];
  }
}
