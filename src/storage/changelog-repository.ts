// The issue changelog: one group per change (author, time), one item per field changed, written inside the
// transaction of the change itself. Item conventions (JQL's WAS / CHANGED read them, keep them exact):
// `field` is Jira's field name as Jira writes it ('status', 'assignee', 'labels', 'Component', 'Fix Version', …),
// `fieldType` 'jira'; ids (status, priority, resolution, component, version) or usernames go in from/to,
// display text in fromString/toString; labels: the sorted, space-separated list as the string, no value.
import type { Db } from './schema.js';

export interface ChangeItem {
  field: string;
  fieldType: string;
  from: string | null;
  fromString: string | null;
  to: string | null;
  toString: string | null;
}

export interface ChangeGroup {
  id: number;
  issueId: number;
  authorId: number | null;
  createdAt: number;
  items: ChangeItem[];
}

export class ChangelogRepository {
  constructor(private readonly db: Db) {}

  /** Writes one group with its items; nothing when there are no items. Pass the transaction of the change. */
  static async write(trx: Db, issueId: number, authorId: number | null, createdAt: number, items: ChangeItem[]): Promise<void> {
    if (items.length === 0) return;
    const group = await trx.insertInto('changelog')
      .values({ issue_id: issueId, author_id: authorId, created_at: createdAt })
      .returning('id')
      .executeTakeFirstOrThrow();
    await trx.insertInto('changelog_items').values(items.map((item) => ({
      changelog_id: group.id, field: item.field, field_type: item.fieldType,
      from_value: item.from, from_string: item.fromString, to_value: item.to, to_string: item.toString,
    }))).execute();
  }

  /** Every group of each issue, oldest first, items in the order they were written. */
  async forIssues(issueIds: number[]): Promise<Map<number, ChangeGroup[]>> {
    const byIssue = new Map<number, ChangeGroup[]>(issueIds.map((id) => [id, []]));
    if (issueIds.length === 0) return byIssue;
    const rows = await this.db.selectFrom('changelog as c')
      .innerJoin('changelog_items as i', 'i.changelog_id', 'c.id')
      .select(['c.id as groupId', 'c.issue_id', 'c.author_id', 'c.created_at', 'i.field', 'i.field_type',
        'i.from_value', 'i.from_string', 'i.to_value', 'i.to_string'])
      .where('c.issue_id', 'in', issueIds)
      .orderBy('c.created_at').orderBy('c.id').orderBy('i.id')
      .execute();
    const groups = new Map<number, ChangeGroup>();
    for (const row of rows) {
      let group = groups.get(row.groupId);
      if (!group) {
        group = { id: row.groupId, issueId: row.issue_id, authorId: row.author_id, createdAt: row.created_at, items: [] };
        groups.set(row.groupId, group);
        byIssue.get(row.issue_id)?.push(group);
      }
      group.items.push({
        field: row.field, fieldType: row.field_type, from: row.from_value, fromString: row.from_string,
        to: row.to_value, toString: row.to_string,
      });
    }
    return byIssue;
  }

  async forIssue(issueId: number): Promise<ChangeGroup[]> {
    return (await this.forIssues([issueId])).get(issueId) ?? [];
  }
}
