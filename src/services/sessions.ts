// Browser sessions. The cookie holds a random id; the table holds only its SHA-256. Every session carries its
// own CSRF token. Login moves a session anonymous → second_factor → authenticated (or → enrolment_required
// when the policy demands a factor the user lacks), and completing a login always issues a new id (no session
// fixation). `verified_at` records when the session last proved its user, for step-up checks.
import type { Selectable } from 'kysely';
import type { SessionsTable } from '../storage/schema.js';
import type { ServiceContext } from './context.js';
import { randomAlphanumeric, sha256Hex } from './secrets.js';

export type Session = Selectable<SessionsTable> & { cookie: string };

export class Sessions {
  constructor(private readonly ctx: ServiceContext) {}

  private lifetimeMs(): number {
    return this.ctx.config.sessionLifetimeSeconds * 1000;
  }

  async start(state: Session['state'] = 'anonymous', userId: number | null = null, loginTx: string | null = null): Promise<Session> {
    const cookie = randomAlphanumeric(43);
    const now = this.ctx.clock();
    const row = {
      id_hash: sha256Hex(cookie), csrf_token: randomAlphanumeric(32), state, user_id: userId, login_tx: loginTx,
      // A session that passed only the password has proved nothing yet: it is never fresh.
      created_at: now, expires_at: now + this.lifetimeMs(), verified_at: state === 'anonymous' || state === 'second_factor' ? null : now,
      ceremony: null, factor_failures: 0,
    };
    await this.ctx.db.insertInto('sessions').values(row).execute();
    return { ...row, cookie };
  }

  async load(cookie: string | undefined): Promise<Session | undefined> {
    if (!cookie || cookie.length > 100) return undefined;
    const row = await this.ctx.db.selectFrom('sessions').selectAll()
      .where('id_hash', '=', sha256Hex(cookie)).where('expires_at', '>', this.ctx.clock()).executeTakeFirst();
    return row ? { ...row, cookie } : undefined;
  }

  /**
   * The login goes on in a new transaction (another push), or an enrolment-only session, whose user has a
   * factor by now, moves on to signing in with it: the session is bound to this login transaction only. The
   * wrong answers given so far still count (a new push does not buy five more guesses), and a session that
   * was reset meanwhile (five wrong answers) or belongs to someone else now is never brought back.
   */
  async awaitSecondFactor(session: Session, userId: number, loginTx: string): Promise<void> {
    await this.ctx.db.updateTable('sessions').set({ state: 'second_factor', login_tx: loginTx, ceremony: null })
      .where('id_hash', '=', session.id_hash).where('user_id', '=', userId).where('state', 'in', ['second_factor', 'enrolment_required'])
      .execute();
  }

  /**
   * Password accepted, second factor pending, from the login form: a new session id bound to this login
   * transaction. A cookie planted in the browser before the password (session fixation) is not the one that
   * waits for the second factor, so it cannot take over the approval or the code the user gives. The CSRF
   * token is new too: whoever planted the cookie knew the old one.
   */
  async beginSecondFactor(old: Session | undefined, userId: number, loginTx: string): Promise<Session> {
    if (old) await this.destroy(old);
    return this.start('second_factor', userId, loginTx);
  }

  /**
   * Password accepted, but the policy requires a second factor the user does not have: a new session id that
   * reaches only the enrolment pages. The password check just now counts as fresh for enrolling.
   */
  async requireEnrolment(old: Session | undefined, userId: number): Promise<Session> {
    if (old) await this.destroy(old);
    return this.start('enrolment_required', userId);
  }

  /** Ends the old session and starts an authenticated one under a new id. */
  async completeLogin(old: Session | undefined, userId: number): Promise<Session> {
    if (old) await this.destroy(old);
    return this.start('authenticated', userId);
  }

  /**
   * A step-up check of a signed-in session begins (or sends another push): the push challenge must belong to
   * this transaction. The wrong answers given so far still count (a push does not buy five more guesses), and
   * a session that was signed out or moved on meanwhile is left as it is.
   */
  async beginStepUp(session: Session, loginTx: string): Promise<void> {
    await this.ctx.db.updateTable('sessions').set({ login_tx: loginTx, ceremony: null })
      .where('id_hash', '=', session.id_hash).where('state', '=', 'authenticated').where('user_id', '=', session.user_id ?? -1)
      .execute();
  }

  /** A step-up check failed (denied, expired): the session stays signed in, not fresh. */
  async endStepUp(session: Session): Promise<void> {
    await this.ctx.db.updateTable('sessions').set({ login_tx: null, ceremony: null }).where('id_hash', '=', session.id_hash).execute();
  }

  /** A step-up check passed: the session is fresh again. */
  async markVerified(session: Session): Promise<void> {
    await this.ctx.db.updateTable('sessions').set({ verified_at: this.ctx.clock(), login_tx: null, factor_failures: 0, ceremony: null })
      .where('id_hash', '=', session.id_hash).execute();
  }

  /** Whether the session proved its user within the step-up window. */
  isFresh(session: Session): boolean {
    return session.verified_at !== null && session.verified_at > this.ctx.clock() - this.ctx.config.reauthWindowSeconds * 1000;
  }

  /** Counts a wrong second-factor answer in this transaction; returns how many there have been. */
  async countFactorFailure(session: Session): Promise<number> {
    const row = await this.ctx.db.updateTable('sessions').set((eb) => ({ factor_failures: eb('factor_failures', '+', 1) }))
      .where('id_hash', '=', session.id_hash).returning('factor_failures').executeTakeFirst();
    return row?.factor_failures ?? Number.MAX_SAFE_INTEGER;
  }

  /** Keeps a one-time ceremony value (a WebAuthn challenge) with the session, replacing any earlier one. */
  async setCeremony(session: Session, value: string): Promise<void> {
    await this.ctx.db.updateTable('sessions').set({ ceremony: value }).where('id_hash', '=', session.id_hash).execute();
  }

  /** Takes the ceremony value, once: of two requests racing for it, only one gets it. */
  async takeCeremony(session: Session): Promise<string | undefined> {
    const row = await this.ctx.db.selectFrom('sessions').select('ceremony').where('id_hash', '=', session.id_hash).executeTakeFirst();
    if (!row?.ceremony) return undefined;
    const taken = await this.ctx.db.updateTable('sessions').set({ ceremony: null })
      .where('id_hash', '=', session.id_hash).where('ceremony', '=', row.ceremony).executeTakeFirst();
    return Number(taken.numUpdatedRows) === 1 ? row.ceremony : undefined;
  }

  async reset(session: Session): Promise<void> {
    await this.ctx.db.updateTable('sessions').set({ state: 'anonymous', user_id: null, login_tx: null, verified_at: null, ceremony: null, factor_failures: 0 })
      .where('id_hash', '=', session.id_hash).execute();
  }

  async destroy(session: Session): Promise<void> {
    await this.ctx.db.deleteFrom('sessions').where('id_hash', '=', session.id_hash).execute();
  }

  async pruneExpired(): Promise<void> {
    await this.ctx.db.deleteFrom('sessions').where('expires_at', '<=', this.ctx.clock()).execute();
  }
}
