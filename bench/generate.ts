// Builds the benchmark database: the app's own migrations create the schema (openDatabase), then one
// better-sqlite3 transaction with prepared statements bulk-inserts a deterministic, realistic data set.
// Databases are kept under bench-data/ keyed by size, seed, generator version and a fingerprint of the schema
// the migrations produce, so a rerun reuses the file until the schema (a new migration) or the generator changes.
import { createHash, randomBytes, scryptSync } from 'node:crypto';
import { existsSync, readFileSync, renameSync, rmSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { sql } from 'kysely';
import { hashPassword } from '../src/services/passwords.js';
import { openDatabase } from '../src/storage/database.js';
import { prepareBulkLoad } from './bulk-load.js';
import { Rng, weights } from './prng.js';
import { COMPONENT_NAMES, ENVIRONMENTS, LABELS, comment, description, people, summary, type IssueKind } from './text.js';

/** Bump when the generated data changes shape: old files are then rebuilt rather than reused. */
const GENERATOR_VERSION = 6;
const SEED = 20260501;
const DAY = 86_400_000;

export const BENCH_PASSWORD = 'bench password, loopback only';
/** Admin, member of every project, no second factor; its password hash uses a cheap scrypt cost (see README). */
export const BENCH_USER = 'bench';
export const BENCH_USER_ID = 1;
/** The same, with the application's default scrypt cost: what a real Basic-auth script pays per request. */
export const BENCH_USER_DEFAULT_COST = 'bench-scrypt';

const PROJECTS = [
  { key: 'CORE', name: 'Core Platform', weight: 30 },
  { key: 'API', name: 'Public API', weight: 18 },
  { key: 'WEB', name: 'Web Frontend', weight: 14 },
  { key: 'MOB', name: 'Mobile Apps', weight: 12 },
  { key: 'OPS', name: 'Operations', weight: 10 },
  { key: 'DATA', name: 'Data Pipeline', weight: 7 },
  { key: 'SEC', name: 'Security', weight: 5 },
  { key: 'DOCS', name: 'Documentation', weight: 4 },
] as const;

const ISSUE_TYPES = weights<[string, IssueKind]>([[['10004', 'Bug'], 35], [['10002', 'Task'], 30], [['10001', 'Story'], 22], [['10003', 'Sub-task'], 10], [['10000', 'Epic'], 3]]);
const PRIORITIES = weights([['1', 3], ['2', 14], ['3', 55], ['4', 21], ['5', 7]] as const);
const RESOLUTIONS = weights([['10000', 80], ['10001', 8], ['10002', 7], ['10003', 5]] as const);
const RESOLUTION_NAMES: Record<string, string> = { '10000': 'Done', '10001': "Won't Do", '10002': 'Duplicate', '10003': 'Cannot Reproduce' };
const STATUS_NAMES: Record<string, string> = { '10000': 'To Do', '3': 'In Progress', '10001': 'Done' };
const LABEL_COUNT = weights([[0, 45], [1, 30], [2, 18], [3, 7]] as const);

export interface BuiltDatabase {
  path: string;
  reused: boolean;
  buildMs: number;
  sizeBytes: number;
  counts: Record<string, number>;
  fts: string;
  schemaFingerprint: string;
  /** The end of the generated time span (issues are created over the two years before it). */
  anchor: number;
}

/** A hash of the schema the app's migrations produce today (every table, index, trigger and virtual table). */
export async function schemaFingerprint(): Promise<string> {
  const dialect = await openDatabase(':memory:');
  try {
    const { rows } = await sql<{ type: string; name: string; sql: string | null }>`
      SELECT type, name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY type, name`.execute(dialect.db);
    const hash = createHash('sha256');
    for (const row of rows) hash.update(`${row.type}\0${row.name}\0${row.sql ?? ''}\n`);
    return hash.digest('hex').slice(0, 12);
  } finally {
    await dialect.db.destroy();
  }
}

export async function ensureDatabase(issues: number, dataDir: string, log: (line: string) => void): Promise<BuiltDatabase> {
  mkdirSync(dataDir, { recursive: true });
  const fingerprint = await schemaFingerprint();
  const base = join(resolve(dataDir), `tessera-${issues}-s${SEED}-g${GENERATOR_VERSION}-${fingerprint}`);
  const path = `${base}.db`;
  const metaPath = `${base}.json`;
  if (existsSync(path) && existsSync(metaPath)) {
    const meta = JSON.parse(readFileSync(metaPath, 'utf8')) as Omit<BuiltDatabase, 'reused' | 'sizeBytes' | 'path'>;
    log(`reusing ${path} (built in ${(meta.buildMs / 1000).toFixed(1)} s)`);
    return { ...meta, path, reused: true, sizeBytes: fileSize(path) };
  }
  const building = `${base}.building.db`;
  for (const f of [building, `${building}-wal`, `${building}-shm`]) rmSync(f, { force: true });
  log(`building ${issues.toLocaleString('en-US')} issues into ${path} …`);
  const started = performance.now();
  const dialect = await openDatabase(building); // the app's migrations create the schema
  await dialect.db.destroy();
  const anchor = Math.floor(Date.now() / DAY) * DAY;
  const { counts, fts } = await generate(building, issues, anchor, log);
  // Planner statistics, as the app gathers them when it opens a database (openDatabase → refreshStatistics), so
  // the hand-written SQL plans with the same statistics as the server from its first query.
  const t1 = performance.now();
  const reopened = await openDatabase(building);
  await sql`PRAGMA wal_checkpoint(TRUNCATE)`.execute(reopened.db);
  await reopened.db.destroy();
  log(`  planner statistics gathered in ${((performance.now() - t1) / 1000).toFixed(1)} s`);
  const buildMs = performance.now() - started;
  renameSync(building, path);
  const meta = { buildMs, counts, fts, schemaFingerprint: fingerprint, anchor };
  writeFileSync(metaPath, `${JSON.stringify(meta, null, 2)}\n`);
  return { ...meta, path, reused: false, sizeBytes: fileSize(path) };
}

function fileSize(path: string): number {
  let size = statSync(path).size;
  for (const extra of [`${path}-wal`]) if (existsSync(extra)) size += statSync(extra).size;
  return size;
}

/** scrypt with a tiny cost in the application's stored format, so Basic auth does not dominate the timings. */
function cheapPasswordHash(password: string): string {
  const salt = randomBytes(16);
  const key = scryptSync(password.normalize('NFC'), salt, 32, { N: 16, r: 8, p: 1 });
  return ['scrypt', 4, 8, 1, salt.toString('base64'), key.toString('base64')].join('$');
}

async function generate(path: string, issueCount: number, anchor: number, log: (line: string) => void):
  Promise<{ counts: Record<string, number>; fts: string }> {
  const db = new BetterSqlite3(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = OFF');
  db.pragma('foreign_keys = OFF'); // consistent by construction; checked below with foreign_key_check on small runs
  db.pragma('cache_size = -262144');
  db.pragma('temp_store = MEMORY');

  // Without secondary indexes and the full-text index during the load; built once after it (bench/bulk-load.ts).
  const bulk = prepareBulkLoad(db);
  const ftsNote = bulk.note;
  log(`full-text: ${ftsNote}`);

  const rng = new Rng(SEED);
  const counts: Record<string, number> = {};
  const bump = (k: string, n = 1) => { counts[k] = (counts[k] ?? 0) + n; };
  const start = anchor - 730 * DAY;

  const insertUser = db.prepare(`INSERT INTO users (id, username, username_lower, display_name, email, password_hash, is_admin, active, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, 1, ?)`);
  const insertProject = db.prepare(`INSERT INTO projects (id, project_key, name, description, lead_id, issue_counter, created_at) VALUES (?, ?, ?, ?, ?, 0, ?)`);
  const insertMember = db.prepare(`INSERT INTO project_members (project_id, user_id, role) VALUES (?, ?, ?)`);
  const insertComponent = db.prepare(`INSERT INTO components (id, project_id, name, description, lead_id, created_at) VALUES (?, ?, ?, '', ?, ?)`);
  const insertVersion = db.prepare(`INSERT INTO versions (id, project_id, name, description, released, archived, release_date, position, created_at) VALUES (?, ?, ?, '', ?, 0, ?, ?, ?)`);
  const insertIssue = db.prepare(`INSERT INTO issues (id, project_id, number, issue_key, issue_type_id, summary, description, priority_id, status_id,
    reporter_id, creator_id, assignee_id, created_at, updated_at, resolution_id, resolved_at, due_date, environment, parent_id)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  // Link rows carry their issue's project and created time (migration 0006).
  const insertLabel = db.prepare(`INSERT INTO issue_labels (issue_id, label, project_id, created_at) VALUES (?, ?, ?, ?)`);
  const insertIssueComponent = db.prepare(`INSERT INTO issue_components (issue_id, component_id, project_id, created_at) VALUES (?, ?, ?, ?)`);
  const insertFixVersion = db.prepare(`INSERT INTO issue_fix_versions (issue_id, version_id, project_id, created_at) VALUES (?, ?, ?, ?)`);
  const insertComment = db.prepare(`INSERT INTO comments (id, issue_id, author_id, body, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)`);
  const insertChange = db.prepare(`INSERT INTO changelog (id, issue_id, author_id, created_at) VALUES (?, ?, ?, ?)`);
  const insertChangeItem = db.prepare(`INSERT INTO changelog_items (id, changelog_id, field, field_type, from_value, from_string, to_value, to_string) VALUES (?, ?, ?, 'jira', ?, ?, ?, ?)`);

  const userCount = Math.max(200, Math.round(issueCount / 200));
  const cheapHash = cheapPasswordHash(BENCH_PASSWORD);
  const defaultCostHash = await hashPassword(BENCH_PASSWORD);

  const load = db.transaction(() => {
    // Users: 1 and 2 are the benchmark's admins; the rest have an unusable password.
    insertUser.run(BENCH_USER_ID, BENCH_USER, BENCH_USER, 'Bench Admin', 'bench@example.com', cheapHash, 1, start);
    insertUser.run(2, BENCH_USER_DEFAULT_COST, BENCH_USER_DEFAULT_COST, 'Bench Admin (default scrypt cost)', 'bench-scrypt@example.com', defaultCostHash, 1, start);
    const users: Array<{ id: number; username: string; displayName: string }> = [];
    for (const [i, p] of people(rng, userCount).entries()) {
      const id = i + 3;
      insertUser.run(id, p.username, p.username.toLowerCase(), p.displayName, `${p.username}@example.com`, '!', 0, start);
      users.push({ id, ...p });
    }
    bump('users', userCount + 2);

    // Projects, members (a third of the users each, the first few admins), components, versions.
    const projectTable = weights(PROJECTS.map((p, i) => [i, p.weight] as const));
    const projects = PROJECTS.map((p, i) => {
      const id = 10000 + i;
      const members: number[] = [];
      for (const u of users) if (rng.chance(1 / 3)) members.push(u.id);
      insertProject.run(id, p.key, p.name, `The ${p.name} team's project.`, members[0] ?? 1, start);
      insertMember.run(id, 1, 'admin');
      insertMember.run(id, 2, 'admin');
      members.forEach((uid, j) => insertMember.run(id, uid, j < 3 ? 'admin' : rng.chance(0.1) ? 'viewer' : 'member'));
      bump('project_members', members.length + 2);
      return { id, key: p.key, members, counter: 0, components: [] as number[], versions: [] as Array<{ id: number; until: number }>, recent: [] as number[] };
    });
    bump('projects', projects.length);
    let componentId = 10000;
    let versionId = 10000;
    for (const p of projects) {
      const names = COMPONENT_NAMES.filter(() => rng.chance(0.7));
      for (const name of names) {
        insertComponent.run(componentId, p.id, name, rng.pick(p.members), start);
        p.components.push(componentId++);
      }
      // A release every two months: 1.0 … 13.0 over the two years.
      for (let v = 0; v < 13; v += 1) {
        const releaseAt = start + (v + 1) * 60 * DAY;
        insertVersion.run(versionId, p.id, `${v + 1}.0`, releaseAt <= anchor ? 1 : 0, new Date(releaseAt).toISOString().slice(0, 10), v + 1, start);
        p.versions.push({ id: versionId++, until: releaseAt });
      }
      bump('components', p.components.length);
      bump('versions', p.versions.length);
    }

    let commentId = 10000;
    let changeId = 10000;
    let itemId = 10000;
    const step = (730 * DAY) / issueCount;
    const progressEvery = Math.max(50_000, Math.floor(issueCount / 10));
    for (let i = 0; i < issueCount; i += 1) {
      const id = 10000 + i;
      const p = projects[rng.weighted(projectTable)]!;
      p.counter += 1;
      const [typeId, kind] = rng.weighted(ISSUE_TYPES);
      const created = Math.floor(start + i * step + rng.next() * step);
      const ageDays = (anchor - created) / DAY;
      const pDone = Math.min(0.93, 0.1 + ageDays / 180);
      const r = rng.next();
      const statusId = r < pDone ? '10001' : r < pDone + (1 - pDone) * 0.3 ? '3' : '10000';
      const assignee = statusId === '10000' && rng.chance(0.4) ? null : rng.chance(0.08) ? null : rng.skewed(p.members, 2.2);
      const reporter = rng.pick(p.members);
      let resolutionId: string | null = null;
      let resolvedAt: number | null = null;
      if (statusId === '10001') {
        resolutionId = rng.weighted(RESOLUTIONS);
        resolvedAt = Math.min(anchor - 60_000, created + Math.floor(DAY * (0.5 + -Math.log(1 - rng.next()) * 12)));
      }
      const lastTouch = resolvedAt ?? created;
      const updated = Math.min(anchor - 1000, lastTouch + Math.floor(rng.next() ** 3 * (anchor - lastTouch)));
      const parent = kind === 'Sub-task' && p.recent.length > 0 ? rng.pick(p.recent) : null;
      const dueDate = rng.chance(0.15) ? new Date(created + rng.int(7, 60) * DAY).toISOString().slice(0, 10) : null;
      const environment = kind === 'Bug' && rng.chance(0.3) ? rng.pick(ENVIRONMENTS) : null;
      insertIssue.run(id, p.id, p.counter, `${p.key}-${p.counter}`, kind === 'Sub-task' && parent === null ? '10002' : typeId,
        summary(rng, kind), rng.chance(0.93) ? description(rng, kind) : null, rng.weighted(PRIORITIES), statusId,
        reporter, reporter, assignee, created, updated, resolutionId, resolvedAt, dueDate, environment, parent);
      if (kind !== 'Sub-task') {
        p.recent.push(id);
        if (p.recent.length > 200) p.recent.shift();
      }

      const labelCount = rng.weighted(LABEL_COUNT);
      const labels = new Set<string>();
      for (let k = 0; k < labelCount; k += 1) labels.add(rng.skewed(LABELS, 1.8));
      for (const label of labels) insertLabel.run(id, label, p.id, created);
      bump('issue_labels', labels.size);
      if (p.components.length > 0 && rng.chance(0.7)) {
        const first = rng.skewed(p.components, 1.5);
        insertIssueComponent.run(id, first, p.id, created);
        bump('issue_components');
        if (rng.chance(0.2)) {
          const second = rng.pick(p.components);
          if (second !== first) { insertIssueComponent.run(id, second, p.id, created); bump('issue_components'); }
        }
      }
      if (rng.chance(statusId === '10001' ? 0.7 : 0.3)) {
        const version = p.versions.find((v) => v.until >= (resolvedAt ?? created)) ?? p.versions[p.versions.length - 1]!;
        insertFixVersion.run(id, version.id, p.id, created);
        bump('issue_fix_versions');
      }

      if (rng.chance(0.35)) {
        const n = 1 + Math.floor(-Math.log(1 - rng.next()) * 1.2);
        let at = created;
        for (let k = 0; k < Math.min(n, 12); k += 1) {
          at = Math.min(anchor - 1000, at + Math.floor(rng.next() * 5 * DAY));
          insertComment.run(commentId++, id, rng.pick(p.members), comment(rng), at, at);
          bump('comments');
        }
      }

      // The changelog: status moves (with resolution on Done) and a first assignment now and then.
      if (assignee !== null && rng.chance(0.3)) {
        const who = users[assignee - 3];
        const at = created + Math.floor(rng.next() * DAY);
        insertChange.run(changeId, id, reporter, at);
        insertChangeItem.run(itemId++, changeId++, 'assignee', null, null, who?.username ?? null, who?.displayName ?? null);
        bump('changelog'); bump('changelog_items');
      }
      if (statusId !== '10000') {
        const startedAt = Math.min(resolvedAt ?? anchor - 1000, created + Math.floor(rng.next() * 3 * DAY));
        insertChange.run(changeId, id, assignee ?? reporter, startedAt);
        insertChangeItem.run(itemId++, changeId++, 'status', '10000', STATUS_NAMES['10000']!, '3', STATUS_NAMES['3']!);
        bump('changelog'); bump('changelog_items');
        if (statusId === '10001') {
          insertChange.run(changeId, id, assignee ?? reporter, resolvedAt);
          insertChangeItem.run(itemId++, changeId, 'status', '3', STATUS_NAMES['3']!, '10001', STATUS_NAMES['10001']!);
          insertChangeItem.run(itemId++, changeId++, 'resolution', null, null, resolutionId, RESOLUTION_NAMES[resolutionId!]!);
          bump('changelog'); bump('changelog_items', 2);
        }
      }
      if ((i + 1) % progressEvery === 0) log(`  … ${(i + 1).toLocaleString('en-US')} issues`);
    }
    bump('issues', issueCount);
    for (const p of projects) db.prepare(`UPDATE projects SET issue_counter = ? WHERE id = ?`).run(p.counter, p.id);
  });
  const t0 = performance.now();
  load();
  log(`  rows inserted in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

  await bulk.finish(log);
  if (issueCount <= 200_000) {
    const problems = db.prepare('PRAGMA foreign_key_check').all();
    if (problems.length > 0) throw new Error(`generated data breaks ${problems.length} foreign keys, e.g. ${JSON.stringify(problems[0])}`);
  }
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
  return { counts, fts: ftsNote };
}
