import type pg from 'pg';
import type { Logger } from 'pino';
import { redactUrl } from '../config';
import { PostgresArchive } from './archive';
import { migrate } from './migrate';
import { createPostgresPool } from './pool';
import { poolSqlClient } from './sql-client';

export interface ArchiveDatabaseOptions {
  /** The first retry of a failed migration after this; default 1000 ms, doubling each time. */
  retryMinMs?: number;
  /** Retries at least this often, however long the outage; default 30000 ms. */
  retryMaxMs?: number;
}

/**
 * The archive's PostgreSQL server (DATABASE_URL) as a chat server uses it: a
 * pool, the schema migrated at start and, while that fails (the database is
 * down, unreachable, still starting), migrated again in the background with
 * exponential backoff until it succeeds. Never stops the instance: PostgreSQL
 * is not on the send path, and while it is away only the archive's reads
 * (history beyond Redis, search) fail, with `unavailable`. `archive` is usable
 * at once; its queries fail until the schema exists and the server answers.
 */
export class ArchiveDatabase {
  readonly archive: PostgresArchive;
  private readonly pool: pg.Pool;
  private readonly where: string;
  private migrated = false;
  private retry: NodeJS.Timeout | undefined;
  private closing: Promise<void> | undefined;
  private lastError = '';

  constructor(
    url: string,
    private readonly logger: Logger,
    private readonly options: ArchiveDatabaseOptions = {},
  ) {
    this.where = redactDatabaseUrl(url);
    this.pool = createPostgresPool(url, {
      applicationName: 'chat-server',
      onIdleError: (error) => this.report('warn', error, 'archive connection lost while idle'),
    });
    this.archive = new PostgresArchive(poolSqlClient(this.pool), { close: () => this.close() });
  }

  /**
   * One migration attempt, awaited (so that an instance whose database answers serves the
   * archive from its first request); on failure, one error line and retries in the
   * background. Never rejects.
   */
  async start(): Promise<void> {
    await this.attempt(0);
  }

  /** Resolves when the schema is migrated and the database answers; rejects otherwise. */
  async check(): Promise<void> {
    if (!this.migrated) throw new Error('the archive schema is not migrated yet');
    await this.pool.query('SELECT 1');
  }

  /** Stops retrying and ends the pool; pending queries fail. Idempotent. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      clearTimeout(this.retry);
      await this.pool.end();
    })();
    return this.closing;
  }

  private async attempt(failures: number): Promise<void> {
    try {
      const applied = await migrate(this.pool);
      if (this.closing) return;
      this.migrated = true;
      this.lastError = '';
      this.logger.info({ database: this.where, applied }, 'archive ready');
    } catch (error) {
      if (this.closing) return;
      const delayMs = Math.min(
        (this.options.retryMinMs ?? 1000) * 2 ** failures,
        this.options.retryMaxMs ?? 30_000,
      );
      this.report(
        'error',
        error,
        'archive unavailable: history older than Redis retains and search answer 503 ' +
          'until PostgreSQL is back; retrying in the background',
        { retryInMs: delayMs },
      );
      this.retry = setTimeout(() => void this.attempt(failures + 1), delayMs);
      this.retry.unref();
    }
  }

  /** One line per distinct error, not one per retry. */
  private report(
    level: 'warn' | 'error',
    error: unknown,
    message: string,
    fields: Record<string, unknown> = {},
  ): void {
    const reason = error instanceof Error ? error.message : String(error);
    if (reason === this.lastError) return;
    this.lastError = reason;
    this.logger[level]({ database: this.where, err: reason, ...fields }, message);
  }
}

/** DATABASE_URL for logs (config.ts's redactUrl). */
export const redactDatabaseUrl = (url: string): string => redactUrl(url, 'postgres');
