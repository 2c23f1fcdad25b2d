// Issues. Creating one allocates the project's next number and inserts the issue in one transaction, so two
// creates (in this process or another one sharing the database) never get the same key.
import type { Selectable } from 'kysely';
import { formatIssueKey } from '../domain/issue-key.js';
import type { IssueRecord } from '../services/issue-records.js';
import type { Db, IssuesTable } from './schema.js';

/** An issue before it has an id, a number and a key (allocated on insert). */
export type NewIssue = Omit<IssueRecord, 'id' | 'number' | 'key' | 'updatedAt'>;

export interface IssueChanges {
  summary?: string;
  description?: string | null;
  priorityId?: string;
}

export interface IssueFilter {
  /** null: every project. */
  projectIds: number[] | null;
}

export interface IssueOrder {
  field: 'created';
  direction: 'asc' | 'desc';
}

export class IssueRepository {
  constructor(private readonly db: Db) {}

  async create(issue: NewIssue): Promise<IssueRecord> {
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
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      return toIssue(row);
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

  async count(filter: IssueFilter): Promise<number> {
    if (filter.projectIds?.length === 0) return 0;
    let query = this.db.selectFrom('issues').select((eb) => eb.fn.countAll<number | string>().as('n'));
    if (filter.projectIds) query = query.where('project_id', 'in', filter.projectIds);
    const row = await query.executeTakeFirstOrThrow();
    return Number(row.n);
  }

  async page(filter: IssueFilter, order: IssueOrder, offset: number, limit: number): Promise<IssueRecord[]> {
    if (filter.projectIds?.length === 0 || limit <= 0) return [];
    let query = this.db.selectFrom('issues').selectAll();
    if (filter.projectIds) query = query.where('project_id', 'in', filter.projectIds);
    const rows = await query
      .orderBy('created_at', order.direction)
      .orderBy('id', order.direction) // ties (same millisecond) keep a stable order across pages
      .limit(limit)
      .offset(offset)
      .execute();
    return rows.map(toIssue);
  }
}

function toIssue(row: Selectable<IssuesTable>): IssueRecord {
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
  };
}
