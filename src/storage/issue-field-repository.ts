// What an issue has besides its own row (labels, components, fix versions, sub-tasks), the project's
// components and versions, resolutions, the workflow's transitions, and the one write every issue change goes
// through: columns, sets, a comment and the changelog group, in a single transaction.
import type { Selectable } from 'kysely';
import type {
  ComponentRecord, IssueExtras, IssueRecord, ResolutionRecord, TransitionRecord, VersionRecord,
} from '../services/issue-records.js';
import { ChangelogRepository, type ChangeItem } from './changelog-repository.js';
import type { ComponentsTable, Db, IssuesTable, VersionsTable } from './schema.js';

export interface NewIssueExtras {
  labels: string[];
  componentIds: number[];
  versionIds: number[];
}

/** Issue columns a change may set (snake_case, as stored). */
export type IssueColumns = Partial<Pick<Selectable<IssuesTable>, 'summary' | 'description' | 'priority_id' | 'status_id'
  | 'assignee_id' | 'reporter_id' | 'resolution_id' | 'resolved_at' | 'due_date' | 'environment'>>;

export interface IssueWrite {
  columns: IssueColumns;
  /** The new complete sets; undefined leaves a set alone. */
  labels?: string[];
  componentIds?: number[];
  versionIds?: number[];
  comments: string[];
  changes: ChangeItem[];
  actorId: number;
  at: number;
}

/** The issue a link row belongs to: its project and created time go into every row (migration 0006). */
export type LinkedIssue = Pick<IssueRecord, 'id' | 'projectId' | 'createdAt'>;

export async function insertIssueExtras(trx: Db, issue: LinkedIssue, extras: NewIssueExtras): Promise<void> {
  // Both are immutable per issue, so the copies stay right; the foreign key on all three rejects wrong values.
  const of = { issue_id: issue.id, project_id: issue.projectId, created_at: issue.createdAt };
  if (extras.labels.length > 0) {
    await trx.insertInto('issue_labels').values(extras.labels.map((label) => ({ ...of, label }))).execute();
  }
  if (extras.componentIds.length > 0) {
    await trx.insertInto('issue_components').values(extras.componentIds.map((id) => ({ ...of, component_id: id }))).execute();
  }
  if (extras.versionIds.length > 0) {
    await trx.insertInto('issue_fix_versions').values(extras.versionIds.map((id) => ({ ...of, version_id: id }))).execute();
  }
}

export class IssueFieldRepository {
  private cachedResolutions: Promise<ResolutionRecord[]> | undefined;

  constructor(private readonly db: Db) {}

  async extrasFor(issueIds: number[]): Promise<Map<number, IssueExtras>> {
    const byIssue = new Map<number, IssueExtras>(issueIds.map((id) => [id, { labels: [], components: [], fixVersions: [] }]));
    if (issueIds.length === 0) return byIssue;
    const [labels, components, versions] = await Promise.all([
      this.db.selectFrom('issue_labels').selectAll().where('issue_id', 'in', issueIds).orderBy('label').execute(),
      this.db.selectFrom('issue_components as ic').innerJoin('components as c', 'c.id', 'ic.component_id')
        .selectAll('c').select('ic.issue_id').where('ic.issue_id', 'in', issueIds).orderBy('c.name').execute(),
      this.db.selectFrom('issue_fix_versions as iv').innerJoin('versions as v', 'v.id', 'iv.version_id')
        .selectAll('v').select('iv.issue_id').where('iv.issue_id', 'in', issueIds).orderBy('v.position').orderBy('v.id').execute(),
    ]);
    for (const row of labels) byIssue.get(row.issue_id)?.labels.push(row.label);
    for (const row of components) byIssue.get(row.issue_id)?.components.push(toComponent(row));
    for (const row of versions) byIssue.get(row.issue_id)?.fixVersions.push(toVersion(row));
    return byIssue;
  }

