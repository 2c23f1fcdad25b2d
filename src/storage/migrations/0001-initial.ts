// Migration 0001: the first schema. Frozen: never import application code here, never edit after release.
// The only dialect differences (how an auto-incrementing id is declared, and where its sequence starts) come
// in as `autoId` and `startIdsAt`.
import type { Kysely, CreateTableBuilder } from 'kysely';

export type AutoId = <T extends string>(t: CreateTableBuilder<T, never>, column: string) => CreateTableBuilder<T, never>;
export type StartIdsAt = (db: Kysely<unknown>, table: string, first: number) => Promise<void>;

export async function up(db: Kysely<unknown>, autoId: AutoId, startIdsAt: StartIdsAt): Promise<void> {
  await autoId(db.schema.createTable('users'), 'id')
    .addColumn('username', 'text', (c) => c.notNull())
    .addColumn('username_lower', 'text', (c) => c.notNull().unique())
    .addColumn('display_name', 'text', (c) => c.notNull())
    .addColumn('email', 'text', (c) => c.notNull())
    .addColumn('password_hash', 'text', (c) => c.notNull())
    .addColumn('is_admin', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('active', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema.createTable('login_failures')
    .addColumn('username_lower', 'text', (c) => c.primaryKey())
    .addColumn('failures', 'integer', (c) => c.notNull())
    .addColumn('window_start', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema.createTable('sessions')
    .addColumn('id_hash', 'text', (c) => c.primaryKey())
    .addColumn('csrf_token', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('user_id', 'integer', (c) => c.references('users.id').onDelete('cascade'))
    .addColumn('login_tx', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema.createTable('authenticators')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('public_key', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('last_used_at', 'bigint')
    .execute();
  await db.schema.createIndex('authenticators_user').on('authenticators').column('user_id').execute();

  await db.schema.createTable('enrollment_codes')
    .addColumn('code_hash', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('used_at', 'bigint')
    .execute();

  await db.schema.createTable('push_challenges')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('login_tx', 'text', (c) => c.notNull())
    .addColumn('service', 'text', (c) => c.notNull())
    .addColumn('application', 'text')
    .addColumn('ip', 'text', (c) => c.notNull())
    .addColumn('symbol', 'text', (c) => c.notNull())
    .addColumn('candidates', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('decided_at', 'bigint')
    .addColumn('decided_by', 'text')
    .execute();
  await db.schema.createIndex('push_challenges_user_state').on('push_challenges').columns(['user_id', 'state']).execute();

  await db.schema.createTable('consumers')
    .addColumn('consumer_key', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('public_key', 'text', (c) => c.notNull())
    .addColumn('callback_url', 'text')
    .addColumn('allow_no_verifier', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema.createTable('request_tokens')
    .addColumn('token_hash', 'text', (c) => c.primaryKey())
    .addColumn('consumer_key', 'text', (c) => c.notNull().references('consumers.consumer_key').onDelete('cascade'))
    .addColumn('callback', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('user_id', 'integer', (c) => c.references('users.id').onDelete('cascade'))
    .addColumn('verifier', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema.createTable('access_tokens')
    .addColumn('token_hash', 'text', (c) => c.primaryKey())
    .addColumn('consumer_key', 'text', (c) => c.notNull().references('consumers.consumer_key').onDelete('cascade'))
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('session_handle_hash', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('authorization_expires_at', 'bigint', (c) => c.notNull())
    .addColumn('last_used_at', 'bigint')
    .addColumn('revoked_at', 'bigint')
    .execute();

  await db.schema.createTable('oauth_nonces')
    .addColumn('consumer_key', 'text', (c) => c.notNull())
    .addColumn('token', 'text', (c) => c.notNull())
    .addColumn('timestamp', 'bigint', (c) => c.notNull())
    .addColumn('nonce', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('oauth_nonces_pk', ['consumer_key', 'token', 'timestamp', 'nonce'])
    .execute();
  await db.schema.createIndex('oauth_nonces_created').on('oauth_nonces').column('created_at').execute();

  await autoId(db.schema.createTable('projects'), 'id')
    .addColumn('project_key', 'text', (c) => c.notNull().unique())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('lead_id', 'integer', (c) => c.notNull().references('users.id'))
    .addColumn('issue_counter', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema.createTable('issue_types')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('subtask', 'integer', (c) => c.notNull())
    .addColumn('hierarchy_level', 'integer', (c) => c.notNull())
    .addColumn('position', 'integer', (c) => c.notNull())
    .execute();
  await db.schema.createTable('priorities')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('color', 'text', (c) => c.notNull())
    .addColumn('position', 'integer', (c) => c.notNull())
    .execute();
  await db.schema.createTable('statuses')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('category_key', 'text', (c) => c.notNull())
    .addColumn('position', 'integer', (c) => c.notNull())
    .execute();

  // Jira's defaults, with Jira's ids.
  await db.insertInto('issue_types' as never).values([
    { id: '10002', name: 'Task', description: 'A task that needs to be done.', subtask: 0, hierarchy_level: 0, position: 1 },
    { id: '10004', name: 'Bug', description: 'A problem which impairs or prevents the functions of the product.', subtask: 0, hierarchy_level: 0, position: 2 },
    { id: '10001', name: 'Story', description: 'A user story.', subtask: 0, hierarchy_level: 0, position: 3 },
    { id: '10000', name: 'Epic', description: 'A big user story that needs to be broken down.', subtask: 0, hierarchy_level: 1, position: 4 },
    { id: '10003', name: 'Sub-task', description: 'The sub-task of the issue.', subtask: 1, hierarchy_level: -1, position: 5 },
  ] as never).execute();
  await db.insertInto('priorities' as never).values([
    { id: '1', name: 'Highest', description: 'This problem will block progress.', color: '#d04437', position: 1 },
    { id: '2', name: 'High', description: 'Serious problem that could block progress.', color: '#f15C75', position: 2 },
    { id: '3', name: 'Medium', description: 'Has the potential to affect progress.', color: '#f79232', position: 3 },
    { id: '4', name: 'Low', description: 'Minor problem or easily worked around.', color: '#707070', position: 4 },
    { id: '5', name: 'Lowest', description: 'Trivial problem with little or no impact on progress.', color: '#999999', position: 5 },
  ] as never).execute();
  await db.insertInto('statuses' as never).values([
    { id: '10000', name: 'To Do', description: '', category_key: 'new', position: 1 },
    { id: '3', name: 'In Progress', description: 'This issue is being actively worked on at the moment by the assignee.', category_key: 'indeterminate', position: 2 },
    { id: '10001', name: 'Done', description: '', category_key: 'done', position: 3 },
  ] as never).execute();

  await autoId(db.schema.createTable('issues'), 'id')
    .addColumn('project_id', 'integer', (c) => c.notNull().references('projects.id').onDelete('cascade'))
    .addColumn('number', 'integer', (c) => c.notNull())
    .addColumn('issue_key', 'text', (c) => c.notNull().unique())
    .addColumn('issue_type_id', 'text', (c) => c.notNull().references('issue_types.id'))
    .addColumn('summary', 'text', (c) => c.notNull())
    .addColumn('description', 'text')
    .addColumn('priority_id', 'text', (c) => c.notNull().references('priorities.id'))
    .addColumn('status_id', 'text', (c) => c.notNull().references('statuses.id'))
    .addColumn('reporter_id', 'integer', (c) => c.references('users.id'))
    .addColumn('creator_id', 'integer', (c) => c.notNull().references('users.id'))
    .addColumn('assignee_id', 'integer', (c) => c.references('users.id'))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('issues_project_created').on('issues').columns(['project_id', 'created_at']).execute();

  await autoId(db.schema.createTable('comments'), 'id')
    .addColumn('issue_id', 'integer', (c) => c.notNull().references('issues.id').onDelete('cascade'))
    .addColumn('author_id', 'integer', (c) => c.notNull().references('users.id'))
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('comments_issue').on('comments').column('issue_id').execute();

  await autoId(db.schema.createTable('audit_log'), 'id')
    .addColumn('at', 'bigint', (c) => c.notNull())
    .addColumn('actor_id', 'integer')
    .addColumn('event', 'text', (c) => c.notNull())
    .addColumn('detail', 'text', (c) => c.notNull())
    .addColumn('ip', 'text')
    .execute();

  // Jira's ids for projects, issues and comments start at 10000; ours too, so they look familiar.
  for (const table of ['projects', 'issues', 'comments']) await startIdsAt(db, table, 10000);
}
