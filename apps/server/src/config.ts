import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { z } from 'zod';

/*
 * The only reader of process.env. Every setting has a safe default and is
 * validated once at start-up; a bad value stops the process with a message
 * naming the variable.
 */

const integer = (fallback: number, min = 0) => z.coerce.number().int().min(min).default(fallback);

const envSchema = z.object({
  /** HTTP + Socket.IO port. 0 picks a free port (tests). */
  PORT: integer(8000),
  /** Interface to listen on. */
  HOST: z.string().default('0.0.0.0'),
  /** `redis://` or `rediss://` (TLS). Unset: the embedded single-node mode. */
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\//, 'must start with redis:// or rediss://')
    .optional(),
  /** PEM file of the CA that signed the Redis server's certificate. */
  REDIS_TLS_CA: z.string().optional(),
  /** Prefix of every Redis key this app writes. */
  REDIS_KEY_PREFIX: z.string().default('chat:'),
  /** Allowed browser origins, comma separated, matched exactly. */
  CORS_ORIGIN: z.string().default('http://localhost:3000,http://127.0.0.1:3000'),
  /**
   * Whose X-Forwarded-For to believe for the client address (login limits per
   * address): `false` (default, direct connections), `true` (any proxy), or
   * a comma-separated list of proxy addresses/CIDRs such as `127.0.0.1`.
   */
  TRUST_PROXY: z.string().default('false'),
  /** Messages per user per second, cluster-wide, with bursts of twice that. 0 = off. */
  MESSAGE_RATE_PER_SEC: z.coerce.number().min(0).default(10),
  /** Messages kept per room (older ones are trimmed). */
  MESSAGE_RETENTION: integer(10_000, 1),
  /** How long a login token stays valid. */
  SESSION_TTL_SEC: integer(7 * 24 * 3600, 60),
  /** How long a (user, clientId) pair is remembered for idempotent resends. */
  CLIENT_ID_TTL_SEC: integer(24 * 3600, 1),
  /** Rooms one socket may have joined at once. */
  MAX_ROOMS_PER_SOCKET: integer(200, 1),
  /**
   * Start-up: how long to keep trying to reach Redis before exiting with
   * code 1 (wrong credentials exit at once). An orchestrator restarts it.
   */
  REDIS_CONNECT_TIMEOUT_MS: integer(15_000, 100),
  /**
   * One connection may send this many events per second (any event, bursts of
   * 5x); a connection that floods past it is closed. 0 = off. Message, typing
   * and read rates have their own, cluster-wide limits on top.
   */
  SOCKET_EVENTS_PER_SEC: integer(200),
  /** Open connections one user may have on one instance; more are refused. */
  MAX_SOCKETS_PER_USER: integer(50, 1),
  /**
   * A connection whose unsent output (queued packets plus the websocket's
   * buffered bytes) passes this many bytes is a slow consumer: it is closed, so it cannot
   * hold the instance's memory hostage; it reconnects and catches up later.
   */
  MAX_SOCKET_BUFFER_BYTES: integer(4 * 1024 * 1024, 64 * 1024),
  /**
   * Test-only fault hooks (POST /debug/stall blocks the event loop). Never
   * set in production: the server refuses to start with it when NODE_ENV is
   * production.
   */
  CHAT_DEBUG_HOOKS: z.enum(['true', 'false']).default('false'),
  NODE_ENV: z.string().optional(),
  /** A Redis command that takes longer fails with `unavailable` instead of hanging. */
  REDIS_COMMAND_TIMEOUT_MS: integer(5000, 100),
  /** Graceful shutdown: how long in-flight work may take before the process exits anyway. */
  SHUTDOWN_TIMEOUT_MS: integer(10_000, 0),
  /**
   * Presence: an instance renews its heartbeat every PRESENCE_HEARTBEAT_MS;
   * one silent for PRESENCE_TTL_MS is reaped by the others (its users go
   * offline within TTL + heartbeat). A user whose last socket closes stays
   * online for PRESENCE_GRACE_MS, so a quick reconnect does not flap.
   */
  PRESENCE_HEARTBEAT_MS: integer(5000, 50),
  PRESENCE_TTL_MS: integer(15_000, 100),
  PRESENCE_GRACE_MS: integer(3000, 0),
  /** A "typing" state not renewed by its client within this time ends by itself. */
  TYPING_TTL_MS: integer(6000, 100),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Names this process in logs, metrics and published envelopes. */
  INSTANCE_ID: z.string().min(1).max(64).optional(),
});

