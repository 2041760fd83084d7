/*
 * What apps/archiver takes from the server, and nothing more: one explicit,
 * typed entry point (`@chat/server/archive-kit`), so the archiver reuses the
 * server's settings, Redis connection (TLS, ACL user), keys, Lua scripts,
 * archive and migrations instead of copying them, and the server's internals
 * stay free to move. Everything here is part of that contract.
 */
export {
  ConfigError,
  integer,
  parseSettings,
  redactRedisUrl,
  setting,
  SETTINGS,
  type Config,
} from './config';
export { createLogger } from './logger';
export { ARCHIVE_GROUP, ensureArchiveFeed, FEED_FIELDS } from './redis/archive-feed';
export {
  createRedisCluster,
  createRedisConnection,
  isAuthError,
  type RedisClient,
  type RedisConnectionConfig,
} from './redis/connection';
export { redisKeys, type RedisKeys } from './redis/keys';
export { registerScripts, type ChatScripts } from './redis/scripts';
export { PostgresArchive } from './postgres/archive';
export { migrate } from './postgres/migrate';
export { createPostgresPool } from './postgres/pool';
export { poolSqlClient, type SqlClient } from './postgres/sql-client';
export { currentMessage, toMessage, type StreamEntry } from './redis/message-log';
