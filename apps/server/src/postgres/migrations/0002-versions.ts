import { sql, type Kysely, type Migration } from 'kysely';

/*
 * Protocol v1.1 message changes: each row's version, the change id (`<ms>-<seq>`, split as
 * the message id is) of the state it holds; 0-0 for a message as it was sent. A change's
 * upsert replaces the row only when it carries a newer version, so a re-delivered or late
 * change never overwrites a newer state (postgres/archive.ts UPSERT_CHANGES). Adding
 * columns with a constant default rewrites nothing (PostgreSQL 11+): instant on a big table.
 */
export const versions: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await sql`
      ALTER TABLE messages
        ADD COLUMN version_ms bigint NOT NULL DEFAULT 0,
        ADD COLUMN version_seq bigint NOT NULL DEFAULT 0`.execute(db);
  },
  async down(db: Kysely<unknown>): Promise<void> {
    await sql`ALTER TABLE messages DROP COLUMN version_ms, DROP COLUMN version_seq`.execute(db);
  },
};
