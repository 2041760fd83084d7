import type { PGlite } from '@electric-sql/pglite';
import {
  PostgresDialect,
  type PostgresPool,
  type PostgresPoolClient,
  type PostgresQueryResult,
} from 'kysely';

/*
 * Kysely's own PostgreSQL dialect over PGlite, through a pool of one: PGlite is one session,
 * and the dialect only needs `query(sql, parameters)` and `release()` of a pooled client. It
 * serves the migrations (postgres/migrate.ts), which use nothing else (no cursors, no
 * streaming). Chosen over the dialects on npm: kysely-pglite-dialect declares PGlite up to
 * 0.4 as its peer (npm refuses it beside 0.5), and kysely-pglite brings a CLI with a dozen
 * dependencies (oclif, chokidar, kysely-codegen) for what is these twenty lines.
 */

type Command = PostgresQueryResult<unknown>['command'];

/** A Kysely dialect that runs its statements on `database`, which the caller keeps owning. */
export function pgliteDialect(database: PGlite): PostgresDialect {
  const client = {
    async query<Row>(text: string, parameters: readonly unknown[]) {
      const result = await database.query<Row>(text, [...parameters]);
      return {
        // PGlite does not report the command tag; Kysely reads it only to count affected rows
        // (INSERT, UPDATE, DELETE, MERGE) and to spot a COMMIT answered by ROLLBACK, which a
        // failed statement before it has already reported as an error here.
        command: text.trimStart().split(/\s/, 1)[0]!.toUpperCase() as Command,
        rowCount: result.affectedRows ?? result.rows.length,
        rows: result.rows,
      };
    },
    release() {},
  } as PostgresPoolClient;
  const pool: PostgresPool = {
    connect: () => Promise.resolve(client),
    end: () => Promise.resolve(),
  };
  return new PostgresDialect({ pool });
}