  async subtaskIdsOf(parentIds: number[]): Promise<Map<number, number[]>> {
    const byParent = new Map<number, number[]>(parentIds.map((id) => [id, []]));
    if (parentIds.length === 0) return byParent;
    const rows = await this.db.selectFrom('issues').select(['id', 'parent_id']).where('parent_id', 'in', parentIds).orderBy('id').execute();
    for (const row of rows) if (row.parent_id !== null) byParent.get(row.parent_id)?.push(row.id);
    return byParent;
  }

  async issuesByIds(ids: number[]): Promise<Selectable<IssuesTable>[]> {
    if (ids.length === 0) return [];
    return this.db.selectFrom('issues').selectAll().where('id', 'in', [...new Set(ids)]).execute();
  }

  async componentsOf(projectId: number): Promise<ComponentRecord[]> {
    const rows = await this.db.selectFrom('components').selectAll().where('project_id', '=', projectId).orderBy('name').execute();
    return rows.map(toComponent);
  }

  async versionsOf(projectId: number): Promise<VersionRecord[]> {
    const rows = await this.db.selectFrom('versions').selectAll().where('project_id', '=', projectId).orderBy('position').orderBy('id').execute();
    return rows.map(toVersion);
  }

  /** Written only by migration 0002, never while the server runs: read once (see ReferenceRepository.catalogue). */
  resolutions(): Promise<ResolutionRecord[]> {
    if (!this.cachedResolutions) {
      this.cachedResolutions = this.db.selectFrom('resolutions').selectAll().orderBy('position').execute()
        .then((rows) => Object.freeze(rows.map((r) => Object.freeze({ id: r.id, name: r.name, description: r.description }))) as ResolutionRecord[]);
      this.cachedResolutions.catch(() => { this.cachedResolutions = undefined; }); // a failed read is not kept
    }
    return this.cachedResolutions;
  }

  async transitions(): Promise<TransitionRecord[]> {
    const rows = await this.db.selectFrom('workflow_transitions').selectAll().orderBy('position').orderBy('id').execute();
    return rows.map((r) => ({ id: r.id, name: r.name, fromStatusId: r.from_status_id, toStatusId: r.to_status_id }));
  }

  /** Columns, sets, comments and one changelog group, all or nothing. */
  async apply(issue: IssueRecord, write: IssueWrite): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await trx.updateTable('issues').set({ ...write.columns, updated_at: write.at }).where('id', '=', issue.id).execute();
      if (write.labels) {
        await trx.deleteFrom('issue_labels').where('issue_id', '=', issue.id).execute();
      }
      if (write.componentIds) await trx.deleteFrom('issue_components').where('issue_id', '=', issue.id).execute();
      if (write.versionIds) await trx.deleteFrom('issue_fix_versions').where('issue_id', '=', issue.id).execute();
      await insertIssueExtras(trx, issue, {
        labels: write.labels ?? [], componentIds: write.componentIds ?? [], versionIds: write.versionIds ?? [],
      });
      for (const body of write.comments) {
        await trx.insertInto('comments')
          .values({ issue_id: issue.id, author_id: write.actorId, body, created_at: write.at, updated_at: write.at })
          .execute();
      }
      await ChangelogRepository.write(trx, issue.id, write.actorId, write.at, write.changes);
    });
  }

  /** Deletes the issues (sub-tasks first) in one transaction; comments, sets and changelog go by cascade. */
  async deleteIssues(ids: number[]): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      for (const id of ids) await trx.deleteFrom('issues').where('id', '=', id).execute();
    });
  }

  async updateComment(commentId: number, body: string, at: number): Promise<void> {
    await this.db.updateTable('comments').set({ body, updated_at: at }).where('id', '=', commentId).execute();
  }

  async deleteComment(commentId: number): Promise<void> {
    await this.db.deleteFrom('comments').where('id', '=', commentId).execute();
  }
}

function toComponent(row: Selectable<ComponentsTable>): ComponentRecord {
  return { id: row.id, projectId: row.project_id, name: row.name, description: row.description };
}

function toVersion(row: Selectable<VersionsTable>): VersionRecord {
  return {
    id: row.id, projectId: row.project_id, name: row.name, description: row.description,
    released: row.released === 1, archived: row.archived === 1, releaseDate: row.release_date,
  };
}
