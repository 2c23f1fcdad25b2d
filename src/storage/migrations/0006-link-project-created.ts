// Migration 0006: the link tables (issue_labels, issue_components, issue_fix_versions) carry their issue's
// project_id and created_at, and an index (value, project_id, created_at, issue_id) on each. A search such as
// `labels in (regression, performance)` is then checked against the visible projects, counted and ordered
// newest first inside that one index; before, each match cost a lookup of its issue for the permission filter
// and another for the order (8,773 matches at 100,000 issues: about 0.7 µs each, in the count and in the page).
//
// Both columns are copies, and immutable: an issue never moves to another project and its created time never
// changes, so writers set them when they insert a row. A foreign key (issue_id, project_id, created_at) →
// issues (id, project_id, created_at) makes a row that disagrees with its issue impossible (it replaces the
// foreign key on issue_id alone, with the same ON DELETE CASCADE), and ON UPDATE CASCADE would carry a change
// along should either column ever become editable. Its parent key needs a unique index: issues_id_project_created
// (migration 0004) becomes one, with the same columns (unique anyway, since id is).
//
// SQLite can neither add a NOT NULL column without a default nor add a foreign key to an existing table, so
// each table is rebuilt, in steps every dialect has: its rows, with the two columns filled from issues, go to a
// holding table; the table is dropped and created again under the same name and constraint names; the rows
// come back; the holding table goes. Link rows whose issue no longer exists (only possible if foreign keys were
// ever off) are not carried over.
// Frozen: never import application code here, never edit after release.
import { sql, type Kysely } from 'kysely';

interface LinkTable {
  table: string;
  /** The value column and its type; components and versions reference their tables as before. */
  value: string;
  type: 'text' | 'integer';
  references?: string;
  primaryKey: string;
  index: string;
}

const LINK_TABLES: readonly LinkTable[] = [
  { table: 'issue_labels', value: 'label', type: 'text', primaryKey: 'issue_labels_pk', index: 'issue_labels_label_project_created' },
  { table: 'issue_components', value: 'component_id', type: 'integer', references: 'components.id', primaryKey: 'issue_components_pk',
    index: 'issue_components_component_project_created' },
  { table: 'issue_fix_versions', value: 'version_id', type: 'integer', references: 'versions.id', primaryKey: 'issue_fix_versions_pk',
    index: 'issue_fix_versions_version_project_created' },
];

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('issues_id_project_created').execute();
  await db.schema.createIndex('issues_id_project_created').on('issues').columns(['id', 'project_id', 'created_at']).unique().execute();

  for (const link of LINK_TABLES) {
    const holding = `${link.table}_0006`;
    const table = sql.table(link.table);
    const value = sql.ref(link.value);
    await db.schema.createTable(holding)
      .as(sql`SELECT l.issue_id AS issue_id, l.${value} AS ${value}, i.project_id AS project_id, i.created_at AS created_at
        FROM ${table} l JOIN issues i ON i.id = l.issue_id`)
      .execute();
    await db.schema.dropTable(link.table).execute();
    await db.schema.createTable(link.table)
      .addColumn('issue_id', 'integer', (c) => c.notNull())
      .addColumn(link.value, link.type, (c) => link.references ? c.notNull().references(link.references).onDelete('cascade') : c.notNull())
      .addColumn('project_id', 'integer', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint(link.primaryKey, ['issue_id', link.value as never])
      .addForeignKeyConstraint(`${link.table}_issue`, ['issue_id', 'project_id', 'created_at'], 'issues', ['id', 'project_id', 'created_at'],
        (fk) => fk.onDelete('cascade').onUpdate('cascade'))
      .execute();
    await sql`INSERT INTO ${table} (issue_id, ${value}, project_id, created_at)
      SELECT h.issue_id, h.${value}, h.project_id, h.created_at FROM ${sql.table(holding)} h`.execute(db);
    await db.schema.dropTable(holding).execute();
    await db.schema.createIndex(link.index).on(link.table).columns([link.value, 'project_id', 'created_at', 'issue_id']).execute();
  }
}
