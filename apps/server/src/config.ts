import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { z } from 'zod';
import { trustFunction, type TrustProxy } from './chat/client-address';
import { DEFAULT_KEY_PREFIX } from './redis/keys';

/*
 * The only reader of process.env. Every setting has a safe default and is
 * validated once at start-up; a bad value stops the process with a message
 * naming the variable.
 */

/** A whole number setting with a default and a floor (exported for apps/archiver's settings). */
export const integer = (fallback: number, min = 0) =>
  z.coerce.number().int().min(min).default(fallback);

/** The repository's root: this file runs from apps/server/src (tests) or apps/server/dist. */
const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');
/** DATA_DIR's default, under the repository's root. */
const DEFAULT_DATA_DIR = '.data/embedded';
/** DATA_DIR's value for an embedded mode that keeps nothing. */
export const IN_MEMORY = ':memory:';

/** One setting: the environment variable it is read from, and how (default included). */
export function setting<Schema extends z.ZodType>(variable: string, schema: Schema) {
  return { variable, schema };
}

/*
 * Every setting, declared once: its variable, its rules and default, its
 * meaning. Config's type, the list of variables and the parsing all derive
 * from this table.
 */
export const SETTINGS = {
  /** HTTP + Socket.IO port. 0 picks a free port (tests). */
  port: setting('PORT', integer(8000)),
  /** Interface to listen on. */
  host: setting('HOST', z.string().default('0.0.0.0')),
  /**
   * `redis://` or `rediss://` (TLS). Unset: the embedded single-node mode. With
   * REDIS_MODE=cluster, a comma-separated list of seed nodes of one Redis Cluster (any
   * one that answers is enough to learn the rest; same credentials and TLS for all).
   */
  redisUrl: setting(
    'REDIS_URL',
    z
      .string()
      .refine(
        (value) => value.split(',').every((url) => /^rediss?:\/\//.test(url.trim())),
        'must start with redis:// or rediss:// (with REDIS_MODE=cluster: a comma-separated list of such URLs)',
      )
      .optional(),
  ),
  /**
   * Issue 15: `single` (one Redis, or a primary with replicas behind one URL: the MESSAGES
   * channel, plain key names) or `cluster` (a Redis Cluster: hash-tagged keys, sharded
   * Pub/Sub by interest; docs/ARCHITECTURE.md "Cluster mode").
   */
  redisMode: setting('REDIS_MODE', z.enum(['single', 'cluster']).default('single')),
  /**
   * Issue 15: before acking a send (or a change), WAIT until this many replicas have it, for
   * at most REDIS_WAIT_TIMEOUT_MS; fewer in time and the send fails with `unavailable` (the
   * client's resend with the same clientId answers the stored message once replicated).
   * 0 (default): acked once the master has it (docs/RELIABILITY.md "Replication").
   */
  redisWaitReplicas: setting('REDIS_WAIT_REPLICAS', integer(0)),
  redisWaitTimeoutMs: setting('REDIS_WAIT_TIMEOUT_MS', integer(1000, 1)),
  /**
   * Issue 15, cluster mode: after the last local socket of a room (or of a user) leaves, the
   * instance keeps its shard subscription this long (ms) before SUNSUBSCRIBE, so that a wave
   * of reconnects does not churn subscriptions. 0: unsubscribe at once.
   */
  interestGraceMs: setting('INTEREST_GRACE_MS', integer(30_000, 0)),
  /**
   * `postgres://` or `postgresql://`: the PostgreSQL archive of every message
   * (written by the archiver): history beyond what Redis retains, and search. The
   * server migrates the schema at start, in the background while it is
   * unreachable, and never fails to start for it. Unset: no archive.
   */
  databaseUrl: setting(
    'DATABASE_URL',
    z
      .string()
      .regex(/^postgres(ql)?:\/\//, 'must start with postgres:// or postgresql://')
      .optional(),
  ),
  /**
   * Embedded mode (no REDIS_URL): the folder that keeps its state across restarts (accounts,
   * sessions, rooms, history, read markers, in PGlite). Default `.data/embedded`; a relative
   * path is resolved from the repository's root, not the working directory (turbo runs the
   * server in apps/server). `:memory:` keeps nothing (the state ends with the process) and
   * has no archive, so no search. One server per folder.
   */
  dataDir: setting(
    'DATA_DIR',
    z
      .string()
      .default(DEFAULT_DATA_DIR)
      .transform((value) => (value === IN_MEMORY ? value : path.resolve(REPO_ROOT, value))),
  ),
  /** PEM file of the CA that signed the Redis server's certificate. */
  redisTlsCaFile: setting('REDIS_TLS_CA', z.string().optional()),
  /**
   * Prefix of every Redis key this app writes, and of its Pub/Sub channels
   * (with the default, the channels are plain `MESSAGES` and `EVENTS`).
   */
  redisKeyPrefix: setting('REDIS_KEY_PREFIX', z.string().default(DEFAULT_KEY_PREFIX)),
  /** Allowed browser origins, comma separated, matched exactly. */
  corsOrigins: setting(
    'CORS_ORIGIN',
    z
      .string()
      .default('http://localhost:3000,http://127.0.0.1:3000')
      .transform((value) =>
        value
          .split(',')
          .map((origin) => origin.trim())
          .filter((origin) => origin.length > 0),
      ),
  ),
  /**
   * Whose X-Forwarded-For to believe for the client address that per-address
   * limits charge: `false` (default, direct connections), or a comma-separated
   * list of the proxies' addresses/CIDRs such as `127.0.0.1` or
   * `172.28.1.10,10.0.0.0/8`. The address used is the right-most hop that is
   * not one of them. `true` (every peer is a proxy) is still accepted but
   * dangerous: a client that reaches the port directly picks its own address;
   * the server warns at start-up.
   */
  trustProxy: setting(
    'TRUST_PROXY',
    z
      .string()
      .default('false')
      .transform((value, context): TrustProxy => {
        if (value === 'true' || value === 'false') return value === 'true';
        const proxies = value
          .split(',')
          .map((entry) => entry.trim())
          .filter((entry) => entry.length > 0);
        try {
          trustFunction(proxies);
        } catch (error) {
          context.addIssue({
            code: 'custom',
            message: `true, false or proxy addresses/CIDRs: ${(error as Error).message}`,
          });
          return z.NEVER;
        }
        return proxies;
      }),
  ),
  /** Messages per user per second, cluster-wide, with bursts of twice that. 0 = off. */
  messageRatePerSec: setting('MESSAGE_RATE_PER_SEC', z.coerce.number().min(0).default(10)),
  /** Messages kept per room (older ones are trimmed). */
  messageRetention: setting('MESSAGE_RETENTION', integer(10_000, 1)),
  /** How long a login token stays valid. */
  sessionTtlSec: setting('SESSION_TTL_SEC', integer(7 * 24 * 3600, 60)),
  /**
   * Idle timeout: a session not used (no HTTP call, no socket event) for this
   * long ends, before SESSION_TTL_SEC; every use moves it on (sliding expiry).
   * Its sockets are closed when it ends.
   */
  sessionIdleTtlSec: setting('SESSION_IDLE_TTL_SEC', integer(24 * 3600, 1)),
  /** Accounts one client address may register per hour, cluster-wide, in bursts of as many. 0 = off. */
  registrationsPerHour: setting('REGISTRATIONS_PER_HOUR', integer(20)),
  /**
   * scrypt's N for new password hashes (r=8, p=1): OWASP's minimum 2^17 by
   * default, a power of two from 2^14. Hashes made with other parameters are
   * replaced at the owner's next login.
   */
  passwordScryptN: setting(
    'PASSWORD_SCRYPT_N',
    integer(2 ** 17, 2 ** 14).refine(
      (value) => (value & (value - 1)) === 0,
      'must be a power of two',
    ),
  ),
  /**
   * Password hashes computed at once (each takes one of libuv's 4 threads, and
   * 128·N·8 bytes). Logins wait ahead of registrations; past
   * PASSWORD_HASH_QUEUE_MAX waiting of one kind, more are refused with 503
   * `unavailable` and `Retry-After`.
   */
  passwordHashWorkers: setting('PASSWORD_HASH_WORKERS', integer(2, 1)),
  passwordHashQueueMax: setting('PASSWORD_HASH_QUEUE_MAX', integer(32, 0)),
  /** How long a (user, room, clientId) is remembered for idempotent resends. */
  clientIdTtlSec: setting('CLIENT_ID_TTL_SEC', integer(24 * 3600, 1)),
  /** Rooms one socket may have joined at once. */
  maxRoomsPerSocket: setting('MAX_ROOMS_PER_SOCKET', integer(200, 1)),
  /**
   * Start-up: how long to keep trying to reach Redis before exiting with
   * code 1 (wrong credentials exit at once). An orchestrator restarts it.
   */
  redisConnectTimeoutMs: setting('REDIS_CONNECT_TIMEOUT_MS', integer(15_000, 100)),
  /**
   * One connection may send this many events per second (any event, bursts of
   * 5x); a connection that floods past it is closed. 0 = off. Message, typing
   * and read rates have their own, cluster-wide limits on top.
   */
  socketEventsPerSec: setting('SOCKET_EVENTS_PER_SEC', integer(200)),
  /** Open connections one user may have on one instance; more are refused. */
  maxSocketsPerUser: setting('MAX_SOCKETS_PER_USER', integer(50, 1)),
  /**
   * A connection whose unsent output (queued packets plus the websocket's
   * buffered bytes) passes this many bytes is a slow consumer: it is closed, so it cannot
   * hold the instance's memory hostage; it reconnects and catches up later.
   */
  maxSocketBufferBytes: setting('MAX_SOCKET_BUFFER_BYTES', integer(4 * 1024 * 1024, 64 * 1024)),
  /**
   * `on` (default) or `off`. `off` turns off every per-user and per-address
   * limit except those against password or token guessing (RATE_POLICIES'
   * `againstGuessing`): the message rate, every other rate policy, and the
   * per-user and per-address connection limits. For load tests and acceptance
   * checks whose clients all share one address.
   */
  rateLimits: setting('RATE_LIMITS', z.enum(['on', 'off']).default('on')),
  /**
   * Open connections (sockets, admitted or being checked) one client address
   * may hold on one instance; the next handshake gets `rate_limited`. The
   * address follows TRUST_PROXY: behind a proxy that is not trusted, every
   * client shares the proxy's address.
   */
  maxConnectionsPerAddress: setting('MAX_CONNECTIONS_PER_ADDRESS', integer(200, 1)),
  /** Open connections one instance accepts in all; the next handshake gets `unavailable`. */
  maxConnections: setting('MAX_CONNECTIONS', integer(20_000, 1)),
  /** GET /api/rooms: rooms per page, the default and the most a `limit` gets. */
  roomsPageMax: setting('ROOMS_PAGE_MAX', integer(200, 1)),
  /**
   * GET /api/presence: how long an instance reuses its list of online users
   * (one read per instance, not per call); every presence change drops it at
   * once. 0 = read on every call.
   */
  presenceCacheMs: setting('PRESENCE_CACHE_MS', integer(2000, 0)),
  /**
   * Test-only fault hooks (POST /debug/stall blocks the event loop). Never
   * set in production: the server refuses to start with it when NODE_ENV is
   * production.
   */
  debugHooks: setting(
    'CHAT_DEBUG_HOOKS',
    z
      .enum(['true', 'false'])
      .default('false')
      .transform((value) => value === 'true'),
  ),
  nodeEnv: setting('NODE_ENV', z.string().optional()),
  /** A Redis command that takes longer fails with `unavailable` instead of hanging. */
  redisCommandTimeoutMs: setting('REDIS_COMMAND_TIMEOUT_MS', integer(5000, 100)),
  /** Graceful shutdown: how long in-flight work may take before the process exits anyway. */
  shutdownTimeoutMs: setting('SHUTDOWN_TIMEOUT_MS', integer(10_000, 0)),
  /**
   * Presence: an instance renews its heartbeat every PRESENCE_HEARTBEAT_MS;
   * one silent for PRESENCE_TTL_MS is reaped by the others (its users go
   * offline within TTL + heartbeat). A user whose last socket closes stays
   * online for PRESENCE_GRACE_MS, so a quick reconnect does not flap.
   */
  presenceHeartbeatMs: setting('PRESENCE_HEARTBEAT_MS', integer(5000, 50)),
  presenceTtlMs: setting('PRESENCE_TTL_MS', integer(15_000, 100)),
  presenceGraceMs: setting('PRESENCE_GRACE_MS', integer(3000, 0)),
  /** A "typing" state not renewed by its client within this time ends by itself. */
  typingTtlMs: setting('TYPING_TTL_MS', integer(6000, 100)),
  logLevel: setting(
    'LOG_LEVEL',
    z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  ),
  /** Names this process in logs, metrics and published envelopes. */
  instanceId: setting(
    'INSTANCE_ID',
    z
      .string()
      .min(1)
      .max(64)
      .optional()
      .transform((value) => value ?? `${hostname()}-${randomBytes(3).toString('hex')}`),
  ),
};

export type Config = { [K in keyof typeof SETTINGS]: z.output<(typeof SETTINGS)[K]['schema']> };

/** Every environment variable the server reads. */
export const ENV_VARIABLES = Object.values(SETTINGS).map((entry) => entry.variable);

export class ConfigError extends Error {}

/**
 * Reads every setting of `table` from `env`, validated by its rules (an empty
 * string counts as unset); throws a ConfigError naming every bad variable.
 * The server reads SETTINGS with it; apps/archiver reads its own table, made
 * of rows of SETTINGS and of its own.
 */
export function parseSettings<Table extends Record<string, ReturnType<typeof setting>>>(
  table: Table,
  env: NodeJS.ProcessEnv,
): { [K in keyof Table]: z.output<Table[K]['schema']> } {
  const values: Record<string, unknown> = {};
  const problems: string[] = [];
  for (const [key, { variable, schema }] of Object.entries(table)) {
    // Treat empty strings as unset: `REDIS_URL=` in a .env file means "not set".
    const raw = env[variable] === '' ? undefined : env[variable];
    const parsed = schema.safeParse(raw);
    if (parsed.success) values[key] = parsed.data;
    else problems.push(`${variable}: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
  }
  if (problems.length > 0) throw new ConfigError(`invalid configuration: ${problems.join('; ')}`);
  return values as { [K in keyof Table]: z.output<Table[K]['schema']> };
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const config = parseSettings(SETTINGS, env);
  if (config.redisMode === 'single' && config.redisUrl?.includes(',')) {
    throw new ConfigError(
      'invalid configuration: REDIS_URL: a list of nodes needs REDIS_MODE=cluster',
    );
  }
  if (config.redisMode === 'cluster' && !config.redisUrl) {
    throw new ConfigError(
      'invalid configuration: REDIS_MODE=cluster needs REDIS_URL (the nodes of the cluster)',
    );
  }
  if (config.debugHooks && config.nodeEnv === 'production') {
    throw new ConfigError(
      'invalid configuration: CHAT_DEBUG_HOOKS must not be set when NODE_ENV is production',
    );
  }
  return config;
}

/** A config for tests and embedding: defaults, overridden field by field. */
export function configWith(overrides: Partial<Config>): Config {
  return { ...loadConfig({}), ...overrides };
}

/**
 * A connection URL with its password hidden, for logs: `rediss://user:secret@host:6380` →
 * `rediss://user:***@host:6380`, `postgres://u:secret@db/chat` → `postgres://u:***@db/chat`;
 * a password given as `?password=` (which ioredis and node-postgres also read) is hidden the
 * same way. A URL that does not parse is not echoed at all.
 */
export function redactUrl(url: string, scheme: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    for (const key of [...parsed.searchParams.keys()])
      if (key.toLowerCase() === 'password') parsed.searchParams.set(key, '***');
    return parsed.toString();
  } catch {
    return `${scheme}://<unparsable url>`;
  }
}

/** REDIS_URL for logs (redactUrl). */
export const redactRedisUrl = (url: string): string => redactUrl(url, 'redis');
