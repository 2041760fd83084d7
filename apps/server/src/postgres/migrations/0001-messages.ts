import { sql, type Kysely, type Migration } from 'kysely';

/*
 * The archive's messages, keyed as Redis keys them: a room, and the stream id
 * `<ms>-<seq>` split into two bigints, so that order and range comparisons
 * are numeric (`1700000000000-10` after `-2`) and served by the primary key's
 * index. `message` holds the whole Message as clients get it, so fields the
 * protocol adds later (editedAt, reactions, ...) need no new column to be
 * archived. `search` is derived by PostgreSQL itself from the text, with the
 * `simple` configuration (lower-cased words, no stemming, no stop words: the
 * same in every language), and indexed with GIN.
 */
export const messages: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await sql`
      CREATE TABLE messages (
        room_id text NOT NULL,
        id_ms bigint NOT NULL,
        id_seq bigint NOT NULL,
        message jsonb NOT NULL,
        search tsvector GENERATED ALWAYS AS
          (to_tsvector('simple'::regconfig, coalesce(message->>'text', ''))) STORED,
        archived_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (room_id, id_ms, id_seq)
      )`.execute(db);
    await sql`CREATE INDEX messages_search ON messages USING gin (search)`.execute(db);
  },
  async down(db: Kysely<unknown>): Promise<void> {
    await sql`DROP TABLE messages`.execute(db);
  },
};
