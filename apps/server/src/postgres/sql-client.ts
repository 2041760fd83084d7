import type pg from 'pg';

/**
 * The one thing the archive's SQL needs from a database: a parameterised
 * query. node-postgres's pool (the archive on a PostgreSQL server) and PGlite
 * (the embedded mode's PostgreSQL in WebAssembly) both stand behind it, so the
 * same statements serve both.
 */
export interface SqlClient {
  query<Row>(text: string, params: unknown[]): Promise<{ rows: Row[]; rowCount: number }>;
}

/** A node-postgres pool as a SqlClient: each query on a pooled connection. */
export function poolSqlClient(pool: pg.Pool): SqlClient {
  return {
    async query<Row>(text: string, params: unknown[]) {
      const result = await pool.query(text, params);
      return { rows: result.rows as Row[], rowCount: result.rowCount ?? 0 };
    },
  };
}
