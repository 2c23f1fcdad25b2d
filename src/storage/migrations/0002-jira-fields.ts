// Migration 0002: what issue 3's REST API and JQL need: resolutions, the default workflow's transitions,
// labels, components, versions, the changelog, project membership, groups, and more issue fields.
// Frozen: never import application code here, never edit after release.
import type { Kysely } from 'kysely';
import type { AutoId, StartIdsAt } from './0001-initial.js';

export async function up(db: Kysely<unknown>, autoId: AutoId, startIdsAt: StartIdsAt): Promise<void> {
  await db.schema.createTable('resolutions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('position', 'integer', (c) => c.notNull())
    .execute();
  await db.insertInto('resolutions' as never).values([
    { id: '10000', name: 'Done', description: 'Work has been completed on this issue.', position: 1 },
    { id: '10001', name: "Won't Do", description: 'This issue won\'t be actioned.', position: 2 },
    { id: '10002', name: 'Duplicate', description: 'The problem is a duplicate of an existing issue.', position: 3 },
    { id: '10003', name: 'Cannot Reproduce', description: 'All attempts at reproducing this issue failed.', position: 4 },
  ] as never).execute();

  // The default workflow as data: a transition leads to a status, from any status (from_status_id null) or
  // from one. Jira's simplified workflow: every status reachable from every other.
  await db.schema.createTable('workflow_transitions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('from_status_id', 'text', (c) => c.references('statuses.id'))
    .addColumn('to_status_id', 'text', (c) => c.notNull().references('statuses.id'))
    .addColumn('position', 'integer', (c) => c.notNull())
    .execute();
  await db.insertInto('workflow_transitions' as never).values([
    { id: '11', name: 'To Do', from_status_id: null, to_status_id: '10000', position: 1 },
    { id: '21', name: 'In Progress', from_status_id: null, to_status_id: '3', position: 2 },
    { id: '31', name: 'Done', from_status_id: null, to_status_id: '10001', position: 3 },
  ] as never).execute();

  for (const [column, type] of [['resolution_id', 'text'], ['resolved_at', 'bigint'], ['due_date', 'text'], ['environment', 'text'], ['parent_id', 'integer']] as const) {
    await db.schema.alterTable('issues').addColumn(column, type).execute();
  }
  await db.schema.createIndex('issues_parent').on('issues').column('parent_id').execute();
  await db.schema.createIndex('issues_assignee').on('issues').column('assignee_id').execute();
  await db.schema.createIndex('issues_status').on('issues').column('status_id').execute();

  await db.schema.createTable('issue_labels')
    .addColumn('issue_id', 'integer', (c) => c.notNull().references('issues.id').onDelete('cascade'))
    .addColumn('label', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('issue_labels_pk', ['issue_id', 'label'])
    .execute();
  await db.schema.createIndex('issue_labels_label').on('issue_labels').column('label').execute();

  await autoId(db.schema.createTable('components'), 'id')
    .addColumn('project_id', 'integer', (c) => c.notNull().references('projects.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('lead_id', 'integer', (c) => c.references('users.id'))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('components_project_name', ['project_id', 'name'])
    .execute();
  await autoId(db.schema.createTable('versions'), 'id')
    .addColumn('project_id', 'integer', (c) => c.notNull().references('projects.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('released', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('archived', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('release_date', 'text')
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('versions_project_name', ['project_id', 'name'])
    .execute();
  await db.schema.createTable('issue_components')
    .addColumn('issue_id', 'integer', (c) => c.notNull().references('issues.id').onDelete('cascade'))
    .addColumn('component_id', 'integer', (c) => c.notNull().references('components.id').onDelete('cascade'))
    .addPrimaryKeyConstraint('issue_components_pk', ['issue_id', 'component_id'])
    .execute();
  await db.schema.createTable('issue_fix_versions')
    .addColumn('issue_id', 'integer', (c) => c.notNull().references('issues.id').onDelete('cascade'))
    .addColumn('version_id', 'integer', (c) => c.notNull().references('versions.id').onDelete('cascade'))
    .addPrimaryKeyConstraint('issue_fix_versions_pk', ['issue_id', 'version_id'])
    .execute();

  // The changelog: one group per edit (author, time), one item per field changed. Values are ids where the
  // field has them (from_value/to_value) and the display text (from_string/to_string), as Jira keeps them.
  await autoId(db.schema.createTable('changelog'), 'id')
    .addColumn('issue_id', 'integer', (c) => c.notNull().references('issues.id').onDelete('cascade'))
    .addColumn('author_id', 'integer', (c) => c.references('users.id'))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('changelog_issue').on('changelog').columns(['issue_id', 'created_at']).execute();
  await autoId(db.schema.createTable('changelog_items'), 'id')
    .addColumn('changelog_id', 'integer', (c) => c.notNull().references('changelog.id').onDelete('cascade'))
    .addColumn('field', 'text', (c) => c.notNull())
    .addColumn('field_type', 'text', (c) => c.notNull())
    .addColumn('from_value', 'text')
    .addColumn('from_string', 'text')
    .addColumn('to_value', 'text')
    .addColumn('to_string', 'text')
    .execute();
  await db.schema.createIndex('changelog_items_field').on('changelog_items').columns(['field', 'changelog_id']).execute();

  await db.schema.createTable('project_members')
    .addColumn('project_id', 'integer', (c) => c.notNull().references('projects.id').onDelete('cascade'))
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('role', 'text', (c) => c.notNull()) // viewer | member | admin
    .addPrimaryKeyConstraint('project_members_pk', ['project_id', 'user_id'])
    .execute();
  await db.schema.createIndex('project_members_user').on('project_members').column('user_id').execute();

  await db.schema.createTable('user_groups')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createTable('group_members')
    .addColumn('group_name', 'text', (c) => c.notNull().references('user_groups.name').onDelete('cascade'))
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addPrimaryKeyConstraint('group_members_pk', ['group_name', 'user_id'])
    .execute();

  for (const table of ['components', 'versions', 'changelog', 'changelog_items']) await startIdsAt(db, table, 10000);
}
