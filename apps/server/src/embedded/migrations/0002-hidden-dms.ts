import { sql, type Kysely, type Migration } from 'kysely';

/*
 * Issue 14, membership: the DMs users hid from their room lists (RoomStore.hideDm), each
 * with the DM's newest message id at the time; the DM is listed again once a newer message
 * exists. Leaving a private room needs no table: it deletes the row of `room_members`.
 */
export const hiddenDms: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await sql`
      CREATE TABLE hidden_dms (
        user_id text NOT NULL,
        room_id text NOT NULL,
        up_to text NOT NULL,
        PRIMARY KEY (user_id, room_id)
      )`.execute(db);
  },
  async down(db: Kysely<unknown>): Promise<void> {
    await sql`DROP TABLE hidden_dms`.execute(db);
  },
};
