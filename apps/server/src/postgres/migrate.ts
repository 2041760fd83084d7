import {
  Kysely,
  Migrator,
  PostgresDialect,
  sql,
  type Dialect,
  type Migration,
  type MigrationProvider,
} from 'kysely';
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

/**
 * A set of migrations and the tables that record it. Two sets can live in one database
 * side by side (the archive's, and the embedded mode's own in PGlite), each applied and
 * recorded on its own.
 */
export interface MigrationSet {
  /** Every migration, by name, in the order they run. */
  migrations: Record<string, Migration>;
  /** Where the applied names are recorded; Kysely's default is `kysely_migration`. */
  tableName: string;
  /** The migrator's own lock row; Kysely's default is `kysely_migration_lock`. */
  lockTableName: string;
}

/** The archive's schema (postgres/migrations), recorded in Kysely's default tables. */
export const ARCHIVE_MIGRATIONS: MigrationSet = {
  migrations: MIGRATIONS,
  tableName: 'kysely_migration',
  lockTableName: 'kysely_migration_lock',
};

export interface MigrateOptions {
  /** Give up when another process holds the lock for longer than this; default 60000 ms. */
  lockTimeoutMs?: number;
  /** Which migrations; default the archive's (ARCHIVE_MIGRATIONS). */
  set?: MigrationSet;
}

/**
 * Brings the database's schema to the newest version: applies, in one
 * transaction, every migration it has not applied yet, in order; does
 * nothing when it is current. Safe when several processes call it at once:
 * they take turns on an advisory lock, the first applies, the others find
 * nothing left to do. Rejects, having applied nothing, when a migration
 * fails. Returns the names of the migrations it applied. `database` is a node-postgres
 * pool (a PostgreSQL server) or any Kysely dialect for PostgreSQL (PGlite's, in the embedded
 * mode: see embedded/pglite-dialect.ts); the caller keeps owning it.
 */
export async function migrate(
  database: pg.Pool | Dialect,
  options: MigrateOptions = {},
): Promise<string[]> {
  const dialect = isDialect(database) ? database : new PostgresDialect({ pool: database });
  const db = new Kysely<unknown>({ dialect });
  const set = options.set ?? ARCHIVE_MIGRATIONS;
  const provider: MigrationProvider = { getMigrations: () => Promise.resolve(set.migrations) };
  // One connection for all of it: the lock belongs to its session, and the
  // migrator's own lock and transaction then run in that same session.
  return db.connection().execute(async (session) => {
    const timeout = `${options.lockTimeoutMs ?? 60_000}ms`;
    await sql`SELECT set_config('lock_timeout', ${timeout}, false)`.execute(session);
    await sql`SELECT pg_advisory_lock(${MIGRATION_LOCK_KEY}::bigint)`.execute(session);
    try {
      const { error, results } = await new Migrator({
        db: session,
        provider,
        migrationTableName: set.tableName,
        migrationLockTableName: set.lockTableName,
      }).migrateToLatest();
      if (error) throw error instanceof Error ? error : new Error(String(error));
      return (results ?? []).map((result) => result.migrationName);
    } finally {
      await sql`SELECT pg_advisory_unlock(${MIGRATION_LOCK_KEY}::bigint)`.execute(session);
      await sql`SELECT set_config('lock_timeout', '0', false)`.execute(session);
    }
  });
}

function isDialect(database: pg.Pool | Dialect): database is Dialect {
  return typeof (database as Partial<Dialect>).createDriver === 'function';
}
