// The SQLite dialect module's statement cache and row objects (src/storage/sqlite.ts) must give exactly what
// better-sqlite3 itself gives, whatever the statement, and follow schema changes.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import BetterSqlite3 from 'better-sqlite3';
import { sql, type Kysely } from 'kysely';
import { openSqlite, type DialectModule } from '../../src/storage/sqlite.js';

let dialect: DialectModule;
let db: Kysely<any>;
const plain = new BetterSqlite3(':memory:');

before(async () => {
  dialect = openSqlite(':memory:');
  db = dialect.db as Kysely<any>;
  await sql`CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT, n INTEGER)`.execute(db);
  plain.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT, n INTEGER)');
});
after(async () => {
  await db.destroy();
  plain.close();
});

describe('the SQLite dialect module', () => {
  test('rows equal better-sqlite3\'s own objects, from a kept statement too, whatever the parameters', async () => {
    for (const [id, name] of [[1, 'a'], [2, 'b'], [3, null]] as const) {
      await db.insertInto('t').values({ id, name, n: id * 10 }).execute();
      plain.prepare('INSERT INTO t (id, name, n) VALUES (?, ?, ?)').run(id, name, id * 10);
    }
    for (const id of [1, 2, 3, 4, 1]) {
      const mine = await db.selectFrom('t').selectAll().where('id', '=', id).execute();
      assert.deepEqual(mine, plain.prepare('SELECT * FROM t WHERE id = ?').all(id));
    }
    assert.deepEqual(await db.selectFrom('t').select(['name', 'id']).orderBy('id').execute(), plain.prepare('SELECT name, id FROM t ORDER BY id').all());
  });

  test('a repeated column name: the later one wins, as in better-sqlite3', async () => {
    const text = 'SELECT 1 AS a, 2 AS a, 3 AS b';
    assert.deepEqual((await sql.raw(text).execute(db)).rows, plain.prepare(text).all());
    assert.deepEqual(await db.selectFrom('t').select('name').where('id', '=', 99).execute(), []);
  });

  test('writes report changes and insert ids; RETURNING gives objects', async () => {
    const result = await db.updateTable('t').set({ n: 0 }).where('id', '<', 3).executeTakeFirst();
    assert.equal(result.numUpdatedRows, 2n);
    const inserted = await db.insertInto('t').values({ name: 'x', n: 1 }).returning(['id', 'name']).executeTakeFirstOrThrow();
    assert.deepEqual(inserted, { id: 4, name: 'x' });
    assert.equal((await db.insertInto('t').values({ name: 'y', n: 2 }).executeTakeFirst()).insertId, 5n);
  });

  test('a kept `SELECT *` follows a schema change', async () => {
    const before = await db.selectFrom('t').selectAll().where('id', '=', 1).execute();
    assert.deepEqual(Object.keys(before[0] ?? {}), ['id', 'name', 'n']);
    await sql`ALTER TABLE t ADD COLUMN extra TEXT DEFAULT 'e'`.execute(db);
    const after = await db.selectFrom('t').selectAll().where('id', '=', 1).execute();
    assert.deepEqual(after[0], { ...before[0], extra: 'e' });
  });

  test('more distinct statements than the cache holds, and streaming', async () => {
    for (let i = 0; i < 300; i += 1) {
      assert.deepEqual((await sql.raw(`SELECT ${i} AS v`).execute(db)).rows, [{ v: i }]);
    }
    const streamed: unknown[] = [];
    for await (const row of db.selectFrom('t').select('id').where('id', '<=', 2).orderBy('id').stream()) streamed.push(row);
    assert.deepEqual(streamed, [{ id: 1 }, { id: 2 }]);
  });

  test('refreshStatistics gives the planner statistics for an indexed table with rows', async () => {
    await sql`CREATE INDEX t_n ON t (n)`.execute(db);
    await dialect.refreshStatistics();
    const stats = (await sql<{ idx: string }>`SELECT idx FROM sqlite_stat1 WHERE tbl = 't'`.execute(db)).rows;
    assert.ok(stats.some((s) => s.idx === 't_n'), JSON.stringify(stats));
  });
});
