// Migration 0003: the full-text index behind JQL's `~` (summary, description, environment and comment bodies
// per issue). Index DDL differs per database, so the dialect module provides it (SQLite: FTS5 + triggers).
// Frozen: never import application code here, never edit after release.
import type { Kysely } from 'kysely';

export type CreateFullTextIndex = (db: Kysely<unknown>) => Promise<void>;

export async function up(db: Kysely<unknown>, createFullTextIndex: CreateFullTextIndex): Promise<void> {
  await createFullTextIndex(db);
}
