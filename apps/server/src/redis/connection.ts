import { readFileSync } from 'node:fs';
import { Cluster, Redis, type ClusterOptions, type RedisOptions } from 'ioredis';
import type { Logger } from 'pino';
import { redactRedisUrl, type Config } from '../config';
import { SCRIPT_COMMANDS } from './scripts';
import { batchWritesPerTick } from './tick-batched-writes';

/** `blocking`: a connection of its own for blocking reads (the archiver's XREADGROUP BLOCK). */
export type ConnectionRole = 'commands' | 'subscriber' | 'blocking';

/** What a connection needs of the config (the server's Config has it all; so has the archiver's). */
export type RedisConnectionConfig = Pick<
  Config,
  'redisUrl' | 'redisTlsCaFile' | 'redisCommandTimeoutMs' | 'instanceId' | 'redisMode'
>;

/**
 * A connection to the deployment's Redis: one server (REDIS_MODE=single) or ioredis's
 * Cluster client (REDIS_MODE=cluster), which routes each command by its first key's slot,
 * follows MOVED and ASK redirections, and refreshes its slot map after a failover. Both
 * offer the same commands; what differs (sharded Pub/Sub, which node WAIT goes to) is
 * handled where it matters (cluster-subscriber.ts, message-log.ts).
 */
export type RedisClient = Redis | Cluster;

/**
 * One ioredis connection for `role`. Commands never queue while Redis is
 * away and never retry on their own: a send during an outage fails fast with
 * `unavailable` (the client resends with the same clientId), instead of being
 * acked late or twice. The subscriber reconnects and resubscribes by itself.
 */
export function createRedisConnection(
  config: RedisConnectionConfig,
  role: ConnectionRole,
  logger: Logger,
): Redis {
  const url = config.redisUrl;
  if (!url) throw new Error('createRedisConnection needs REDIS_URL');
  const redis = new Redis(url, connectionOptions(config, role, url));
  // Issue 16: a turn's commands leave in one write (tick-batched-writes.ts).
  if (role === 'commands') batchWritesPerTick(redis);
  reportErrors(redis, role, redactRedisUrl(url), logger);
  return redis;
}

/**
 * Issue 15: the Cluster client for `role`, seeded with every node of REDIS_URL (each
 * `redis://` or `rediss://` with the same credentials; any one that answers is enough).
 * Each node connection gets the options of single mode (no offline queue for commands, a
 * command timeout, TLS with REDIS_TLS_CA). `subscriber` enables ioredis's sharded
 * subscribers: one subscribed connection per master, resubscribed after a failover or a slot
 * migration (cluster-subscriber.ts reports each such break as a resync). Commands are retried
 * on MOVED/ASK and TRYAGAIN by the client itself (those mean "ask another node", not "Redis
 * is away"); `CLUSTERDOWN` fails fast with `unavailable` like any other outage.
 */
export function createRedisCluster(
  config: RedisConnectionConfig,
  role: ConnectionRole,
  logger: Logger,
): Cluster {
  const url = config.redisUrl;
  if (!url) throw new Error('createRedisCluster needs REDIS_URL');
  const seeds = url.split(',').map((item) => item.trim());
  const first = new URL(seeds[0]!);
  const options: ClusterOptions = {
    lazyConnect: true,
    enableOfflineQueue: role === 'subscriber',
    enableReadyCheck: true,
    shardedSubscribers: role === 'subscriber',
    // Commands: what a store sends at once to many slots (a room list's hashes, unread counts'
    // scripts) leaves as one write per node instead of one per command (docs/BENCHMARKS.md
    // "Unread counts on a Redis Cluster"). Not the scripts: ioredis 6 routes those wrongly
    // when auto-pipelined (scripts.ts); they still go out at once, one write each.
    enableAutoPipelining: role === 'commands',
    autoPipeliningIgnoredCommands: SCRIPT_COMMANDS,
    // Every read and write goes to the slot's master: replicas lag (docs/RELIABILITY.md).
    scaleReads: 'master',
    maxRedirections: 16,
    retryDelayOnMoved: 0,
    retryDelayOnFailover: 100,
    retryDelayOnClusterDown: 100,
    retryDelayOnTryAgain: 100,
    slotsRefreshTimeout: Math.min(config.redisCommandTimeoutMs, 2000),
    clusterRetryStrategy: (attempt) => Math.min(100 * 2 ** attempt, 2000),
    redisOptions: {
      ...connectionOptions(config, role, seeds[0]!),
      username: first.username ? decodeURIComponent(first.username) : undefined,
      password: first.password ? decodeURIComponent(first.password) : undefined,
      lazyConnect: undefined,
    },
  };
  // Hosted clusters with TLS announce node addresses their certificates are issued for:
  // connect to the announced name as is (no DNS rewrite to an IP the certificate lacks).
  if (first.protocol === 'rediss:')
    options.dnsLookup = (address, callback) => callback(null, address);
  const nodes = seeds.map((seed) => {
    const parsed = new URL(seed);
    return { host: parsed.hostname, port: Number(parsed.port || 6379) };
  });
  const cluster = new Cluster(nodes, options);
  // Each node's connection as in single mode: what auto-pipelining leaves out (the scripts, the
  // append among them) still leaves in one write per turn per node, not one per script.
  if (role === 'commands') cluster.on('+node', (node: Redis) => batchWritesPerTick(node));
  reportErrors(cluster, role, seeds.map(redactRedisUrl).join(','), logger);
  return cluster;
}

/** The options a single connection (or each node connection of a cluster) is made with. */
function connectionOptions(
  config: RedisConnectionConfig,
  role: ConnectionRole,
  url: string,
): RedisOptions {
  const options: RedisOptions = {
    connectionName: `chat:${config.instanceId}:${role}`,
    lazyConnect: true,
    enableOfflineQueue: role === 'subscriber',
    maxRetriesPerRequest: 0,
    commandTimeout: role === 'subscriber' ? undefined : config.redisCommandTimeoutMs,
    retryStrategy: (attempt) => Math.min(100 * 2 ** attempt, 2000),
    // A wrong password or ACL user is not going to fix itself: do not retry it.
    reconnectOnError: () => false,
  };
  if (url.startsWith('rediss://')) {
    options.tls = config.redisTlsCaFile ? { ca: readFileSync(config.redisTlsCaFile) } : {};
  }
  return options;
}

function reportErrors(client: RedisClient, role: ConnectionRole, where: string, logger: Logger) {
  let lastError = '';
  client.on('error', (error: Error) => {
    // One line per distinct error, not one per retry.
    if (error.message === lastError) return;
    lastError = error.message;
    logger.warn({ role, redis: where, err: error.message }, 'redis connection error');
  });
  client.on('ready', () => {
    lastError = '';
    logger.info({ role, redis: where }, 'redis connected');
  });
}

/** True for errors that mean the credentials are wrong, not that Redis is away. */
export function isAuthError(error: unknown): boolean {
  const message = error instanceof Error ? error.message : String(error);
  return /WRONGPASS|NOAUTH|NOPERM|invalid password|invalid username-password/i.test(message);
}
