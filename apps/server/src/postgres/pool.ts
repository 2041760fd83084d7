import pg from 'pg';

export interface PostgresPoolOptions {
  /** Connections at most; default 10. */
  max?: number;
  /** How long to wait for a connection (new or from the pool) before failing; default 5000 ms. */
  connectionTimeoutMs?: number;
  /** A statement running longer is cancelled by the server; default 30000 ms. */
  statementTimeoutMs?: number;
  /** What `pg_stat_activity` calls these connections; default `chat`. */
  applicationName?: string;
  /**
   * Called when an idle connection fails (the server restarted, say): the
   * pool drops it and opens another on the next query. Default: ignored.
   */
  onIdleError?: (error: Error) => void;
}

/**
 * A node-postgres pool for `url` (`postgres://` or `postgresql://`). It
 * connects lazily, on the first query; a connection that breaks while idle
 * is dropped (never an unhandled 'error' that would end the process), and
 * queries after an outage open new ones. The owner ends it (`pool.end()`).
 */
export function createPostgresPool(url: string, options: PostgresPoolOptions = {}): pg.Pool {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.max ?? 10,
    connectionTimeoutMillis: options.connectionTimeoutMs ?? 5000,
    idleTimeoutMillis: 30_000,
    statement_timeout: options.statementTimeoutMs ?? 30_000,
    application_name: options.applicationName ?? 'chat',
  });
  pool.on('error', (error) => options.onIdleError?.(error));
  return pool;
}
