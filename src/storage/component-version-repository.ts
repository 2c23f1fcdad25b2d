// A project's components and versions (tables from migration 0002), as the project endpoints manage them.
import { sql, type Selectable } from 'kysely';
import type { ComponentRecord, VersionRecord } from '../services/issue-records.js';
import type { ComponentsTable, Db, VersionsTable } from './schema.js';

export interface ProjectComponent extends ComponentRecord {
  leadId: number | null;
}

export interface NewComponent {
  projectId: number;
  name: string;
  description: string;
  leadId: number | null;
  createdAt: number;
}

export type NewVersion = Omit<VersionRecord, 'id'> & { createdAt: number };

export class ComponentVersionRepository {
  constructor(private readonly db: Db) {}

  async components(projectId: number): Promise<ProjectComponent[]> {
    const rows = await this.db.selectFrom('components').selectAll().where('project_id', '=', projectId).orderBy('name').execute();
    return rows.map(toComponent);
  }

  async findComponent(id: number): Promise<ProjectComponent | undefined> {
    const row = await this.db.selectFrom('components').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? toComponent(row) : undefined;
  }

  /** Throws the dialect's unique violation when the project has a component of that name. */
  async insertComponent(c: NewComponent): Promise<ProjectComponent> {
    const row = await this.db.insertInto('components').values({
      project_id: c.projectId, name: c.name, description: c.description, lead_id: c.leadId, created_at: c.createdAt,
    }).returningAll().executeTakeFirstOrThrow();
    return toComponent(row);
  }

  async versions(projectId: number): Promise<VersionRecord[]> {
    const rows = await this.db.selectFrom('versions').selectAll().where('project_id', '=', projectId).orderBy('position').orderBy('id').execute();
    return rows.map(toVersion);
  }

  async findVersion(id: number): Promise<VersionRecord | undefined> {
    const row = await this.db.selectFrom('versions').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? toVersion(row) : undefined;
  }

  /** Appends the version after the project's last one. Throws the dialect's unique violation on a taken name. */
  async insertVersion(v: NewVersion): Promise<VersionRecord> {
    const row = await this.db.insertInto('versions').values({
      project_id: v.projectId, name: v.name, description: v.description, released: v.released ? 1 : 0,
      archived: v.archived ? 1 : 0, release_date: v.releaseDate, created_at: v.createdAt,
      position: sql<number>`(select coalesce(max(position), 0) + 1 from versions where project_id = ${v.projectId})`,
    }).returningAll().executeTakeFirstOrThrow();
    return toVersion(row);
  }
}

function toComponent(row: Selectable<ComponentsTable>): ProjectComponent {
  return { id: row.id, projectId: row.project_id, name: row.name, description: row.description, leadId: row.lead_id };
}

function toVersion(row: Selectable<VersionsTable>): VersionRecord {
  return {
    id: row.id, projectId: row.project_id, name: row.name, description: row.description,
    released: row.released === 1, archived: row.archived === 1, releaseDate: row.release_date,
  };
}
