import { z } from 'zod';
import { ConfigError, integer, parseSettings, setting, SETTINGS } from '@chat/server/archive-kit';

/*
 * The archiver's settings: the server's own rows (same variables, same rules
 * and defaults, so an archiver beside the instances reads the same .env) and
 * four of its own. The only reader of process.env here; validated once at
 * start-up, a bad value stops the process naming the variable.
 */
const ARCHIVER_SETTINGS = {
  redisUrl: SETTINGS.redisUrl,
  redisMode: SETTINGS.redisMode,
  redisTlsCaFile: SETTINGS.redisTlsCaFile,
  redisKeyPrefix: SETTINGS.redisKeyPrefix,
  redisCommandTimeoutMs: SETTINGS.redisCommandTimeoutMs,
  databaseUrl: SETTINGS.databaseUrl,
  /** Must be the instances' value: rooms keep at least this many messages in Redis. */
  messageRetention: SETTINGS.messageRetention,
  shutdownTimeoutMs: SETTINGS.shutdownTimeoutMs,
  host: SETTINGS.host,
  logLevel: SETTINGS.logLevel,
  instanceId: SETTINGS.instanceId,
  /** Feed entries read, written to PostgreSQL in one statement and acknowledged at a time. */
  batchSize: setting(
    'ARCHIVER_BATCH_SIZE',
    z.coerce.number().int().min(1).max(10_000).default(500),
  ),
  /**
   * How long an entry stays with an archiver that went silent (killed, frozen)
   * before another one takes it over (XAUTOCLAIM).
   */
  claimIdleMs: setting('ARCHIVER_CLAIM_IDLE_MS', integer(30_000, 100)),
  /**
   * REDIS_MODE=cluster only: how long an archiver waits after a round of reads of every feed
   * shard found nothing (one call cannot block on several slots). It bounds the archive's
   * added latency when idle; its cost is 128 reads per round (docs/ARCHITECTURE.md "Cluster
   * mode: the archive feed"). Single mode blocks on its one feed and ignores it.
   */
  pollMs: setting('ARCHIVER_POLL_MS', integer(200, 10)),
  /** Port of /metrics, /healthz and /readyz; 0 picks a free one (logged at start). */
  port: setting('ARCHIVER_PORT', integer(9410)),
};

export type ArchiverConfig = ReturnType<typeof parseSettings<typeof ARCHIVER_SETTINGS>> & {
  redisUrl: string;
  databaseUrl: string;
};

export function loadArchiverConfig(env: NodeJS.ProcessEnv = process.env): ArchiverConfig {
  const config = parseSettings(ARCHIVER_SETTINGS, env);
  const missing = [
    ...(config.redisUrl ? [] : ['REDIS_URL']),
    ...(config.databaseUrl ? [] : ['DATABASE_URL']),
  ];
  if (missing.length > 0)
    throw new ConfigError(
      `invalid configuration: ${missing.map((name) => `${name}: required by the archiver`).join('; ')}`,
    );
  return config as ArchiverConfig;
}
