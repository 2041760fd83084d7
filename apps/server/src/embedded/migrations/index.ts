import type { MigrationSet } from '../../postgres/migrate';
import { state } from './0001-state';
import { hiddenDms } from './0002-hidden-dms';

/**
 * The embedded mode's own tables (in PGlite, beside the archive's `messages`), recorded
 * apart from the archive's set, which also runs on PostgreSQL servers that never see
 * these. Never rename or edit a migration that has shipped; add the next one below.
 */
export const EMBEDDED_MIGRATIONS: MigrationSet = {
  migrations: { '0001-state': state, '0002-hidden-dms': hiddenDms },
  tableName: 'embedded_migration',
  lockTableName: 'embedded_migration_lock',
};
