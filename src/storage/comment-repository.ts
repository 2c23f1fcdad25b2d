// Comments on issues. Adding one also moves the issue's `updated` time, as Jira does.
import type { Selectable } from 'kysely';
import type { CommentRecord } from '../services/issue-records.js';
import type { CommentsTable, Db } from './schema.js';

export interface NewComment {
  issueId: number;
  authorId: number;
  body: string;
  createdAt: number;
}

export class CommentRepository {
  constructor(private readonly db: Db) {}

  async add(comment: NewComment): Promise<CommentRecord> {
    return this.db.transaction().execute(async (trx) => {
      const row = await trx.insertInto('comments')
        .values({
          issue_id: comment.issueId, author_id: comment.authorId, body: comment.body,
          created_at: comment.createdAt, updated_at: comment.createdAt,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      await trx.updateTable('issues').set({ updated_at: comment.createdAt }).where('id', '=', comment.issueId).execute();
      return toComment(row);
    });
  }

  async countForIssue(issueId: number): Promise<number> {
    const row = await this.db.selectFrom('comments')
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .where('issue_id', '=', issueId)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  async findInIssue(issueId: number, commentId: number): Promise<CommentRecord | undefined> {
    const row = await this.db.selectFrom('comments').selectAll().where('issue_id', '=', issueId).where('id', '=', commentId).executeTakeFirst();
    return row ? toComment(row) : undefined;
  }

  async pageForIssue(issueId: number, direction: 'asc' | 'desc', offset: number, limit: number): Promise<CommentRecord[]> {
    if (limit <= 0) return [];
    const rows = await this.db.selectFrom('comments').selectAll()
      .where('issue_id', '=', issueId)
      .orderBy('created_at', direction)
      .orderBy('id', direction)
      .limit(limit)
      .offset(offset)
      .execute();
    return rows.map(toComment);
  }

  /** Every comment of each issue, oldest first. */
  async allForIssues(issueIds: number[]): Promise<Map<number, CommentRecord[]>> {
    const byIssue = new Map<number, CommentRecord[]>(issueIds.map((id) => [id, []]));
    if (issueIds.length === 0) return byIssue;
    const rows = await this.db.selectFrom('comments').selectAll()
      .where('issue_id', 'in', issueIds)
      .orderBy('created_at')
      .orderBy('id')
      .execute();
    for (const row of rows) byIssue.get(row.issue_id)?.push(toComment(row));
    return byIssue;
  }
}

function toComment(row: Selectable<CommentsTable>): CommentRecord {
  return {
    id: row.id, issueId: row.issue_id, authorId: row.author_id, body: row.body,
    createdAt: row.created_at, updatedAt: row.updated_at,
  };
}
