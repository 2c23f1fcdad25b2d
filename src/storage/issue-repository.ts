// Issues. Creating one allocates the project's next number and inserts the issue in one transaction, so two
// creates (in this process or another one sharing the database) never get the same key.
import type { Selectable } from 'kysely';
import { formatIssueKey } from '../domain/issue-key.js';
import type { IssueRecord } from '../services/issue-records.js';
import { insertIssueExtras, type NewIssueExtras } from './issue-field-repository.js';
import type { Db, IssuesTable } from './schema.js';

/** An issue before it has an id, a number and a key (allocated on insert). */
export type NewIssue = Omit<IssueRecord, 'id' | 'number' | 'key' | 'updatedAt' | OptionalColumns>
  & Partial<Pick<IssueRecord, OptionalColumns>>;
type OptionalColumns = 'resolutionId' | 'resolvedAt' | 'dueDate' | 'environment' | 'parentId';

export interface IssueChanges {
  summary?: string;
  description?: string | null;
  priorityId?: string;
}

export class IssueRepository {
  constructor(private readonly db: Db) {}

  /** `extras` (labels, components, fix versions) go in inside the same transaction. */
  async create(issue: NewIssue, extras?: NewIssueExtras): Promise<IssueRecord> {
    return this.db.transaction().execute(async (trx) => {
      // The UPDATE comes first: it takes the write lock (SQLite) or the row lock (PostgreSQL) before anything
      // is read, so the counter value it returns is ours alone.
      const project = await trx.updateTable('projects')
        .set((eb) => ({ issue_counter: eb('issue_counter', '+', 1) }))
        .where('id', '=', issue.projectId)
        .returning(['issue_counter', 'project_key'])
        .executeTakeFirstOrThrow();
      const row = await trx.insertInto('issues')
        .values({
          project_id: issue.projectId,
          number: project.issue_counter,
          issue_key: formatIssueKey(project.project_key, project.issue_counter),
          issue_type_id: issue.issueTypeId,
          summary: issue.summary,
          description: issue.description,
          priority_id: issue.priorityId,
          status_id: issue.statusId,
          reporter_id: issue.reporterId,
          creator_id: issue.creatorId,
          assignee_id: issue.assigneeId,
          created_at: issue.createdAt,
          updated_at: issue.createdAt,
          resolution_id: issue.resolutionId ?? null,
          resolved_at: issue.resolvedAt ?? null,
          due_date: issue.dueDate ?? null,
          environment: issue.environment ?? null,
          parent_id: issue.parentId ?? null,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      const created = toIssue(row);
      if (extras) await insertIssueExtras(trx, created, extras);
      return created;
    });
  }

  async findById(id: number): Promise<IssueRecord | undefined> {
    const row = await this.db.selectFrom('issues').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? toIssue(row) : undefined;
  }

  async findByKey(key: string): Promise<IssueRecord | undefined> {
    const row = await this.db.selectFrom('issues').selectAll().where('issue_key', '=', key).executeTakeFirst();
    return row ? toIssue(row) : undefined;
  }

  async update(id: number, changes: IssueChanges, updatedAt: number): Promise<void> {
    await this.db.updateTable('issues')
      .set({
        ...(changes.summary !== undefined ? { summary: changes.summary } : {}),
        ...(changes.description !== undefined ? { description: changes.description } : {}),
        ...(changes.priorityId !== undefined ? { priority_id: changes.priorityId } : {}),
        updated_at: updatedAt,
      })
      .where('id', '=', id)
      .execute();
  }

  /** Deletes the issue and (by foreign-key cascade) its comments. */
  async delete(id: number): Promise<boolean> {
    const result = await this.db.deleteFrom('issues').where('id', '=', id).executeTakeFirst();
    return result.numDeletedRows > 0n;
  }
}

export function toIssue(row: Selectable<IssuesTable>): IssueRecord {
  return {
    id: row.id,
    projectId: row.project_id,
    number: row.number,
    key: row.issue_key,
    issueTypeId: row.issue_type_id,
    summary: row.summary,
    description: row.description,
    priorityId: row.priority_id,
    statusId: row.status_id,
    reporterId: row.reporter_id,
    creatorId: row.creator_id,
    assigneeId: row.assignee_id,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    resolutionId: row.resolution_id,
    resolvedAt: row.resolved_at,
    dueDate: row.due_date,
    environment: row.environment,
    parentId: row.parent_id,
  };
}
