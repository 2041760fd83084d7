import pino from 'pino';
import { RedisCluster, RedisServer, type EmbeddedDataDir } from '@chat/testkit';
import { configWith, type Config } from '../../src/config';
import { createChatServer, type ChatServer } from '../../src/server';
import { connect, Inbox, registerUser, type ClientSocket } from './clients';
import { migratedDataDir } from './data-dir';

/**
 * Several chat server instances in this process, each with its own Redis
 * connections (or one embedded instance when no Redis URL is given), on
 * free ports, silent.
 */
export class TestCluster {
  /** Every log line of every instance, when started with `captureLogs`; empty otherwise. */
  readonly logLines: string[] = [];
  /** The DATA_DIRs it made for embedded instances (deleted when it stops). */
  private readonly dataDirs: EmbeddedDataDir[] = [];

  private constructor(readonly servers: ChatServer[]) {}

  /**
   * `captureLogs`: every instance logs everything (level trace) into `logLines`, through a plain
   * pino logger without the production redact list, so a test sees exactly what the server code
   * itself puts in its log lines. An embedded instance gets a fresh DATA_DIR of its own (a copy
   * of the test kit's template) unless `overrides` names one.
   */
  static async start(
    count: number,
    redisUrl: string | undefined,
    overrides: Partial<Config> = {},
    options: { captureLogs?: boolean } = {},
  ): Promise<TestCluster> {
    const cluster = new TestCluster([]);
    for (let i = 0; i < count; i += 1) {
      const config = configWith({
        port: 0,
        host: '127.0.0.1',
        redisUrl,
        logLevel: options.captureLogs ? 'trace' : 'silent',
        messageRatePerSec: 0,
        // Suites register users by the dozen from one address, quickly: no registration limit,
        // and the cheapest password hash the server accepts (hardening/ tests set their own).
        registrationsPerHour: 0,
        passwordScryptN: 2 ** 14,
        instanceId: `test-${i}`,
        redisKeyPrefix: 'chat:',
        ...overrides,
      });
      if (!redisUrl && overrides.dataDir === undefined) {
        const dataDir = await migratedDataDir();
        cluster.dataDirs.push(dataDir);
        config.dataDir = dataDir.path;
      }
      const logger = options.captureLogs
        ? pino(
            { level: 'trace', base: { instance: config.instanceId } },
            { write: (line: string) => cluster.logLines.push(line) },
          )
        : undefined;
      const server = await createChatServer(config, { logger });
      await server.listen();
      cluster.servers.push(server);
    }
    return cluster;
  }

  /** Instance `index`'s URL; with fewer instances, wraps around (embedded mode has one). */
  url(index: number): string {
    return `http://127.0.0.1:${this.servers[index % this.servers.length]!.port()}`;
  }

  async stop(): Promise<void> {
    await Promise.all(this.servers.map((server) => server.close()));
    for (const dataDir of this.dataDirs.splice(0)) dataDir.remove();
  }
}

export interface ClusterOptions {
  /** Server instances, in this process; default 2. */
  instances?: number;
  /**
   * The suite's own redis-server (testkit's), with an append-only file when
   * `aof`; default `{}` (AOF off). `false`: no Redis, the embedded single node.
   * `{ cluster: true }` (issue 15): a real Redis Cluster of the suite's own (three masters,
   * a replica each), every instance with REDIS_MODE=cluster.
   */
  redis?: { aof?: boolean; cluster?: false } | { cluster: true } | false;
  /**
   * Config of every instance, over the tests' defaults (no message or registration rate limit,
   * scrypt N=2^14, silent).
   */
  config?: Partial<Config>;
  /** Every instance logs at level trace into `logLines` (see TestCluster.start). */
  captureLogs?: boolean;
}

/** Anything a test opens and the fixture closes for it. */
export interface Closeable {
  close(): void;
}

