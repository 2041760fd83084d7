import { createHash } from 'node:crypto';
import { EmbeddedDataDir, type DataDirTemplate } from '@chat/testkit';
import { EMBEDDED_MIGRATIONS } from '../../src/embedded/migrations';
import { PgliteDatabase } from '../../src/embedded/pglite';
import { pgliteDialect } from '../../src/embedded/pglite-dialect';
import { ARCHIVE_MIGRATIONS, migrate, type MigrationSet } from '../../src/postgres/migrate';

/** Both schemas an embedded data dir gets at start, in the order the backend applies them. */
const SETS: MigrationSet[] = [ARCHIVE_MIGRATIONS, EMBEDDED_MIGRATIONS];

let migrated: Promise<DataDirTemplate> | undefined;

/**
 * A fresh DATA_DIR for an in-process embedded backend, its schema already migrated: a copy
 * of a template made once (and cached between runs) by applying the server's migrations to
 * the test kit's PGlite template, which saves each backend's start the migrations' 0.2–0.7 s.
 * The cache key is a hash of every migration's name and code, so changing one (even one not
 * renamed, while it is being written) builds a new template.
 */
export async function migratedDataDir(): Promise<EmbeddedDataDir> {
  migrated ??= EmbeddedDataDir.template({ key: migrationsHash(), prepare: applyMigrations });
  return EmbeddedDataDir.create(await migrated);
}

async function applyMigrations(folder: string): Promise<void> {
  const database = new PgliteDatabase();
  await database.open(folder);
  try {
    for (const set of SETS) await migrate(pgliteDialect(database.pglite), { set });
  } finally {
    await database.close();
  }
}

function migrationsHash(): string {
  const hash = createHash('sha256');
  for (const set of SETS) {
    hash.update(`${set.tableName}\n`);
    for (const [name, migration] of Object.entries(set.migrations))
      hash.update(`${name}\n${migration.up.toString()}\n`);
  }
  return hash.digest('hex').slice(0, 16);
}

/**
 * The settings of a built embedded server process on `dataDir` for the restart suites: no
 * Redis, test-strength password hashing, and no registration or message limits.
 */
export function embeddedProcessEnv(dataDir: string): Record<string, string | undefined> {
  return {
    REDIS_URL: undefined,
    DATA_DIR: dataDir,
    PASSWORD_SCRYPT_N: String(2 ** 14),
    REGISTRATIONS_PER_HOUR: '0',
    MESSAGE_RATE_PER_SEC: '0',
  };
}
