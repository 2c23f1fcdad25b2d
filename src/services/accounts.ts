// User accounts: creation, lookup, and the password check that never tells which usernames exist.
import { randomBytes } from 'node:crypto';
import { AppError } from '../errors/app-error.js';
import type { UsersTable } from '../storage/schema.js';
import type { Selectable } from 'kysely';
import type { ServiceContext } from './context.js';
import { secondFactorAttemptKey, secondFactorKinds } from './second-factors.js';
import { dummyPasswordHash, hashPassword, MIN_PASSWORD_LENGTH, verifyPassword } from './passwords.js';

export type User = Selectable<UsersTable>;

export interface NewUser {
  username: string;
  password: string;
  displayName?: string | undefined;
  email?: string | undefined;
  isAdmin?: boolean | undefined;
}

const USERNAME = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$/;

/** Password guessing: after this many failures for one username inside the window, refuse until it ends. */
export const LOGIN_FAILURE_LIMIT = 10;
export const LOGIN_FAILURE_WINDOW_MS = 15 * 60 * 1000;

export type PasswordCheck =
  | { ok: true; user: User }
  | { ok: false; locked: false }
  | { ok: false; locked: true; retryAfterSeconds: number };

export class Accounts {
  constructor(private readonly ctx: ServiceContext) {}

  async create(input: NewUser): Promise<User> {
    if (!USERNAME.test(input.username)) {
      throw new AppError('bad_request', 'username_invalid',
        'A username is 1 to 64 letters, digits, ".", "_", "@" or "-", starting with a letter or digit.', { username: 'invalid' });
    }
    if (input.password.length < MIN_PASSWORD_LENGTH) {
      throw new AppError('bad_request', 'password_too_short', `A password needs at least ${MIN_PASSWORD_LENGTH} characters.`, { password: 'too short' });
    }
    const passwordHash = await hashPassword(input.password);
    try {
      return await this.ctx.db.insertInto('users').values({
        username: input.username,
        username_lower: input.username.toLowerCase(),
        display_name: input.displayName?.trim() || input.username,
        email: input.email?.trim() ?? '',
        password_hash: passwordHash,
        is_admin: input.isAdmin ? 1 : 0,
        active: 1,
        created_at: this.ctx.clock(),
      }).returningAll().executeTakeFirstOrThrow();
    } catch (err) {
      if (this.ctx.dialect.isUniqueViolation(err)) {
        throw new AppError('conflict', 'username_taken', `A user named "${input.username}" already exists.`, { username: 'taken' });
      }
      throw err;
    }
  }

  async count(): Promise<number> {
    const row = await this.ctx.db.selectFrom('users').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    return Number(row.n);
  }

  async findByUsername(username: string): Promise<User | undefined> {
    return this.ctx.db.selectFrom('users').selectAll().where('username_lower', '=', username.toLowerCase()).executeTakeFirst();
  }

  async findById(id: number): Promise<User | undefined> {
    return this.ctx.db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
  }

  /**
   * Checks a password. Unknown users cost the same scrypt work as known ones, so response time does not
   * reveal which usernames exist. Every attempt is counted per username (known or not) *before* the
   * password is checked, atomically, so parallel guesses cannot slip past the limit; past it the username is
   * locked until its window ends and no password is checked meanwhile (Jira's lockout). A success resets.
   */
  async checkPassword(username: string, password: string): Promise<PasswordCheck> {
    const key = username.toLowerCase().slice(0, 200);
    const now = this.ctx.clock();
    const attempt = await this.countAttempt(key, now);
    if (attempt.failures > LOGIN_FAILURE_LIMIT) {
      return { ok: false, locked: true, retryAfterSeconds: Math.max(1, Math.ceil((attempt.window_start + LOGIN_FAILURE_WINDOW_MS - now) / 1000)) };
    }
    const user = await this.findByUsername(username);
    const ok = await verifyPassword(password, user?.password_hash ?? (await dummyPasswordHash()));
    if (ok && user && user.active === 1) {
      await this.ctx.db.deleteFrom('login_failures').where('username_lower', '=', key).execute();
      return { ok: true, user };
    }
    return { ok: false, locked: false };
  }

  /**
   * Second-factor guessing: a TOTP or recovery-code attempt for this user, counted before it is checked (as
   * passwords are), across every login transaction, so a stolen password cannot buy unlimited guesses.
   * The key cannot collide with a username ('#' is not allowed in one).
   */
  async countSecondFactorAttempt(userId: number): Promise<{ locked: false } | { locked: true; retryAfterSeconds: number }> {
    const now = this.ctx.clock();
    const attempt = await this.countAttempt(secondFactorAttemptKey(userId), now);
    if (attempt.failures <= LOGIN_FAILURE_LIMIT) return { locked: false };
    return { locked: true, retryAfterSeconds: Math.max(1, Math.ceil((attempt.window_start + LOGIN_FAILURE_WINDOW_MS - now) / 1000)) };
  }

  async clearSecondFactorAttempts(userId: number): Promise<void> {
    await this.ctx.db.deleteFrom('login_failures').where('username_lower', '=', secondFactorAttemptKey(userId)).execute();
  }

  /** Counts one attempt, atomically; a window that has ended starts again at 1. */
  private async countAttempt(key: string, now: number): Promise<{ failures: number; window_start: number }> {
    const windowOpen = now - LOGIN_FAILURE_WINDOW_MS;
    return this.ctx.db.insertInto('login_failures').values({ username_lower: key, failures: 1, window_start: now })
      .onConflict((oc) => oc.column('username_lower').doUpdateSet((eb) => ({
        // eb.val binds the time as a parameter: a literal would change the SQL text (and its prepared statement) every millisecond.
        failures: eb.case().when('login_failures.window_start', '<=', windowOpen).then(1).else(eb('login_failures.failures', '+', 1)).end(),
        window_start: eb.case().when('login_failures.window_start', '<=', windowOpen).then(eb.val(now)).else(eb.ref('login_failures.window_start')).end(),
      })))
      .returning(['failures', 'window_start']).executeTakeFirstOrThrow();
  }

  /** Whether the user has any second factor: such a user can never use their password alone on the API. */
  async hasSecondFactor(userId: number): Promise<boolean> {
    return (await secondFactorKinds(this.ctx.db, userId)).length > 0;
  }

  /** First start: an `admin` user when there is no user at all. Returns the generated password, if one was made. */
  async ensureAdmin(password: string | undefined): Promise<{ created: boolean; generatedPassword?: string }> {
    if ((await this.count()) > 0) return { created: false };
    const generated = password ? undefined : randomBytes(18).toString('base64url');
    await this.create({ username: 'admin', password: password ?? generated!, displayName: 'Administrator', isAdmin: true });
    return generated ? { created: true, generatedPassword: generated } : { created: true };
  }
}
