// The `tessera` command: dispatches to serve, admin, client and authenticator.
import { runAdminCommand, splitConfigFlags } from './admin.js';
import { runAuthenticatorCommand } from './authenticator.js';
import { runClientCommand } from './client.js';
import { processIo, UsageError, type CliIo } from './io.js';
import { runServe } from './serve.js';
import { ConfigError } from '../config/config.js';
import { AppError } from '../errors/app-error.js';

const USAGE = `usage: tessera <command>
  serve [--demo]          run the server (settings: see docs/configuration.md)
  admin user|consumer …   manage users and application links
  client …                an OAuth 1.0a client for the REST API
  authenticator …         a push authenticator on the command line`;

export async function runCli(argv: string[], io: CliIo = processIo()): Promise<number> {
  const [command, ...args] = argv;
  try {
    switch (command) {
      case 'serve':
        return await runServe(args, io);
      case 'admin':
        return await runAdminCommand(args, io);
      case 'client': {
        const { config, rest } = splitConfigFlags(args);
        return await runClientCommand(rest, io, config);
      }
      case 'authenticator':
        return await runAuthenticatorCommand(args, io);
      case undefined: case 'help': case '--help': case '-h':
        io.stdout.write(`${USAGE}\n`);
        return command === undefined ? 2 : 0;
      default:
        throw new UsageError(USAGE);
    }
  } catch (err) {
    if (err instanceof UsageError && (argv.includes('--help') || argv.includes('-h'))) {
      io.stdout.write(`${err.message}\n`);
      return 0;
    }
    if (err instanceof UsageError || err instanceof ConfigError || err instanceof AppError) {
      io.stderr.write(`tessera: ${err.message}\n`);
      return 2;
    }
    if (err instanceof TypeError && 'code' in err && String((err as { code: unknown }).code).startsWith('ERR_PARSE_ARGS')) {
      io.stderr.write(`tessera: ${err.message}\n`);
      return 2;
    }
    if (err instanceof TypeError && err.message === 'fetch failed') {
      io.stderr.write(`tessera: cannot reach the server (${String((err as { cause?: { message?: string } }).cause?.message ?? 'connection failed')})\n`);
      return 1;
    }
    throw err;
  }
}
