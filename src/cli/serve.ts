// `tessera serve`: loadConfig → openDatabase → first-start admin → buildApp → listen; signals.
import { buildApp } from '../app.js';
import { openServices } from './context.js';
import { splitConfigFlags } from './admin.js';
import { UsageError, type CliIo } from './io.js';

export async function runServe(args: string[], io: CliIo): Promise<number> {
  const { config: flags, rest } = splitConfigFlags(args);
  if (rest.includes('--help') || rest.includes('-h')) {
    throw new UsageError('usage: tessera serve [--demo] [--port N] [--host H] [--base-url URL] [--database FILE] [--config FILE]\n'
      + '  --demo seeds a project DEMO with a few issues; every setting is listed in docs/configuration.md');
  }
  const demo = rest.includes('--demo');
  const unknown = rest.filter((a) => a !== '--demo');
  if (unknown.length > 0) throw new UsageError(`unknown option for serve: ${unknown.join(' ')}`);
  const services = await openServices(flags, io.env);
  const { config } = services;
  const admin = await services.accounts.ensureAdmin(config.adminPassword);
  if (admin.generatedPassword) {
    // Printed once, to the terminal only: never to the log.
    io.stdout.write(`\nCreated the administrator "admin" with the password:\n\n    ${admin.generatedPassword}\n\nIt is not shown again.\n\n`);
  } else if (admin.created) {
    io.stdout.write('Created the administrator "admin" with the password from TESSERA_ADMIN_PASSWORD.\n');
  }
  if (demo) {
    const adminUser = await services.accounts.findByUsername('admin');
    if (adminUser) {
      const project = await services.issues.seedDemo(adminUser.id);
      io.stdout.write(`Demo project ${project.key} is ready.\n`);
    }
  }
  const app = await buildApp(services, { logLevel: config.logLevel === 'silent' ? false : config.logLevel });
  try {
    await app.listen({ port: config.port, host: config.host });
  } catch (err) {
    const code = (err as { code?: string }).code;
    io.stderr.write(code === 'EADDRINUSE'
      ? `tessera: port ${config.port} on ${config.host} is in use; choose another with TESSERA_PORT or --port\n`
      : `tessera: cannot listen on ${config.host}:${config.port}: ${(err as Error).message}\n`);
    await app.close();
    await services.close();
    return 1;
  }
  io.stdout.write(`Tessera is listening on http://${config.host}:${config.port} (public URL ${config.baseUrl}, database ${config.database})\n`);

  const prune = setInterval(() => { services.sessions.pruneExpired().catch(() => undefined); }, 10 * 60 * 1000);
  prune.unref();
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  clearInterval(prune);
  await app.close();
  await services.close();
  return 0;
}
