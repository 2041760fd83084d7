import type { Room } from '@chat/shared';
import type { SqlClient } from '../postgres/sql-client';
import type { StoredUser } from '../ports';

/** A session as the embedded session store keeps it: times in ms since the epoch. */
export interface SessionRecord {
  userId: string;
  /** Ends here unless used again (sliding). */
  idleUntil: number;
  /** Ends here whatever happens. */
  absoluteAt: number;
}

/** What the embedded stores had, as loaded back at start. */
export interface EmbeddedState {
  users: StoredUser[];
  /** Live ones only: expired sessions are dropped when loading. */
  sessions: (SessionRecord & { tokenHash: string })[];
  /** In creation order, each with its members. */
  rooms: { room: Room; memberIds: string[] }[];
  /** `pair` is the two user ids, sorted, joined by `:`. */
  dms: { pair: string; roomId: string }[];
  readMarkers: { userId: string; roomId: string; messageId: string }[];
  /** The DMs users hid from their lists (RoomStore.hideDm). */
  hiddenDms: { userId: string; roomId: string; upTo: string }[];
}

/**
 * The durable copy of the embedded stores' state (everything but messages, which the
 * archive keeps). The stores keep working in memory and write every change through to it:
 * each method resolves once the change is committed, and rejects, having changed nothing,
 * when it could not be. Writes are applied in the order they are issued.
 */
export interface DurableState {
  addUser(user: StoredUser): Promise<void>;
  setPasswordHash(userId: string, passwordHash: string): Promise<void>;
  /** Creates the session, or replaces its expiry times. */
  saveSession(tokenHash: string, session: SessionRecord): Promise<void>;
  deleteSessions(tokenHashes: string[]): Promise<void>;
  /** The room, its first members and (for a DM) its pair, in one step. */
  addRoom(room: Room, memberIds: string[], dmPair?: string): Promise<void>;
  addMember(roomId: string, userId: string): Promise<void>;
  removeMember(roomId: string, userId: string): Promise<void>;
  /** Creates or replaces the user's mark on the DM. */
  saveHiddenDm(userId: string, roomId: string, upTo: string): Promise<void>;
  deleteHiddenDm(userId: string, roomId: string): Promise<void>;
  saveReadMarker(userId: string, roomId: string, messageId: string): Promise<void>;
  /** Resolves once every write issued before the call has been committed (or failed). */
  settled(): Promise<void>;
  /** Everything kept, sessions expired at `nowMs` dropped (and deleted). */
  load(nowMs: number): Promise<EmbeddedState>;
}

/** DATA_DIR=:memory:, and stores built on their own (unit tests): nothing is kept. */
export const NOTHING_KEPT: DurableState = {
  addUser: () => Promise.resolve(),
  setPasswordHash: () => Promise.resolve(),
  saveSession: () => Promise.resolve(),
  deleteSessions: () => Promise.resolve(),
  addRoom: () => Promise.resolve(),
  addMember: () => Promise.resolve(),
  removeMember: () => Promise.resolve(),
  saveHiddenDm: () => Promise.resolve(),
  deleteHiddenDm: () => Promise.resolve(),
  saveReadMarker: () => Promise.resolve(),
  settled: () => Promise.resolve(),
  load: () =>
    Promise.resolve({
      users: [],
      sessions: [],
      rooms: [],
      dms: [],
      readMarkers: [],
      hiddenDms: [],
    }),
};

/*
 * Every statement is a constant with bound parameters. The tables are those of
 * embedded/migrations/0001-state.ts.
 */
const INSERT_USER = `
  INSERT INTO users (id, username, username_key, password_hash, created_at)
  VALUES ($1, $2, $3, $4, $5)`;
const UPDATE_PASSWORD_HASH = `UPDATE users SET password_hash = $2 WHERE id = $1`;
const UPSERT_SESSION = `
  INSERT INTO sessions (token_hash, user_id, idle_until_ms, absolute_at_ms) VALUES ($1, $2, $3, $4)
  ON CONFLICT (token_hash) DO UPDATE
    SET idle_until_ms = EXCLUDED.idle_until_ms, absolute_at_ms = EXCLUDED.absolute_at_ms`;
const DELETE_SESSIONS = `DELETE FROM sessions WHERE token_hash = ANY($1::text[])`;
/** One statement, so a room is never kept without its members or its DM pair. */
const INSERT_ROOM = `
  WITH room AS (INSERT INTO rooms (id, room) VALUES ($1, $2::jsonb)),
    members AS (
      INSERT INTO room_members (room_id, user_id) SELECT $1, unnest($3::text[])
      ON CONFLICT DO NOTHING)
  INSERT INTO dm_pairs (pair, room_id) SELECT $4::text, $1 WHERE $4::text IS NOT NULL`;
const INSERT_MEMBER = `
  INSERT INTO room_members (room_id, user_id) VALUES ($1, $2) ON CONFLICT DO NOTHING`;
const DELETE_MEMBER = `DELETE FROM room_members WHERE room_id = $1 AND user_id = $2`;
const UPSERT_HIDDEN_DM = `
  INSERT INTO hidden_dms (user_id, room_id, up_to) VALUES ($1, $2, $3)
  ON CONFLICT (user_id, room_id) DO UPDATE SET up_to = EXCLUDED.up_to`;
