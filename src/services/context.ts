// What every service is built from: storage, settings and the clock. No HTTP here.
import type { Config } from '../config/config.js';
import type { DialectModule } from '../storage/database.js';
import type { Db } from '../storage/schema.js';
import type { Clock } from './clock.js';

export interface ServiceContext {
  db: Db;
  dialect: DialectModule;
  config: Config;
  clock: Clock;
}