/** Every environment variable the server reads. */
export const ENV_VARIABLES = Object.keys(envSchema.shape) as (keyof typeof envSchema.shape)[];

export interface Config {
  port: number;
  host: string;
  redisUrl: string | undefined;
  redisTlsCaFile: string | undefined;
  redisKeyPrefix: string;
  corsOrigins: string[];
  trustProxy: boolean | string;
  messageRatePerSec: number;
  messageRetention: number;
  sessionTtlSec: number;
  clientIdTtlSec: number;
  maxRoomsPerSocket: number;
  socketEventsPerSec: number;
  maxSocketsPerUser: number;
  maxSocketBufferBytes: number;
  debugHooks: boolean;
  redisConnectTimeoutMs: number;
  redisCommandTimeoutMs: number;
  shutdownTimeoutMs: number;
  presenceHeartbeatMs: number;
  presenceTtlMs: number;
  presenceGraceMs: number;
  typingTtlMs: number;
  logLevel: z.infer<typeof envSchema>['LOG_LEVEL'];
  instanceId: string;
}

export class ConfigError extends Error {}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  // Treat empty strings as unset: `REDIS_URL=` in a .env file means "not set".
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== ''));
  const parsed = envSchema.safeParse(present);
  if (!parsed.success) {
    const problems = parsed.error.issues.map(
      (issue) => `${issue.path.join('.')}: ${issue.message}`,
    );
    throw new ConfigError(`invalid configuration: ${problems.join('; ')}`);
  }
  const e = parsed.data;
  if (e.CHAT_DEBUG_HOOKS === 'true' && e.NODE_ENV === 'production') {
    throw new ConfigError(
      'invalid configuration: CHAT_DEBUG_HOOKS must not be set when NODE_ENV is production',
    );
  }
  return {
    port: e.PORT,
    host: e.HOST,
    redisUrl: e.REDIS_URL,
    redisTlsCaFile: e.REDIS_TLS_CA,
    redisKeyPrefix: e.REDIS_KEY_PREFIX,
    corsOrigins: e.CORS_ORIGIN.split(',')
      .map((origin) => origin.trim())
      .filter((origin) => origin.length > 0),
    trustProxy: e.TRUST_PROXY === 'true' ? true : e.TRUST_PROXY === 'false' ? false : e.TRUST_PROXY,
    messageRatePerSec: e.MESSAGE_RATE_PER_SEC,
    messageRetention: e.MESSAGE_RETENTION,
    sessionTtlSec: e.SESSION_TTL_SEC,
    clientIdTtlSec: e.CLIENT_ID_TTL_SEC,
    maxRoomsPerSocket: e.MAX_ROOMS_PER_SOCKET,
    socketEventsPerSec: e.SOCKET_EVENTS_PER_SEC,
    maxSocketsPerUser: e.MAX_SOCKETS_PER_USER,
    maxSocketBufferBytes: e.MAX_SOCKET_BUFFER_BYTES,
    debugHooks: e.CHAT_DEBUG_HOOKS === 'true',
    redisConnectTimeoutMs: e.REDIS_CONNECT_TIMEOUT_MS,
    redisCommandTimeoutMs: e.REDIS_COMMAND_TIMEOUT_MS,
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
    presenceHeartbeatMs: e.PRESENCE_HEARTBEAT_MS,
    presenceTtlMs: e.PRESENCE_TTL_MS,
    presenceGraceMs: e.PRESENCE_GRACE_MS,
    typingTtlMs: e.TYPING_TTL_MS,
    logLevel: e.LOG_LEVEL,
    instanceId: e.INSTANCE_ID ?? `${hostname()}-${randomBytes(3).toString('hex')}`,
  };
}

/** A config for tests and embedding: defaults, overridden field by field. */
export function configWith(overrides: Partial<Config>): Config {
  return { ...loadConfig({}), ...overrides };
}

/** `rediss://user:secret@host:6380` → `rediss://user:***@host:6380`, for logs. */
export function redactRedisUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return 'redis://<unparsable url>';
  }
}
