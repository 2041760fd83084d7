import { Kysely, Migrator, PostgresDialect, sql, type MigrationProvider } from 'kysely';
import type pg from 'pg';
import { MIGRATIONS } from './migrations';

/**
 * The session advisory lock that serialises the migration runs of every
 * process of this project on one database (servers and archivers all
 * migrate at start). Kysely's migrator takes a lock of its own inside; this
 * one also covers the creation of its bookkeeping tables, which it does
 * before locking.
 */
export const MIGRATION_LOCK_KEY = '7351130013130001';

export interface MigrateOptions {
  /** Give up when another process holds the lock for longer than this; default 60000 ms. */
  lockTimeoutMs?: number;
}

/**
 * Brings the database's schema to the newest version: applies, in one
 * transaction, every migration it has not applied yet, in order; does
 * nothing when it is current. Safe when several processes call it at once:
 * they take turns on an advisory lock, the first applies, the others find
 * nothing left to do. Rejects, having applied nothing, when a migration
 * fails. Returns the names of the migrations it applied.
 */
export async function migrate(pool: pg.Pool, options: MigrateOptions = {}): Promise<string[]> {
  const db = new Kysely<unknown>({ dialect: new PostgresDialect({ pool }) });
  const provider: MigrationProvider = { getMigrations: () => Promise.resolve(MIGRATIONS) };
  // One connection for all of it: the lock belongs to its session, and the
  // migrator's own lock and transaction then run in that same session.
  return db.connection().execute(async (session) => {
    const timeout = `${options.lockTimeoutMs ?? 60_000}ms`;
    await sql`SELECT set_config('lock_timeout', ${timeout}, false)`.execute(session);
    await sql`SELECT pg_advisory_lock(${MIGRATION_LOCK_KEY}::bigint)`.execute(session);
    try {
      const { error, results } = await new Migrator({ db: session, provider }).migrateToLatest();
      if (error) throw error instanceof Error ? error : new Error(String(error));
      return (results ?? []).map((result) => result.migrationName);
    } finally {
      await sql`SELECT pg_advisory_unlock(${MIGRATION_LOCK_KEY}::bigint)`.execute(session);
      await sql`SELECT set_config('lock_timeout', '0', false)`.execute(session);
    }
  });
}
