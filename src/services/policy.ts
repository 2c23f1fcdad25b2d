// The second-factor policy: an administrator may require a second factor for everyone, for administrators,
// or for members of named groups. A user who must have one but has none can, after the password, reach only
// the enrolment pages (the session's `enrolment_required` state) and nothing on the API.
import { AppError } from '../errors/app-error.js';
import { Audit } from './audit.js';
import type { ServiceContext } from './context.js';

export type RequireSecondFactor = 'none' | 'everyone' | 'admins' | 'groups';
export interface SecondFactorPolicy {
  require: RequireSecondFactor;
  groups: string[]; // for 'groups'
}

const KEY = 'second_factor_policy';
export const DEFAULT_POLICY: SecondFactorPolicy = { require: 'none', groups: [] };
const REQUIRES: readonly RequireSecondFactor[] = ['none', 'everyone', 'admins', 'groups'];

export const ENROLMENT_REQUIRED_MESSAGE =
  'Your administrator requires a second factor for this account, and it has none yet. ' +
  'Sign in on the web and set one up on your security page (/secure/security) first.';

export class PolicyService {
  private readonly audit: Audit;

  constructor(private readonly ctx: ServiceContext) {
    this.audit = new Audit(ctx);
  }

  async get(): Promise<SecondFactorPolicy> {
    const row = await this.ctx.db.selectFrom('settings').select('value').where('key', '=', KEY).executeTakeFirst();
    if (!row) return DEFAULT_POLICY;
    const parsed = JSON.parse(row.value) as Partial<SecondFactorPolicy>;
    return { require: REQUIRES.includes(parsed.require!) ? parsed.require! : 'none', groups: Array.isArray(parsed.groups) ? parsed.groups : [] };
  }

  async set(policy: SecondFactorPolicy, by: { actorId: number | null; via: string }): Promise<SecondFactorPolicy> {
    if (!REQUIRES.includes(policy.require)) {
      throw new AppError('bad_request', 'policy_invalid', `The policy must require one of: ${REQUIRES.join(', ')}.`);
    }
    const groups = policy.require === 'groups' ? [...new Set(policy.groups.map((g) => g.trim()).filter(Boolean))] : [];
    if (policy.require === 'groups' && groups.length === 0) {
      throw new AppError('bad_request', 'policy_invalid', 'Name at least one group when the policy requires a second factor for groups.');
    }
    for (const group of groups) {
      const exists = await this.ctx.db.selectFrom('user_groups').select('name').where('name', '=', group).executeTakeFirst();
      if (!exists) throw new AppError('bad_request', 'group_unknown', `There is no group named "${group}".`);
    }
    const value = JSON.stringify({ require: policy.require, groups });
    const now = this.ctx.clock();
    await this.ctx.db.insertInto('settings').values({ key: KEY, value, updated_at: now })
      .onConflict((oc) => oc.column('key').doUpdateSet({ value, updated_at: now })).execute();
    await this.audit.record('policy.second_factor_set', { actorId: by.actorId, via: by.via, require: policy.require, groups });
    return { require: policy.require, groups };
  }

  /** Whether the policy requires this user to have a second factor. */
  async requiresSecondFactor(user: { id: number; is_admin: number }): Promise<boolean> {
    const policy = await this.get();
    switch (policy.require) {
      case 'none': return false;
      case 'everyone': return true;
      case 'admins': return user.is_admin === 1;
      case 'groups': {
        if (policy.groups.length === 0) return false;
        const hit = await this.ctx.db.selectFrom('group_members').select('user_id')
          .where('user_id', '=', user.id).where('group_name', 'in', policy.groups).executeTakeFirst();
        return hit !== undefined;
      }
    }
  }
}