/** What `useCluster` hands a suite; valid from its first beforeAll on. */
export interface ClusterFixture {
  /** Instance `index`'s URL (wraps around on the single node). */
  url(index: number): string;
  readonly servers: ChatServer[];
  readonly logLines: string[];
  /** The suite's redis-server (throws on the embedded and Redis Cluster topologies). */
  readonly redis: RedisServer;
  /** The suite's Redis Cluster (throws unless started with `redis: { cluster: true }`). */
  readonly redisCluster: RedisCluster;
  /** 'single', 'cluster' or 'embedded': what the suite runs on. */
  readonly mode: 'single' | 'cluster' | 'embedded';
  /** Sockets to close after the current test: push what a test opens. */
  readonly sockets: ClientSocket[];
  /** A new user with a socket on instance `index` (closed after the test) and its inbox. */
  userOn(index: number): Promise<Awaited<ReturnType<typeof registerUser>> & UserSocket>;
  /** Another socket of the user of `token` on instance `index`, closed after the test. */
  socketOn(index: number, token: string): Promise<ClientSocket>;
  /** Closes `thing` after every test of the suite, before the cluster stops. */
  closeAfterAll<T extends Closeable>(thing: T): T;
}

interface UserSocket {
  socket: ClientSocket;
  inbox: Inbox;
}

/**
 * A suite's cluster: registers the beforeAll that starts it (Redis first, on
 * a free port) and the afterEach and afterAll that close what the suite
 * opened and stop it, Redis last. Call it at the top of a suite (or of a
 * describe block), before the hooks that use it.
 */
export function useCluster(options: ClusterOptions = {}): ClusterFixture {
  let redis: RedisServer | undefined;
  let redisCluster: RedisCluster | undefined;
  let cluster: TestCluster | undefined;
  const mode = options.redis === false ? 'embedded' : options.redis?.cluster ? 'cluster' : 'single';
  const sockets: ClientSocket[] = [];
  const suiteLong: Closeable[] = [];
  const started = (): TestCluster => {
    if (!cluster)
      throw new Error('useCluster: the cluster starts in beforeAll; use it in a hook or test');
    return cluster;
  };

  beforeAll(async () => {
    if (mode === 'cluster') redisCluster = await RedisCluster.start();
    else if (options.redis !== false)
      redis = await RedisServer.start({
        appendOnly: options.redis && !options.redis.cluster ? options.redis.aof : undefined,
      });
    const config: Partial<Config> =
      mode === 'cluster' ? { redisMode: 'cluster', ...options.config } : (options.config ?? {});
    cluster = await TestCluster.start(
      options.instances ?? 2,
      redisCluster?.url ?? redis?.url,
      config,
      { captureLogs: options.captureLogs },
    );
  });
  afterEach(() => {
    for (const socket of sockets.splice(0)) socket.close();
  });
  afterAll(async () => {
    for (const thing of suiteLong.splice(0)) thing.close();
    await cluster?.stop();
    await redis?.destroy();
    await redisCluster?.destroy();
  });

  return {
    url: (index) => started().url(index),
    get servers() {
      return started().servers;
    },
    get logLines() {
      return started().logLines;
    },
    get redis() {
      if (!redis) throw new Error('useCluster: this topology has no single Redis');
      return redis;
    },
    get redisCluster() {
      if (!redisCluster) throw new Error('useCluster: this topology has no Redis Cluster');
      return redisCluster;
    },
    mode,
    sockets,
    async userOn(index) {
      const session = await registerUser(started().url(index));
      const socket = await connect(started().url(index), session.token);
      sockets.push(socket);
      return { ...session, socket, inbox: new Inbox(socket) };
    },
    async socketOn(index, token) {
      const socket = await connect(started().url(index), token);
      sockets.push(socket);
      return socket;
    },
    closeAfterAll(thing) {
      suiteLong.push(thing);
      return thing;
    },
  };
}

/**
 * The topologies a feature test runs on: two instances sharing a real Redis, two on a real
 * Redis Cluster (REDIS_MODE=cluster, issue 15: one suite, every mode), and the embedded
 * single node. Tests address "instance 0" and "instance 1"; on the single node both are the
 * same server.
 */
export function topologies(config: Partial<Config> = {}): [string, ClusterOptions][] {
  return [
    ['two instances on Redis', { instances: 2, config }],
    ['two instances on a Redis Cluster', { instances: 2, redis: { cluster: true }, config }],
    ['embedded single node', { instances: 1, redis: false, config }],
  ];
}
