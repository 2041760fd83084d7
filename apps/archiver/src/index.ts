import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import {
  ConfigError,
  createLogger,
  createPostgresPool,
  createRedisCluster,
  createRedisConnection,
  isAuthError,
  PostgresArchive,
  poolSqlClient,
  redactRedisUrl,
  redisKeys,
  registerScripts,
  type RedisClient,
} from '@chat/server/archive-kit';
import { Archiver } from './archiver';
import { loadArchiverConfig, type ArchiverConfig } from './config';
import { readFeedState } from './feed-state';
import { startArchiverHttp } from './http-listener';
import { createArchiverMetrics } from './metrics';

/**
 * Start-up only: config → connections → metrics listener → Archiver.run().
 * SIGTERM/SIGINT: the batch in hand is committed and acknowledged, then exit
 * 0; a batch that cannot commit within SHUTDOWN_TIMEOUT_MS stays pending (for
 * another archiver, or this one's next start) and the exit code is 1.
 * Wrong Redis credentials or a bad setting: exit 1 at once.
 */
async function main(): Promise<void> {
  let config: ArchiverConfig;
  try {
    config = loadArchiverConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  // Unique per process, whatever INSTANCE_ID says: a consumer's pending entries are its own.
  const consumer = `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
  const logger = createLogger(config).child({ consumer });
  const keys = redisKeys(config.redisKeyPrefix, config.redisMode);
  // Cluster mode: the Cluster client for everything; the feed shards are polled, not blocked
  // on (feed-reader.ts), so there is no blocking connection.
  const cluster = config.redisMode === 'cluster';
  const redis: RedisClient = cluster
    ? createRedisCluster(config, 'commands', logger)
    : createRedisConnection(config, 'commands', logger);
  const reader = cluster
    ? undefined
    : createRedisConnection({ ...config, instanceId: consumer }, 'blocking', logger);
  const scripts = registerScripts(redis);
  const pool = createPostgresPool(config.databaseUrl, {
    max: 4,
    applicationName: 'chat-archiver',
  });
  const archive = new PostgresArchive(poolSqlClient(pool), { close: () => pool.end() });
  const metrics = createArchiverMetrics(consumer, () => readFeedState(redis, keys.archiveFeeds()));
  const http = await startArchiverHttp({
    host: config.host,
    port: config.port,
    registry: metrics.registry,
    async checkReady() {
      await redis.ping();
      await pool.query('SELECT 1');
    },
  });
  logger.info({ port: http.port }, 'archiver listening');

  const where = redactRedisUrl(config.redisUrl);
  logger.info({ redis: where }, 'connecting to redis');
  try {
    await Promise.all([connected(redis), ...(reader ? [connected(reader)] : [])]);
  } catch (error) {
    logger.fatal({ redis: where, err: (error as Error).message }, 'redis refused the credentials');
    process.exit(1);
  }

  const archiver = new Archiver({
    config,
    consumer,
    redis,
    reader,
    scripts,
    keys,
    pool,
    archive,
    metrics,
    logger,
  });
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    archiver.stop();
    setTimeout(() => {
      logger.error('shutdown took too long; the batch in hand stays pending');
      archiver.abandon();
    }, config.shutdownTimeoutMs).unref();
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);

  let code = 0;
  try {
    await archiver.run();
  } catch (error) {
    code = 1;
    if (!stopping) logger.fatal({ err: error }, 'archiver failed');
  }
  http.server.close();
  await Promise.allSettled([redis.quit(), reader?.quit(), archive.close()]);
  process.exit(code);
}

/**
 * Resolves once `redis` is ready; ioredis keeps reconnecting while Redis is
 * away (logged once per distinct error). Rejects on wrong credentials, which
 * retrying will not fix.
 */
function connected(redis: RedisClient): Promise<void> {
  return new Promise((resolve, reject) => {
    const onReady = () => {
      redis.off('error', onError);
      resolve();
    };
    const onError = (error: Error) => {
      if (!isAuthError(error)) return;
      redis.off('ready', onReady);
      redis.disconnect();
      reject(error);
    };
    redis.once('ready', onReady);
    redis.on('error', onError);
    redis.connect().catch(() => {
      // Reported through 'error' and retried by ioredis.
    });
  });
}

void main();
