import { sql, type Kysely, type Migration } from 'kysely';

/*
 * The embedded mode's state besides messages (which are in the archive's `messages` table):
 * the durable copy of the in-memory stores, one table per store, written through on every
 * change and read back once at start (embedded/durable-state.ts). Ids, names and times are
 * kept as the ports hand them over (text), rooms as the whole Room that clients get (jsonb,
 * so later fields need no column), in creation order (`position`), which is the order of
 * room lists. The stores enforce their rules (unique names) in memory, before writing.
 */
export const state: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await sql`
      CREATE TABLE users (
        id text PRIMARY KEY,
        username text NOT NULL,
        username_key text NOT NULL UNIQUE,
        password_hash text NOT NULL,
        created_at text NOT NULL
      )`.execute(db);
    await sql`
      CREATE TABLE sessions (
        token_hash text PRIMARY KEY,
        user_id text NOT NULL,
        idle_until_ms bigint NOT NULL,
        absolute_at_ms bigint NOT NULL
      )`.execute(db);
    await sql`
      CREATE TABLE rooms (
        id text PRIMARY KEY,
        position bigint GENERATED ALWAYS AS IDENTITY,
        room jsonb NOT NULL
      )`.execute(db);
    await sql`
      CREATE TABLE room_members (
        room_id text NOT NULL,
        user_id text NOT NULL,
        PRIMARY KEY (room_id, user_id)
      )`.execute(db);
    await sql`
      CREATE TABLE dm_pairs (
        pair text PRIMARY KEY,
        room_id text NOT NULL
      )`.execute(db);
    await sql`
      CREATE TABLE read_markers (
        user_id text NOT NULL,
        room_id text NOT NULL,
        message_id text NOT NULL,
        PRIMARY KEY (user_id, room_id)
      )`.execute(db);
  },
  async down(db: Kysely<unknown>): Promise<void> {
    for (const table of ['read_markers', 'dm_pairs', 'room_members', 'rooms', 'sessions', 'users'])
      await sql`DROP TABLE ${sql.table(table)}`.execute(db);
  },
};
