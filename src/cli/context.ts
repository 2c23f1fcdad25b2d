// Opens the configured database for a command and builds the services over it.
import { loadConfig, type Config } from '../config/config.js';
import { systemClock } from '../services/clock.js';
import { createServices, type Services } from '../services/index.js';
import { openDatabase } from '../storage/database.js';

export async function openServices(flags: Record<string, string | undefined>, env: Record<string, string | undefined>): Promise<Services & { close(): Promise<void>; config: Config }> {
  const config = loadConfig({ flags, env });
  const dialect = await openDatabase(config.database);
  const services = createServices({ db: dialect.db, dialect, config, clock: systemClock });
  return { ...services, config, close: () => dialect.db.destroy() };
}
