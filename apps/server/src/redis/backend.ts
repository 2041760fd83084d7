import { Cluster } from 'ioredis';
import type { Logger } from 'pino';
import { redactRedisUrl, type Config } from '../config';
import { ArchiveDatabase } from '../postgres/archive-database';
import { everythingHeard } from '../everything-heard';
import type { Backend } from '../ports';
import { ensureArchiveFeed } from './archive-feed';
import {
  createRedisCluster,
  createRedisConnection,
  isAuthError,
  type ConnectionRole,
  type RedisClient,
} from './connection';
import { ClusterInterest } from './cluster-subscriber';
import { clusterHealth } from './cluster-health';
import { RedisEventBus } from './event-bus';
import { redisKeys } from './keys';
import { RedisMessageLog } from './message-log';
import { presenceStoreFor } from './presence-store-for';
import { RedisRateLimiter } from './rate-limiter';
import { RedisReadStateStore } from './read-state-store';
import { replicaWait } from './replica-wait';
import { RoomFeed } from './room-feed';
import { RedisRoomStore } from './room-store';
import { registerScripts } from './scripts';
import { RedisSessionStore } from './session-store';
import { RedisSubscriber, type DropHandler, type InboundKind } from './subscriber';
import { RedisUserStore } from './user-store';

/** Start-up failed in a way retrying will not fix (wrong password, unreachable past the deadline). */
export class RedisStartupError extends Error {}

/**
 * The Redis backend: two connections per instance, one for commands and
 * scripts, one subscribed to MESSAGES (RedisMessageLog) and EVENTS
 * (RedisEventBus); with DATABASE_URL, the PostgreSQL archive behind the
 * MessageLog (read only here: the archiver writes it), which never stops the
 * instance from starting or sending.
 *
 * Issue 15, REDIS_MODE=cluster: both connections are ioredis Cluster clients; the subscriber
 * holds EVENTS (classic) and the shard channels of the rooms and users this instance has
 * sockets for (ClusterInterest, the backend's `interest`); /readyz also requires every slot's
 * master to answer and no subscription to be broken (cluster-health.ts).
 */
export function createRedisBackend(
  config: Config,
  logger: Logger,
  hooks: { onDropped: DropHandler; onInbound?: (kind: InboundKind) => void },
): Backend {
  const connect = (role: ConnectionRole): RedisClient =>
    config.redisMode === 'cluster'
      ? createRedisCluster(config, role, logger)
      : createRedisConnection(config, role, logger);
  const commands = connect('commands');
  const subscriberConnection = connect('subscriber');
  const subscriber = new RedisSubscriber(subscriberConnection, hooks.onInbound);
  const keys = redisKeys(config.redisKeyPrefix, config.redisMode);
  const scripts = registerScripts(commands);
  const feed = new RoomFeed(subscriber, keys, hooks.onDropped);
  const interest =
    subscriberConnection instanceof Cluster
      ? new ClusterInterest(
          subscriberConnection,
          subscriber,
          keys,
          () => [keys.channels.events],
          logger.child({ component: 'interest' }),
          config.redisCommandTimeoutMs,
        )
      : undefined;
  const archiveDatabase = config.databaseUrl
    ? new ArchiveDatabase(config.databaseUrl, logger.child({ component: 'archive' }))
    : undefined;

  return {
    kind: 'redis',
    users: new RedisUserStore(commands, scripts, keys),
    sessions: new RedisSessionStore(commands, scripts, keys),
    rooms: new RedisRoomStore(commands, scripts, keys),
    messageLog: new RedisMessageLog(commands, scripts, keys, subscriber, feed, {
      retention: config.messageRetention,
      clientIdTtlSec: config.clientIdTtlSec,
      instanceId: config.instanceId,
      replicas: replicaWait(commands, keys, {
        replicas: config.redisWaitReplicas,
        timeoutMs: config.redisWaitTimeoutMs,
        instanceId: config.instanceId,
      }),
    }),
    archive: archiveDatabase?.archive,
    eventBus: new RedisEventBus(
      commands,
      subscriber,
      hooks.onDropped,
      keys,
      feed,
      config.instanceId,
    ),
    rateLimiter: new RedisRateLimiter(scripts, keys),
    presence: presenceStoreFor(commands, scripts, keys, {
      instanceId: config.instanceId,
      ttlMs: config.presenceTtlMs,
    }),
    readState: new RedisReadStateStore(commands, scripts, keys),
    interest: interest ?? everythingHeard,
    health: {
      async check() {
        if (subscriber.status !== 'ready') throw new Error(`subscriber is ${subscriber.status}`);
        if (interest && !interest.healthy) throw new Error('a subscription is being restored');
        if (commands instanceof Cluster) await clusterHealth(commands);
        else await commands.ping();
      },
      checkArchive: archiveDatabase && (() => archiveDatabase.check()),
    },
    async start() {
      const deadline = config.redisConnectTimeoutMs;
      const where = redactRedisUrl(config.redisUrl ?? '');
      logger.info({ redis: where }, 'connecting to redis');
      await Promise.all([
        waitReady(commands, deadline, where),
        waitReady(subscriberConnection, deadline, where),
      ]);
      await subscriber.start();
      interest?.start();
      // With an archive, every append from now on also feeds the archivers (archive-feed.ts).
      if (config.databaseUrl) await ensureArchiveFeed(scripts, keys);
      await archiveDatabase?.start();
    },
    async close() {
      interest?.close();
      await Promise.allSettled([
        quit(commands),
        quit(subscriberConnection),
        archiveDatabase?.close(),
      ]);
    },
  };
}

function waitReady(redis: RedisClient, timeoutMs: number, where: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      cleanup();
      redis.disconnect();
      reject(new RedisStartupError(`could not reach redis at ${where} within ${timeoutMs} ms`));
    }, timeoutMs);
    const onReady = () => {
      cleanup();
      resolve();
    };
    const onError = (error: Error) => {
      if (!isAuthError(error)) return; // keep retrying: Redis may still be starting
      cleanup();
      redis.disconnect();
      reject(new RedisStartupError(`redis at ${where} refused the credentials: ${error.message}`));
    };
    const cleanup = () => {
      clearTimeout(timer);
      redis.off('ready', onReady);
      redis.off('error', onError);
    };
    redis.on('ready', onReady);
    redis.on('error', onError);
    redis.connect().catch(() => {
      // Failures are reported through 'error' events and retried by ioredis.
    });
  });
}

async function quit(redis: RedisClient): Promise<void> {
  try {
    await redis.quit();
  } catch {
    redis.disconnect();
  }
}
