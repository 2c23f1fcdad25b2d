// Browser sessions. The cookie holds a random id; the table holds only its SHA-256. Every session carries its
// own CSRF token. Login moves a session anonymous → second_factor → authenticated, and completing a login
// always issues a new id (no session fixation).
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
      created_at: now, expires_at: now + this.lifetimeMs(),
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

  /** Password accepted, second factor pending: the session is bound to this login transaction only. */
  async awaitSecondFactor(session: Session, userId: number, loginTx: string): Promise<void> {
    await this.ctx.db.updateTable('sessions').set({ state: 'second_factor', user_id: userId, login_tx: loginTx })
      .where('id_hash', '=', session.id_hash).execute();
  }

  /** Ends the old session and starts an authenticated one under a new id. */
  async completeLogin(old: Session | undefined, userId: number): Promise<Session> {
    if (old) await this.destroy(old);
    return this.start('authenticated', userId);
  }

  async reset(session: Session): Promise<void> {
    await this.ctx.db.updateTable('sessions').set({ state: 'anonymous', user_id: null, login_tx: null })
      .where('id_hash', '=', session.id_hash).execute();
  }

  async destroy(session: Session): Promise<void> {
    await this.ctx.db.deleteFrom('sessions').where('id_hash', '=', session.id_hash).execute();
  }

  async pruneExpired(): Promise<void> {
    await this.ctx.db.deleteFrom('sessions').where('expires_at', '<=', this.ctx.clock()).execute();
  }
}
