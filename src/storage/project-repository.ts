// Projects. Issue numbers are allocated from projects.issue_counter by the issue repository.
import type { Selectable } from 'kysely';
import type { ProjectRecord } from '../services/issue-records.js';
import type { Db, ProjectsTable } from './schema.js';

export interface NewProject {
  key: string;
  name: string;
  description: string;
  leadId: number;
  createdAt: number;
}

export class ProjectRepository {
  constructor(private readonly db: Db) {}

  async list(): Promise<ProjectRecord[]> {
    const rows = await this.db.selectFrom('projects').selectAll().orderBy('project_key').execute();
    return rows.map(toProject);
  }

  async findById(id: number): Promise<ProjectRecord | undefined> {
    const row = await this.db.selectFrom('projects').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? toProject(row) : undefined;
  }

  async findByKey(key: string): Promise<ProjectRecord | undefined> {
    const row = await this.db.selectFrom('projects').selectAll().where('project_key', '=', key).executeTakeFirst();
    return row ? toProject(row) : undefined;
  }

  async findByIds(ids: Iterable<number>): Promise<Map<number, ProjectRecord>> {
    const unique = [...new Set(ids)];
    if (unique.length === 0) return new Map();
    const rows = await this.db.selectFrom('projects').selectAll().where('id', 'in', unique).execute();
    return new Map(rows.map((row) => [row.id, toProject(row)]));
  }

  /** Throws the dialect's unique violation when the key is taken. */
  async insert(project: NewProject): Promise<ProjectRecord> {
    const row = await this.db.insertInto('projects')
      .values({
        project_key: project.key, name: project.name, description: project.description,
        lead_id: project.leadId, issue_counter: 0, created_at: project.createdAt,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    return toProject(row);
  }
}

function toProject(row: Selectable<ProjectsTable>): ProjectRecord {
  return {
    id: row.id, key: row.project_key, name: row.name, description: row.description,
    leadId: row.lead_id, createdAt: row.created_at,
  };
}
