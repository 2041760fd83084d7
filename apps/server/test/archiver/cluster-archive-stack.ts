import { randomUUID } from 'node:crypto';
import { Cluster } from 'ioredis';
import type pg from 'pg';
import pino from 'pino';
import type { Message } from '@chat/shared';
import { ArchiverProcess, PostgresServer, RedisCluster, waitUntil } from '@chat/testkit';
import { configWith } from '../../src/config';
import type { Backend } from '../../src/ports';
import { ARCHIVE_GROUP } from '../../src/redis/archive-feed';
import { createRedisBackend } from '../../src/redis/backend';
import { redisKeys, type RedisKeys } from '../../src/redis/keys';
import { roomPartition } from '../../src/redis/room-partition';
import { createPostgresPool } from '../../src/postgres/pool';

/**
 * The archive on a real Redis Cluster (issue 15, REDIS_MODE=cluster), for one suite: a
 * RedisCluster (three masters, a replica each), a PostgreSQL, the server's own Redis backend
 * in this process (cluster mode, with DATABASE_URL, so it registers the feed shards as an
 * instance does at start, and appends and changes through the server's MessageLog: the
 * scripts that write room and feed shard in one step), and archiver processes the tests start
 * and kill. Everything is closed after the suite.
 */
export interface ClusterArchiveStack {
  readonly redisCluster: RedisCluster;
  readonly postgres: PostgresServer;
  /** The server's backend (cluster mode, with the archive). */
  readonly backend: Backend;
  /** A Cluster client for inspecting keys. */
  readonly client: Cluster;
  readonly db: pg.Pool;
  readonly databaseUrl: string;
  readonly keys: RedisKeys;
  readonly retention: number;
  startArchiver(env?: Record<string, string>): Promise<ArchiverProcess>;
  /** Appends `count` messages to `roomId` through the server's MessageLog, in turn. */
  append(roomId: string, count: number, label?: string): Promise<Message[]>;
  /** Ids of the archived messages of `roomId`, in id order. */
  archivedIds(roomId: string): Promise<string[]>;
  /** Entries the group holds for `consumer`, over every feed shard. */
  pendingOf(consumer: string): Promise<number>;
}

export function useClusterArchiveStack(options: { retention?: number } = {}): ClusterArchiveStack {
  let redisCluster: RedisCluster | undefined;
  let postgres: PostgresServer | undefined;
  let backend: Backend | undefined;
  let client: Cluster | undefined;
  let db: pg.Pool | undefined;
  let databaseUrl = '';
  const archivers: ArchiverProcess[] = [];
  const retention = options.retention ?? 10_000;
  const keys = redisKeys('chat:', 'cluster');
  const need = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`useClusterArchiveStack: ${what} starts in beforeAll`);
    return value;
  };

  beforeAll(async () => {
    [redisCluster, postgres] = await Promise.all([RedisCluster.start(), PostgresServer.start()]);
    databaseUrl = await postgres.createDatabase('archive');
    backend = createRedisBackend(
      configWith({
        redisUrl: redisCluster.url,
        redisMode: 'cluster',
        databaseUrl,
        messageRetention: retention,
        instanceId: 'archive-cluster-test',
      }),
      pino({ level: 'silent' }),
      { onDropped: () => {} },
    );
    await backend.start();
    client = new Cluster(
      redisCluster.nodes.map((node) => ({ host: '127.0.0.1', port: node.port })),
      { scaleReads: 'master' },
    );
    db = createPostgresPool(databaseUrl, { max: 2 });
  }, 60_000);

  afterAll(async () => {
    await Promise.all(archivers.map((archiver) => archiver.stop('SIGKILL')));
    await backend?.close();
    client?.disconnect();
    await db?.end();
    await Promise.all([redisCluster?.destroy(), postgres?.destroy()]);
  }, 60_000);

  return {
    get redisCluster() {
      return need(redisCluster, 'the redis cluster');
    },
    get postgres() {
      return need(postgres, 'postgres');
    },
    get backend() {
      return need(backend, 'the backend');
    },
    get client() {
      return need(client, 'the cluster client');
    },
    get db() {
      return need(db, 'the pool');
    },
    get databaseUrl() {
      return databaseUrl;
    },
    keys,
    retention,
    async startArchiver(env = {}) {
      const archiver = await ArchiverProcess.start({
        REDIS_URL: need(redisCluster, 'the redis cluster').url,
        REDIS_MODE: 'cluster',
        DATABASE_URL: databaseUrl,
        MESSAGE_RETENTION: String(retention),
        ...env,
      });
      archivers.push(archiver);
      return archiver;
    },
    async append(roomId, count, label = 'm') {
      const log = need(backend, 'the backend').messageLog;
      const stored: Message[] = [];
      for (let i = 0; i < count; i += 1) {
        const result = await log.append(
          {
            roomId,
            userId: 'u1',
            username: 'ann',
            text: `${label} ${i}`,
            clientId: `${label}-${i}-${randomUUID()}`,
          },
          { ratePerSec: 0, burst: 0 },
        );
        if (result.status !== 'stored') throw new Error(`append: ${result.status}`);
        stored.push(result.message);
      }
      return stored;
    },
    async archivedIds(roomId) {
      const { rows } = await need(db, 'the pool').query<{ id: string }>(
        `SELECT message->>'id' AS id FROM messages WHERE room_id = $1 ORDER BY id_ms, id_seq`,
        [roomId],
      );
      return rows.map((row) => row.id);
    },
    async pendingOf(consumer) {
      const cluster = need(client, 'the cluster client');
      const counts = await Promise.all(
        keys.archiveFeeds().map(async (feed) => {
          const summary = (await cluster.xpending(feed, ARCHIVE_GROUP)) as [
            number,
            string | null,
            string | null,
            [string, string][] | null,
          ];
          return Number(summary[3]?.find(([name]) => name === consumer)?.[1] ?? 0);
        }),
      );
      return counts.reduce((sum, one) => sum + one, 0);
    },
  };
}

/**
 * At least `count` room ids in distinct partitions, with at least one on every master of
 * `cluster`: the archive's work is per partition, and each master holds the slots of about a
 * third of them.
 */
export async function roomsAcrossMasters(
  cluster: RedisCluster,
  keys: RedisKeys,
  count: number,
): Promise<string[]> {
  const masters = (await cluster.topology()).filter((node) => node.role === 'master');
  const rooms: string[] = [];
  const partitions = new Set<number>();
  const onMaster = new Set<string>();
  while (rooms.length < count || onMaster.size < masters.length) {
    const roomId = randomUUID();
    const partition = roomPartition(roomId);
    if (partitions.has(partition)) continue;
    partitions.add(partition);
    onMaster.add((await cluster.masterOf(await cluster.keySlot(keys.roomMessages(roomId)))).id);
    rooms.push(roomId);
  }
  return rooms;
}

/** Waits until the archive holds exactly `count` messages of `roomId` (fails on more). */
export async function waitArchivedIn(
  stack: ClusterArchiveStack,
  roomId: string,
  count: number,
  timeoutMs = 20_000,
): Promise<string[]> {
  let ids: string[] = [];
  await waitUntil(
    async () => {
      ids = await stack.archivedIds(roomId);
      if (ids.length > count) throw new Error(`archived ${ids.length} > ${count}`);
      return ids.length === count;
    },
    { timeoutMs, intervalMs: 100, what: `${count} archived messages of ${roomId}` },
  );
  return ids;
}
