// Opens the configured database and brings its schema up to date.
import { Migrator, type Migration, type MigrationProvider } from 'kysely';
import * as m0001 from './migrations/0001-initial.js';
import * as m0002 from './migrations/0002-jira-fields.js';
import * as m0003 from './migrations/0003-full-text.js';
import * as m0004 from './migrations/0004-search-indexes.js';
import * as m0005 from './migrations/0005-second-factors.js';
import * as m0006 from './migrations/0006-link-project-created.js';
import { openSqlite, type DialectModule } from './sqlite.js';

export type { DialectModule };

export async function openDatabase(location: string): Promise<DialectModule> {
  if (/^postgres(ql)?:\/\//i.test(location)) {
    throw new Error('PostgreSQL is not supported yet: TESSERA_DATABASE must be a SQLite file path');
  }
  const dialect = openSqlite(location);
  await migrate(dialect);
  await dialect.refreshStatistics();
  return dialect;
}

class Migrations implements MigrationProvider {
  constructor(private readonly dialect: DialectModule) {}
  async getMigrations(): Promise<Record<string, Migration>> {
    return {
      '0001-initial': { up: (db) => m0001.up(db, this.dialect.autoId, this.dialect.startIdsAt) },
      '0002-jira-fields': { up: (db) => m0002.up(db, this.dialect.autoId, this.dialect.startIdsAt) },
      '0003-full-text': { up: (db) => m0003.up(db, this.dialect.createFullTextIndex) },
      '0004-search-indexes': { up: (db) => m0004.up(db) },
      '0005-second-factors': { up: (db) => m0005.up(db, this.dialect.autoId) },
      '0006-link-project-created': { up: (db) => m0006.up(db) },
    };
  }
}

export async function migrate(dialect: DialectModule): Promise<void> {
  const migrator = new Migrator({ db: dialect.db, provider: new Migrations(dialect) });
  const { error } = await migrator.migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(String(error));
}
