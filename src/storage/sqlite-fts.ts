// SQLite's full-text index (FTS5): one row per issue (rowid = issue id) with the text JQL's `~` searches, kept
// in step by triggers so no write path has to remember it. A PostgreSQL module would provide a tsvector column
// and its own matchFullText instead; the JQL compiler only sees the two functions below.
import { sql, type Expression, type Kysely, type RawBuilder, type SqlBool } from 'kysely';
import type { TextTerm } from '../domain/jql/text-terms.js';

/** The columns of the index; `text` searches them all. */
export type FullTextColumn = 'summary' | 'description' | 'environment' | 'comments';

const COMMENTS_OF = (issue: string) => `(SELECT group_concat(body, ' ') FROM comments WHERE issue_id = ${issue})`;
const REFRESH_COMMENTS = (issue: string) => `UPDATE issue_text SET comments = ${COMMENTS_OF(issue)} WHERE rowid = ${issue};`;

const DDL = [
  // porter: English stemming, as Jira's Lucene analyser stems ("crashes" finds "crash").
  `CREATE VIRTUAL TABLE issue_text USING fts5(summary, description, environment, comments,
     tokenize = 'porter unicode61 remove_diacritics 2')`,
  `INSERT INTO issue_text (rowid, summary, description, environment, comments)
     SELECT id, summary, description, environment, ${COMMENTS_OF('issues.id')} FROM issues`,
  `CREATE TRIGGER issue_text_issue_insert AFTER INSERT ON issues BEGIN
     INSERT INTO issue_text (rowid, summary, description, environment, comments)
       VALUES (new.id, new.summary, new.description, new.environment, NULL);
   END`,
  `CREATE TRIGGER issue_text_issue_update AFTER UPDATE OF summary, description, environment ON issues BEGIN
     UPDATE issue_text SET summary = new.summary, description = new.description, environment = new.environment
       WHERE rowid = new.id;
   END`,
  `CREATE TRIGGER issue_text_issue_delete AFTER DELETE ON issues BEGIN
     DELETE FROM issue_text WHERE rowid = old.id;
   END`,
  `CREATE TRIGGER issue_text_comment_insert AFTER INSERT ON comments BEGIN ${REFRESH_COMMENTS('new.issue_id')} END`,
  `CREATE TRIGGER issue_text_comment_update AFTER UPDATE OF body ON comments BEGIN ${REFRESH_COMMENTS('new.issue_id')} END`,
  `CREATE TRIGGER issue_text_comment_delete AFTER DELETE ON comments BEGIN ${REFRESH_COMMENTS('old.issue_id')} END`,
];

export async function createFullTextIndex(db: Kysely<unknown>): Promise<void> {
  for (const statement of DDL) await sql.raw(statement).execute(db);
}

/** FTS5 string syntax: each term double-quoted (inner quotes doubled), so no character is an operator. */
const quoted = (term: TextTerm): string => `"${term.words.join(' ').replace(/"/g, '""')}"${term.prefix ? '*' : ''}`;

/** The FTS5 query for terms that must all match, restricted to some columns (all when none given). */
export function fullTextQuery(terms: readonly TextTerm[], columns: readonly FullTextColumn[]): string {
  const body = terms.map(quoted).join(' AND ');
  return columns.length === 0 ? `(${body})` : `{${columns.join(' ')}} : (${body})`;
}

/** `issue id IN (issues whose indexed text matches)`; the query string travels as a bound parameter. */
export function matchFullText(issueId: Expression<number>, ftsQuery: string): RawBuilder<SqlBool> {
  return sql<SqlBool>`${issueId} IN (SELECT rowid FROM issue_text WHERE issue_text MATCH ${ftsQuery})`;
}
