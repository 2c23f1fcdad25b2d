// `tessera admin user reset-2fa NAME` (a lost phone: every second factor of the user goes, recorded) and
// `tessera admin policy show|set` (who must have a second factor).
import { parseArgs } from 'node:util';
import type { PolicyService, RequireSecondFactor } from '../services/policy.js';
import type { Accounts } from '../services/accounts.js';
import type { SecondFactors } from '../services/second-factors.js';
import { UsageError } from './io.js';

export const SECURITY_USAGE = `  tessera admin user reset-2fa NAME
  tessera admin policy show [--json]
  tessera admin policy set --require none|everyone|admins|groups [--groups NAME,NAME]`;

interface Context {
  accounts: Accounts;
  factors: SecondFactors;
  policy: PolicyService;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

export async function runResetSecondFactor(args: string[], ctx: Context): Promise<number> {
  const name = args[0];
  if (!name || args.length > 1) throw new UsageError(SECURITY_USAGE);
  const user = await ctx.accounts.findByUsername(name);
  if (!user) {
    ctx.stderr.write(`No user named ${name}.\n`);
    return 1;
  }
  const { removed } = await ctx.factors.resetAll(user.id, { actorId: null, via: 'cli' });
  const total = Object.values(removed).reduce((a, b) => a + b, 0);
  ctx.stdout.write(`Removed every second factor of ${user.username} (${removed['authenticators']} authenticators, ` +
    `${removed['totp_credentials']} authenticator apps, ${removed['webauthn_credentials']} passkeys, ` +
    `${removed['recovery_codes']} recovery codes) and ended their sessions.${total === 0 ? ' They had none.' : ''}\n`);
  ctx.stderr.write(`They sign in with their password alone now (or must enrol a factor first, if the policy says so): ` +
    `give them a new enrolment link with "tessera admin user enroll-link ${user.username}".\n`);
  return 0;
}

export async function runPolicyCommand(args: string[], ctx: Context): Promise<number> {
  const [verb, ...more] = args;
  if (verb === 'show') {
    const { values } = parseArgs({ args: more, strict: true, options: { json: { type: 'boolean' } } });
    const policy = await ctx.policy.get();
    if (values.json) ctx.stdout.write(`${JSON.stringify(policy)}\n`);
    else ctx.stdout.write(`Second factor required for: ${describe(policy.require, policy.groups)}\n`);
    return 0;
  }
  if (verb === 'set') {
    const { values } = parseArgs({ args: more, strict: true, options: { require: { type: 'string' }, groups: { type: 'string' } } });
    if (!values.require) throw new UsageError(SECURITY_USAGE);
    const policy = await ctx.policy.set({
      require: values.require as RequireSecondFactor, groups: (values.groups ?? '').split(','),
    }, { actorId: null, via: 'cli' });
    ctx.stdout.write(`Second factor required for: ${describe(policy.require, policy.groups)}\n`);
    return 0;
  }
  throw new UsageError(SECURITY_USAGE);
}

function describe(require: RequireSecondFactor, groups: string[]): string {
  switch (require) {
    case 'none': return 'nobody (users choose)';
    case 'everyone': return 'everyone';
    case 'admins': return 'administrators';
    case 'groups': return `members of ${groups.join(', ')}`;
  }
}
