// Builds every service from one context. The HTTP layer and the CLI both start here.
import { Accounts } from './accounts.js';
import { Audit } from './audit.js';
import { Consumers } from './consumers.js';
import type { ServiceContext } from './context.js';
import { IssueService } from './issues.js';
import { OAuthProvider } from './oauth-provider.js';
import { PasskeyService } from './passkeys.js';
import { ProjectService } from './projects.js';
import { PolicyService } from './policy.js';
import { PushService } from './push.js';
import { RecoveryCodes } from './recovery-codes.js';
import { SecondFactors } from './second-factors.js';
import { Sessions } from './sessions.js';
import { TotpService } from './totp.js';

export interface Services {
  context: ServiceContext;
  accounts: Accounts;
  audit: Audit;
  sessions: Sessions;
  push: PushService;
  consumers: Consumers;
  oauth: OAuthProvider;
  issues: IssueService;
  projects: ProjectService;
  factors: SecondFactors;
  totp: TotpService;
  passkeys: PasskeyService;
  recoveryCodes: RecoveryCodes;
  policy: PolicyService;
}

export function createServices(context: ServiceContext): Services {
  const issues = new IssueService(context);
  return {
    context,
    accounts: new Accounts(context),
    audit: new Audit(context),
    sessions: new Sessions(context),
    push: new PushService(context),
    consumers: new Consumers(context),
    oauth: new OAuthProvider(context),
    issues,
    projects: new ProjectService(context, issues),
    factors: new SecondFactors(context),
    totp: new TotpService(context),
    passkeys: new PasskeyService(context),
    recoveryCodes: new RecoveryCodes(context),
    policy: new PolicyService(context),
  };
}
