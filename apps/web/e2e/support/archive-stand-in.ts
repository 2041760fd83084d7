import pg from 'pg';
import type { Message } from '@chat/shared';
import { PostgresArchive } from '../../../server/src/postgres/archive';
import { poolSqlClient } from '../../../server/src/postgres/sql-client';

/**
 * The archiver's stand-in, until the archiver runs in the browser suites: writes `messages`
 * into the archive the server searches (the server migrated its schema at start).
 * Idempotent, as the archiver is: what one already wrote is skipped, so this stays right
 * once a real archiver runs beside it.
 */
export async function archiveMessages(databaseUrl: string, messages: Message[]): Promise<void> {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 1 });
  const archive = new PostgresArchive(poolSqlClient(pool), { close: () => pool.end() });
  try {
    await archive.writeBatch(messages);
  } finally {
    await archive.close();
  }
}
