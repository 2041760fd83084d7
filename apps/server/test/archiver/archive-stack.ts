import { Redis } from 'ioredis';
import type pg from 'pg';
import type { Message } from '@chat/shared';
import {
  ArchiverProcess,
  PostgresServer,
  ProcessCluster,
  RedisServer,
  waitUntil,
} from '@chat/testkit';
import { createPostgresPool } from '../../src/postgres/pool';
import { redisKeys } from '../../src/redis/keys';
import { connect, createRoom, registerUser, send, type ClientSocket } from '../support/clients';

/**
 * The archive as deployed, as real processes, for one suite: a redis-server,
 * a PostgreSQL, `instances` built server instances (with DATABASE_URL, so
 * they register the feed, unless `archive: false`), and archivers the tests
 * start and kill. Everything a test opened is closed after the suite.
 */
export interface ArchiveStackOptions {
  instances?: number;
  /** MESSAGE_RETENTION of the instances and archivers; default 10000. */
  retention?: number;
  /** Environment of every archiver, over the stack's. */
  archiverEnv?: Record<string, string>;
  /** Instances start with DATABASE_URL (they register the feed); default true. */
  archive?: boolean;
}

export interface ArchiveStack {
  readonly redis: RedisServer;
  readonly postgres: PostgresServer;
  readonly cluster: ProcessCluster;
  /** A command connection to the suite's Redis. */
  readonly client: Redis;
  /** A pool on the suite's archive database. */
  readonly db: pg.Pool;
  readonly databaseUrl: string;
  readonly keys: ReturnType<typeof redisKeys>;
  url(index: number): string;
  startArchiver(env?: Record<string, string>): Promise<ArchiverProcess>;
  /** Ids of the archived messages of `roomId`, in id order. */
  archivedIds(roomId: string): Promise<string[]>;
  /** A room with one user (and socket) on each instance. */
  room(): Promise<{ roomId: string; senders: ClientSocket[] }>;
}

export function useArchiveStack(options: ArchiveStackOptions = {}): ArchiveStack {
  let redis: RedisServer | undefined;
  let postgres: PostgresServer | undefined;
  let cluster: ProcessCluster | undefined;
  let client: Redis | undefined;
  let db: pg.Pool | undefined;
  let databaseUrl = '';
  const archivers: ArchiverProcess[] = [];
  const sockets: ClientSocket[] = [];
  const retention = String(options.retention ?? 10_000);
  const keys = redisKeys('chat:');
  const need = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`useArchiveStack: ${what} starts in beforeAll`);
    return value;
  };

  beforeAll(async () => {
    [redis, postgres] = await Promise.all([RedisServer.start(), PostgresServer.start()]);
    databaseUrl = await postgres.createDatabase('archive');
    cluster = await ProcessCluster.start({
      instances: options.instances ?? 2,
      redis: { url: redis.url },
      env: () => ({
        MESSAGE_RETENTION: retention,
        MESSAGE_RATE_PER_SEC: '0',
        RATE_LIMITS: 'off',
        PASSWORD_SCRYPT_N: '16384',
        REGISTRATIONS_PER_HOUR: '0',
        LOG_LEVEL: 'warn',
        DATABASE_URL: options.archive === false ? undefined : databaseUrl,
      }),
      serverOptions: () => ({ until: 'ready' }),
      killOnDestroy: true,
    });
    client = new Redis(redis.url);
    db = createPostgresPool(databaseUrl, { max: 2 });
  }, 60_000);

  afterAll(async () => {
    for (const socket of sockets.splice(0)) socket.close();
    await Promise.all(archivers.map((archiver) => archiver.stop('SIGKILL')));
    await cluster?.destroy();
    client?.disconnect();
    await db?.end();
    await Promise.all([redis?.destroy(), postgres?.destroy()]);
  }, 60_000);

  return {
    get redis() {
      return need(redis, 'redis');
    },
    get postgres() {
      return need(postgres, 'postgres');
    },
    get cluster() {
      return need(cluster, 'the cluster');
    },
    get client() {
      return need(client, 'the redis client');
    },
    get db() {
      return need(db, 'the pool');
    },
    get databaseUrl() {
      return databaseUrl;
    },
    keys,
    url: (index) => need(cluster, 'the cluster').servers[index]!.url,
    async startArchiver(env = {}) {
      const archiver = await ArchiverProcess.start({
        REDIS_URL: need(redis, 'redis').url,
        DATABASE_URL: databaseUrl,
        MESSAGE_RETENTION: retention,
        ...options.archiverEnv,
        ...env,
      });
      archivers.push(archiver);
      return archiver;
    },
    async archivedIds(roomId) {
      const { rows } = await need(db, 'the pool').query<{ id: string }>(
        `SELECT message->>'id' AS id FROM messages WHERE room_id = $1 ORDER BY id_ms, id_seq`,
        [roomId],
      );
      return rows.map((row) => row.id);
    },
    async room() {
      const servers = need(cluster, 'the cluster').servers;
      const users = await Promise.all(servers.map((server) => registerUser(server.url)));
      const roomId = await createRoom(servers[0]!.url, users[0]!.token);
      const senders = await Promise.all(
        servers.map((server, i) => connect(server.url, users[i]!.token)),
      );
      sockets.push(...senders);
      for (const socket of senders) {
        const ack = await new Promise<{ ok: boolean }>((resolve) =>
          socket.emit('room:join', { roomId }, resolve as never),
        );
        if (!ack.ok) throw new Error('join failed');
      }
      return { roomId, senders };
    },
  };
}

/**
 * Sends `count` messages to `roomId`, spread over the senders (one per
 * instance) which send concurrently, each waiting for its acks in turn.
 * Resolves with every stored message.
 */
export async function sendMessages(
  senders: ClientSocket[],
  roomId: string,
  count: number,
  label = 'm',
): Promise<Message[]> {
  const perSender = senders.map((_, s) =>
    Array.from({ length: count }, (__, i) => i).filter((i) => i % senders.length === s),
  );
  const sent = await Promise.all(
    senders.map(async (socket, s) => {
      const stored: Message[] = [];
      for (const i of perSender[s]!) stored.push(await send(socket, roomId, `${label} ${i}`));
      return stored;
    }),
  );
  return sent.flat();
}

/** Waits until the archive holds exactly `count` messages of `roomId` (fails on more). */
export async function waitArchived(
  stack: ArchiveStack,
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

/** The sorted ids of `messages`, for comparing with archivedIds (which are in id order too). */
export function idsOf(messages: Message[]): string[] {
  return messages
    .map((message) => message.id)
    .sort((a, b) => {
      const [am, as] = a.split('-').map(Number) as [number, number];
      const [bm, bs] = b.split('-').map(Number) as [number, number];
      return am - bm || as - bs;
    });
}
