// `tessera admin …`: user and application-link administration, straight on the configured database
// (the server may be running: SQLite is in WAL mode and the server reads state from the database).
import { parseArgs } from 'node:util';
import { configFlagOptions } from '../config/config.js';
import { runConsumerCommand } from './admin-consumer.js';
import { runProjectCommand } from './admin-project.js';
import { runPolicyCommand, runResetSecondFactor, SECURITY_USAGE } from './admin-security.js';
import { openServices } from './context.js';
import { readAllStdin, UsageError, type CliIo } from './io.js';

const USAGE = `usage:
  tessera admin user add NAME [--admin] [--display-name TEXT] [--email ADDR]   (password on standard input)
  tessera admin user enroll-link NAME
  tessera admin consumer add --key KEY --name NAME --public-key FILE [--callback URL] [--allow-no-verifier]
  tessera admin consumer list [--json]
  tessera admin consumer remove KEY
  tessera admin project add KEY --name NAME [--lead USER] [--description TEXT]
  tessera admin project member KEY USER --role viewer|member|admin | --remove
  tessera admin group add NAME
  tessera admin group member NAME USER [--remove]
${SECURITY_USAGE}`;

/** Splits the configuration flags (shared by every command) from the command's own. */
export function splitConfigFlags(args: string[]): { config: Record<string, string | undefined>; rest: string[] } {
  const known = configFlagOptions();
  const config: Record<string, string | undefined> = {};
  const rest: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const m = /^--([a-z-]+)(?:=(.*))?$/.exec(arg);
    if (m && known[m[1]!]) {
      config[m[1]!] = m[2] ?? args[++i];
      continue;
    }
    rest.push(arg);
  }
  return { config, rest };
}

export async function runAdminCommand(args: string[], io: CliIo): Promise<number> {
  const { config, rest } = splitConfigFlags(args);
  const [area, verb, ...more] = rest;
  if (area === 'user' && verb === 'add') {
    const { values, positionals } = parseArgs({
      args: more, allowPositionals: true, strict: true,
      options: { admin: { type: 'boolean' }, 'display-name': { type: 'string' }, email: { type: 'string' } },
    });
    const name = positionals[0];
    if (!name || positionals.length > 1) throw new UsageError(USAGE);
    const password = await readAllStdin(io.stdin);
    const services = await openServices(config, io.env);
    try {
      const user = await services.accounts.create({
        username: name, password, displayName: values['display-name'], email: values.email, isAdmin: values.admin === true,
      });
      await services.audit.record('user.created', { username: user.username, via: 'cli' });
      io.stdout.write(`Created user ${user.username}${user.is_admin ? ' (administrator)' : ''}.\n`);
      return 0;
    } finally {
      await services.close();
    }
  }
  if (area === 'user' && verb === 'enroll-link') {
    const name = more[0];
    if (!name || more.length > 1) throw new UsageError(USAGE);
    const services = await openServices(config, io.env);
    try {
      const user = await services.accounts.findByUsername(name);
      if (!user) {
        io.stderr.write(`No user named ${name}.\n`);
        return 1;
      }
      const code = await services.push.createEnrollmentCode(user.id);
      await services.audit.record('authenticator.enrollment_link_issued', { actorId: null, username: user.username, via: 'cli' });
      io.stdout.write(`${services.push.enrollmentUri(code)}\n`);
      io.stderr.write('This link enrols one authenticator for 10 minutes: tessera authenticator enroll LINK --file device.json\n');
      return 0;
    } finally {
      await services.close();
    }
  }
  if ((area === 'user' && verb === 'reset-2fa') || area === 'policy') {
    const services = await openServices(config, io.env);
    try {
      const ctx = { accounts: services.accounts, factors: services.factors, policy: services.policy, stdout: io.stdout, stderr: io.stderr };
      return area === 'policy' ? await runPolicyCommand(rest.slice(1), ctx) : await runResetSecondFactor(more, ctx);
    } finally {
      await services.close();
    }
  }
  if (area === 'consumer') {
    const services = await openServices(config, io.env);
    try {
      return await runConsumerCommand(rest.slice(1), { consumers: services.consumers, stdout: io.stdout, stderr: io.stderr, stdin: io.stdin });
    } finally {
      await services.close();
    }
  }
  if (area === 'project' || area === 'group') {
    const services = await openServices(config, io.env);
    try {
      return await runProjectCommand(area, rest.slice(1), { issues: services.issues, projects: services.projects, stdout: io.stdout, stderr: io.stderr });
    } finally {
      await services.close();
    }
  }
  throw new UsageError(USAGE);
}