const DELETE_HIDDEN_DM = `DELETE FROM hidden_dms WHERE user_id = $1 AND room_id = $2`;
const UPSERT_READ_MARKER = `
  INSERT INTO read_markers (user_id, room_id, message_id) VALUES ($1, $2, $3)
  ON CONFLICT (user_id, room_id) DO UPDATE SET message_id = EXCLUDED.message_id`;
const DELETE_EXPIRED_SESSIONS = `
  DELETE FROM sessions WHERE idle_until_ms <= $1 OR absolute_at_ms <= $1`;

/** The durable state in SQL (PGlite under DATA_DIR), on the embedded migrations' tables. */
export class SqlDurableState implements DurableState {
  /** The last write issued, settled either way: what `settled()` waits for. */
  private last: Promise<void> = Promise.resolve();

  constructor(private readonly db: SqlClient) {}

  addUser(user: StoredUser): Promise<void> {
    return this.write(INSERT_USER, [
      user.id,
      user.username,
      user.username.toLowerCase(),
      user.passwordHash,
      user.createdAt,
    ]);
  }

  setPasswordHash(userId: string, passwordHash: string): Promise<void> {
    return this.write(UPDATE_PASSWORD_HASH, [userId, passwordHash]);
  }

  saveSession(tokenHash: string, session: SessionRecord): Promise<void> {
    return this.write(UPSERT_SESSION, [
      tokenHash,
      session.userId,
      session.idleUntil,
      session.absoluteAt,
    ]);
  }

  deleteSessions(tokenHashes: string[]): Promise<void> {
    if (tokenHashes.length === 0) return Promise.resolve();
    return this.write(DELETE_SESSIONS, [tokenHashes]);
  }

  addRoom(room: Room, memberIds: string[], dmPair?: string): Promise<void> {
    return this.write(INSERT_ROOM, [room.id, JSON.stringify(room), memberIds, dmPair ?? null]);
  }

  addMember(roomId: string, userId: string): Promise<void> {
    return this.write(INSERT_MEMBER, [roomId, userId]);
  }

  removeMember(roomId: string, userId: string): Promise<void> {
    return this.write(DELETE_MEMBER, [roomId, userId]);
  }

  saveHiddenDm(userId: string, roomId: string, upTo: string): Promise<void> {
    return this.write(UPSERT_HIDDEN_DM, [userId, roomId, upTo]);
  }

  deleteHiddenDm(userId: string, roomId: string): Promise<void> {
    return this.write(DELETE_HIDDEN_DM, [userId, roomId]);
  }

  saveReadMarker(userId: string, roomId: string, messageId: string): Promise<void> {
    return this.write(UPSERT_READ_MARKER, [userId, roomId, messageId]);
  }

  settled(): Promise<void> {
    return this.last;
  }

  async load(nowMs: number): Promise<EmbeddedState> {
    await this.db.query(DELETE_EXPIRED_SESSIONS, [nowMs]);
    const users = await this.db.query<{
      id: string;
      username: string;
      password_hash: string;
      created_at: string;
    }>(`SELECT id, username, password_hash, created_at FROM users`, []);
    const sessions = await this.db.query<{
      token_hash: string;
      user_id: string;
      idle_until_ms: unknown;
      absolute_at_ms: unknown;
    }>(`SELECT token_hash, user_id, idle_until_ms, absolute_at_ms FROM sessions`, []);
    const rooms = await this.db.query<{ room: Room }>(
      `SELECT room FROM rooms ORDER BY position`,
      [],
    );
    const members = await this.db.query<{ room_id: string; user_id: string }>(
      `SELECT room_id, user_id FROM room_members`,
      [],
    );
    const dms = await this.db.query<{ pair: string; room_id: string }>(
      `SELECT pair, room_id FROM dm_pairs`,
      [],
    );
    const markers = await this.db.query<{ user_id: string; room_id: string; message_id: string }>(
      `SELECT user_id, room_id, message_id FROM read_markers`,
      [],
    );
    const hidden = await this.db.query<{ user_id: string; room_id: string; up_to: string }>(
      `SELECT user_id, room_id, up_to FROM hidden_dms`,
      [],
    );
    const memberIds = new Map<string, string[]>();
    for (const row of members.rows) {
      const ids = memberIds.get(row.room_id) ?? [];
      memberIds.set(row.room_id, ids);
      ids.push(row.user_id);
    }
    return {
      users: users.rows.map((row) => ({
        id: row.id,
        username: row.username,
        passwordHash: row.password_hash,
        createdAt: row.created_at,
      })),
      sessions: sessions.rows.map((row) => ({
        tokenHash: row.token_hash,
        userId: row.user_id,
        // bigint columns: PGlite may hand them over as bigint; ms since 1970 fit a number.
        idleUntil: Number(row.idle_until_ms),
        absoluteAt: Number(row.absolute_at_ms),
      })),
      rooms: rooms.rows.map(({ room }) => ({ room, memberIds: memberIds.get(room.id) ?? [] })),
      dms: dms.rows.map((row) => ({ pair: row.pair, roomId: row.room_id })),
      readMarkers: markers.rows.map((row) => ({
        userId: row.user_id,
        roomId: row.room_id,
        messageId: row.message_id,
      })),
      hiddenDms: hidden.rows.map((row) => ({
        userId: row.user_id,
        roomId: row.room_id,
        upTo: row.up_to,
      })),
    };
  }

  private write(statement: string, params: unknown[]): Promise<void> {
    const done = this.db.query(statement, params).then(() => undefined);
    this.last = done.catch(() => undefined);
    return done;
  }
}
