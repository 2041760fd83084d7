import { PostgresServer } from '@chat/testkit';
import type pg from 'pg';
import { LIST_RANGE, PostgresArchive, SEARCH } from '../../src/postgres/archive';
import { migrate } from '../../src/postgres/migrate';
import { createPostgresPool } from '../../src/postgres/pool';
import { poolSqlClient } from '../../src/postgres/sql-client';
import { message } from './archive-contract';

/*
 * What only PostgreSQL itself can show: the schema is created once when
 * every process migrates at the same moment, and the archive's reads run
 * on its indexes.
 */

let server: PostgresServer;
const pools: pg.Pool[] = [];
const pool = (url: string) => {
  const created = createPostgresPool(url, { max: 2 });
  pools.push(created);
  return created;
};

beforeAll(async () => {
  server = await PostgresServer.start();
});
afterAll(async () => {
  await Promise.all(pools.map((p) => p.end()));
  await server.destroy();
});

test('eight processes migrating one database at once: one schema, no error', async () => {
  const url = await server.createDatabase('concurrent_migrations');
  const runs = await Promise.all(Array.from({ length: 8 }, () => migrate(pool(url))));
  expect(runs.flat()).toEqual(['0001-messages', '0002-versions']);
  expect(runs.filter((applied) => applied.length > 0)).toHaveLength(1);
  const check = pool(url);
  const tables = await check.query<{ name: string }>(
    `SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public' ORDER BY 1`,
  );
  expect(tables.rows.map((row) => row.name)).toEqual([
    'kysely_migration',
    'kysely_migration_lock',
    'messages',
  ]);
  const applied = await check.query('SELECT name FROM kysely_migration ORDER BY name');
  expect(applied.rows).toEqual([{ name: '0001-messages' }, { name: '0002-versions' }]);
  // And later starts find nothing to do.
  expect(await migrate(check)).toEqual([]);
  // Nobody is left holding the lock.
  const locks = await check.query(`SELECT 1 FROM pg_locks WHERE locktype = 'advisory'`);
  expect(locks.rowCount).toBe(0);
});

describe('query plans', () => {
  let db: pg.Pool;
  beforeAll(async () => {
    db = pool(await server.createDatabase('plans'));
    await migrate(db);
    const archive = new PostgresArchive(poolSqlClient(db));
    const words = ['alpha', 'beta', 'gamma', 'delta', 'epsilon'];
    for (let room = 0; room < 5; room += 1) {
      const batch = Array.from({ length: 2000 }, (_, i) =>
        message(`room-${room}`, `${1700000000000 + i}-0`, `${words[i % 5]} number ${i}`),
      );
      batch[1234] = message(`room-${room}`, '1700000001234-0', 'a rare zeppelin');
      await archive.writeBatch(batch);
    }
    await db.query('ANALYZE messages');
  });
  const plan = async (statement: string, parameters: unknown[]) => {
    const { rows } = await db.query<{ 'QUERY PLAN': unknown }>(
      `EXPLAIN (FORMAT JSON) ${statement}`,
      parameters,
    );
    return JSON.stringify(rows[0]!['QUERY PLAN']);
  };

  test('search finds its matches through the GIN index', async () => {
    const text = await plan(SEARCH, [
      "'zeppel':*",
      ['room-1', 'room-2'],
      '9223372036854775807',
      '9223372036854775807',
      21,
    ]);
    expect(text).toContain('"Index Name":"messages_search"');
    expect(text).not.toContain('Seq Scan');
  });

  test('a history page is a range scan of the primary key', async () => {
    const text = await plan(LIST_RANGE, ['room-3', '1700000000100', '0', '1700000000900', '0', 51]);
    expect(text).toContain('"Index Name":"messages_pkey"');
    expect(text).toContain('"Scan Direction":"Backward"');
    expect(text).not.toContain('Seq Scan');
    expect(text).not.toContain('"Node Type":"Sort"');
  });
});
