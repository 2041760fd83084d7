import { PGlite } from '@electric-sql/pglite';
import type { SqlClient } from '../postgres/sql-client';

/**
 * PGlite (PostgreSQL compiled to WebAssembly, in this process) as the SqlClient the
 * archive's SQL runs on, so the embedded mode runs the same statements as a PostgreSQL
 * server. Opened once in a folder of its own (created with initdb on first use, 2–5 s; an
 * existing one reopens in about 0.4 s). Every statement is committed (written to the
 * folder's files, through the OS) before its promise resolves, so what it answered
 * survives the process being killed. One session: statements run one at a time, in the
 * order they were issued.
 */
export class PgliteDatabase implements SqlClient {
  private database: PGlite | undefined;

  /** PGlite's own handle, for the Kysely dialect; throws before open(). */
  get pglite(): PGlite {
    if (!this.database) throw new Error('PGlite is not open (the backend was not started)');
    return this.database;
  }

  /** Opens (or first creates) the database in `folder`. */
  async open(folder: string): Promise<void> {
    this.database = await PGlite.create(folder);
  }

  async query<Row>(text: string, params: unknown[]): Promise<{ rows: Row[]; rowCount: number }> {
    const result = await this.pglite.query<Row>(text, params);
    return { rows: result.rows, rowCount: result.affectedRows ?? result.rows.length };
  }

  /** Runs what was issued, then closes; a call after it fails. Idempotent. */
  async close(): Promise<void> {
    const database = this.database;
    this.database = undefined;
    if (database && !database.closed) await database.close();
  }
}
