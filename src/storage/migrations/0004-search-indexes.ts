// Migration 0004: indexes for the JQL searches people run most (issue 3, acceptance 8), found with the search
// benchmark (bench/README.md). Every search is also restricted to the caller's visible projects
// (`project_id IN (…)`), so each index also holds project_id: the count and the ordering of the matches then
// read the index alone, not thousands of scattered issue rows (2,670 rows: 0.25 ms against 0.9 ms in a tight
// loop, and 1.8 ms inside the server, where other work has pushed those rows out of the CPU caches).
// created_at comes right after the equality columns, so `… ORDER BY created DESC` is read in order.
// Frozen: never import application code here, never edit after release.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  const index = (name: string, table: string, columns: string[]) => db.schema.createIndex(name).on(table).columns(columns).execute();

  // A project's board: `project = X AND status = Y`, newest first.
  await index('issues_project_status_created', 'issues', ['project_id', 'status_id', 'created_at']);
  // "My open issues": `assignee = currentUser() AND resolution = Unresolved`. Replaces issues_assignee.
  await index('issues_assignee_resolution_created', 'issues', ['assignee_id', 'resolution_id', 'created_at', 'project_id']);
  await db.schema.dropIndex('issues_assignee').execute();
  // `status in (…)` / `statusCategory != Done` (a list of status ids), often with a priority. Replaces issues_status.
  await index('issues_status_priority_created', 'issues', ['status_id', 'priority_id', 'created_at', 'project_id']);
  await db.schema.dropIndex('issues_status').execute();
  // `created >= -30d`, `updated >= -1w` across projects, and the default order (newest first) without a filter.
  await index('issues_created', 'issues', ['created_at', 'project_id']);
  await index('issues_updated', 'issues', ['updated_at', 'project_id']);
  // Clauses that yield issue ids (labels, components, versions, full text) are then checked against the visible
  // projects and ordered by created: this narrow index answers both without reading the wide issue rows.
  await index('issues_id_project_created', 'issues', ['id', 'project_id', 'created_at']);

  // `assignee = "Ada Lovelace"` or an e-mail address: JQL names users by username, display name or e-mail,
  // case-insensitively, as Jira Server does; usernames have their unique index already.
  await db.schema.createIndex('users_display_name_lower').on('users').expression(sql`lower(display_name)`).execute();
  await db.schema.createIndex('users_email_lower').on('users').expression(sql`lower(email)`).execute();

  // From a value to its issues. The link tables' primary keys start with issue_id, which only helps the other way.
  await index('issue_labels_label_issue', 'issue_labels', ['label', 'issue_id']);
  await db.schema.dropIndex('issue_labels_label').execute();
  await index('issue_components_component', 'issue_components', ['component_id', 'issue_id']);
  await index('issue_fix_versions_version', 'issue_fix_versions', ['version_id', 'issue_id']);
}
