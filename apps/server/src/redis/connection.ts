import { readFileSync } from 'node:fs';
import { Redis, type RedisOptions } from 'ioredis';
import type { Logger } from 'pino';
import { redactRedisUrl, type Config } from '../config';

/** `blocking`: a connection of its own for blocking reads (the archiver's XREADGROUP BLOCK). */
export type ConnectionRole = 'commands' | 'subscriber' | 'blocking';

/** What a connection needs of the config (the server's Config has it all; so has the archiver's). */
export type RedisConnectionConfig = Pick<
  Config,
  'redisUrl' | 'redisTlsCaFile' | 'redisCommandTimeoutMs' | 'instanceId'
>;

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
  const redis = new Redis(url, options);
  const where = redactRedisUrl(url);
  let lastError = '';
  redis.on('error', (error: Error) => {
    // One line per distinct error, not one per retry.
    if (error.message === lastError) return;
    lastError = error.message;
    logger.warn({ role, redis: where, err: error.message }, 'redis connection error');
  });
  redis.on('ready', () => {
    lastError = '';
    logger.info({ role, redis: where }, 'redis connected');
  });
  return redis;
}

/** True for errors that mean the credentials are wrong, not that Redis is away. */
export function isAuthError(error: unknown): boolean {
  const message = error instanceof Error ? error.message : String(error);
  return /WRONGPASS|NOAUTH|NOPERM|invalid password|invalid username-password/i.test(message);
}
