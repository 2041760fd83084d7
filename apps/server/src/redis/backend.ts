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
import { RedisEventBus } from './event-bus';
import { redisKeys } from './keys';
import { RedisMessageLog } from './message-log';
import { RedisPresenceStore } from './presence-store';
import { RedisRateLimiter } from './rate-limiter';
import { RedisReadStateStore } from './read-state-store';
import { RedisRoomStore } from './room-store';
import { registerScripts } from './scripts';
import { RedisSessionStore } from './session-store';
import { RedisSubscriber, type DropHandler } from './subscriber';
import { RedisUserStore } from './user-store';

/** Start-up failed in a way retrying will not fix (wrong password, unreachable past the deadline). */
export class RedisStartupError extends Error {}

/**
 * The Redis backend: two connections per instance, one for commands and
 * scripts, one subscribed to MESSAGES (RedisMessageLog) and EVENTS
 * (RedisEventBus); with DATABASE_URL, the PostgreSQL archive behind the
 * MessageLog (read only here: the archiver writes it), which never stops the
 * instance from starting or sending.
 */
export function createRedisBackend(
  config: Config,
  logger: Logger,
  hooks: { onDropped: DropHandler },
): Backend {
  const connect = (role: ConnectionRole): RedisClient =>
    config.redisMode === 'cluster'
      ? createRedisCluster(config, role, logger)
      : createRedisConnection(config, role, logger);
  const commands = connect('commands');
  const subscriberConnection = connect('subscriber');
  const subscriber = new RedisSubscriber(subscriberConnection);
  const keys = redisKeys(config.redisKeyPrefix, config.redisMode);
  const scripts = registerScripts(commands);
  const archiveDatabase = config.databaseUrl
    ? new ArchiveDatabase(config.databaseUrl, logger.child({ component: 'archive' }))
    : undefined;

  return {
    kind: 'redis',
    users: new RedisUserStore(commands, scripts, keys),
    sessions: new RedisSessionStore(commands, scripts, keys),
    rooms: new RedisRoomStore(commands, scripts, keys),
    messageLog: new RedisMessageLog(commands, scripts, keys, subscriber, {
      retention: config.messageRetention,
      clientIdTtlSec: config.clientIdTtlSec,
      instanceId: config.instanceId,
      onDropped: hooks.onDropped,
    }),
    archive: archiveDatabase?.archive,
    eventBus: new RedisEventBus(commands, subscriber, hooks.onDropped, keys.channels.events),
    rateLimiter: new RedisRateLimiter(scripts, keys),
    presence: new RedisPresenceStore(scripts, keys, {
      instanceId: config.instanceId,
      ttlMs: config.presenceTtlMs,
    }),
    readState: new RedisReadStateStore(commands, scripts, keys),
    interest: everythingHeard,
    health: {
      async check() {
        if (subscriber.status !== 'ready') throw new Error(`subscriber is ${subscriber.status}`);
        await commands.ping();
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
      // With an archive, every append from now on also feeds the archivers (archive-feed.ts).
      if (config.databaseUrl) await ensureArchiveFeed(scripts, keys);
      await archiveDatabase?.start();
    },
    async close() {
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
