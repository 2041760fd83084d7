import { compareMessageIds, type Message } from '@chat/shared';
import type { Archive, MessagePage, MessageRange, SearchPage, SearchRequest } from '../ports';
import { AFTER_ALL, BEFORE_ALL, messageKey } from './message-key';
import { prefixTsQuery } from './search-query';
import type { SqlClient } from './sql-client';

/*
 * Every statement is a constant with bound parameters: nothing a user typed
 * is ever part of SQL text. Open range ends are the sentinels BEFORE_ALL and
 * AFTER_ALL, so one statement (one plan, one index range scan) serves every
 * combination of `after` and `before`.
 */

/** One statement per batch: the arrays unnest into rows; a known key is skipped. */
export const INSERT_BATCH = `
  INSERT INTO messages (room_id, id_ms, id_seq, message)
  SELECT * FROM unnest($1::text[], $2::bigint[], $3::bigint[], $4::jsonb[])
  ON CONFLICT (room_id, id_ms, id_seq) DO NOTHING`;

/**
 * Protocol v1.1: changed states with their versions; a row is replaced only by a newer
 * version (a re-delivery or a late, older change changes nothing), and inserted when absent
 * (a change that arrives before its message's insert; the insert then changes nothing).
 */
export const UPSERT_CHANGES = `
  INSERT INTO messages (room_id, id_ms, id_seq, message, version_ms, version_seq)
  SELECT * FROM unnest($1::text[], $2::bigint[], $3::bigint[], $4::jsonb[], $5::bigint[],
    $6::bigint[])
  ON CONFLICT (room_id, id_ms, id_seq) DO UPDATE
    SET message = EXCLUDED.message, version_ms = EXCLUDED.version_ms,
      version_seq = EXCLUDED.version_seq
    WHERE (messages.version_ms, messages.version_seq)
      < (EXCLUDED.version_ms, EXCLUDED.version_seq)`;

/** Newest first through the primary key, one row more than asked to learn `hasMore`. */
export const LIST_RANGE = `
  SELECT message FROM messages
  WHERE room_id = $1 AND (id_ms, id_seq) > ($2::bigint, $3::bigint)
    AND (id_ms, id_seq) < ($4::bigint, $5::bigint)
  ORDER BY id_ms DESC, id_seq DESC
  LIMIT $6`;

/** LIST_RANGE from the range's other end (`from: 'oldest'`): oldest first. */
export const LIST_RANGE_FROM_OLDEST = `
  SELECT message FROM messages
  WHERE room_id = $1 AND (id_ms, id_seq) > ($2::bigint, $3::bigint)
    AND (id_ms, id_seq) < ($4::bigint, $5::bigint)
  ORDER BY id_ms, id_seq
  LIMIT $6`;

/**
 * The GIN index finds the matches; the newest `limit + 1` of them are kept. Deleted messages
 * (protocol v1.1) have no text left to match, and are excluded explicitly as well.
 */
export const SEARCH = `
  SELECT message FROM messages
  WHERE search @@ to_tsquery('simple', $1) AND room_id = ANY($2::text[])
    AND (message->>'deleted') IS NULL
    AND (id_ms, id_seq) < ($3::bigint, $4::bigint)
  ORDER BY id_ms DESC, id_seq DESC
  LIMIT $5`;

/**
 * The Archive on PostgreSQL (or PGlite), through the SqlClient it is given
 * (the schema must have been migrated: see migrate.ts). close() calls
 * `options.close` (ending the pool it owns, say).
 */
export class PostgresArchive implements Archive {
  constructor(
    private readonly db: SqlClient,
    private readonly options: { close?: () => Promise<void> } = {},
  ) {}

  async writeBatch(messages: Message[]): Promise<number> {
    if (messages.length === 0) return 0;
    const keys = messages.map((message) => messageKey(message.id));
    const result = await this.db.query(INSERT_BATCH, [
      messages.map((message) => message.roomId),
      keys.map(([ms]) => ms),
      keys.map(([, seq]) => seq),
      messages.map((message) => JSON.stringify(message)),
    ]);
    return result.rowCount;
  }

  async writeChanges(changes: { message: Message; version: string }[]): Promise<number> {
    // One row at most per message in a statement (PostgreSQL refuses to update a row twice):
    // the newest version of each.
    const newest = new Map<string, { message: Message; version: string }>();
    for (const change of changes) {
      const key = `${change.message.roomId} ${change.message.id}`;
      const seen = newest.get(key);
      if (!seen || compareMessageIds(seen.version, change.version) < 0) newest.set(key, change);
    }
    if (newest.size === 0) return 0;
    const rows = [...newest.values()];
    const keys = rows.map(({ message }) => messageKey(message.id));
    const versions = rows.map(({ version }) => messageKey(version));
    const result = await this.db.query(UPSERT_CHANGES, [
      rows.map(({ message }) => message.roomId),
      keys.map(([ms]) => ms),
      keys.map(([, seq]) => seq),
      rows.map(({ message }) => JSON.stringify(message)),
      versions.map(([ms]) => ms),
      versions.map(([, seq]) => seq),
    ]);
    return result.rowCount;
  }

  async list(roomId: string, { after, before, limit, from }: MessageRange): Promise<MessagePage> {
    const [afterMs, afterSeq] = after === undefined ? BEFORE_ALL : messageKey(after);
    const [beforeMs, beforeSeq] = before === undefined ? AFTER_ALL : messageKey(before);
    const fromOldest = from === 'oldest';
    const statement = fromOldest ? LIST_RANGE_FROM_OLDEST : LIST_RANGE;
    const { rows } = await this.db.query<{ message: Message }>(statement, [
      roomId,
      afterMs,
      afterSeq,
      beforeMs,
      beforeSeq,
      pageSize(limit) + 1,
    ]);
    const page = rows.slice(0, limit).map((row) => row.message);
    return { messages: fromOldest ? page : page.reverse(), hasMore: rows.length > limit };
  }

  async search({ query, roomIds, before, limit }: SearchRequest): Promise<SearchPage> {
    const tsQuery = prefixTsQuery(query);
    if (tsQuery === null || roomIds.length === 0) return { messages: [], hasMore: false };
    const [beforeMs, beforeSeq] = before === undefined ? AFTER_ALL : messageKey(before);
    const { rows } = await this.db.query<{ message: Message }>(SEARCH, [
      tsQuery,
      roomIds,
      beforeMs,
      beforeSeq,
      pageSize(limit) + 1,
    ]);
    return {
      messages: rows.slice(0, limit).map((row) => row.message),
      hasMore: rows.length > limit,
    };
  }

  async close(): Promise<void> {
    await this.options.close?.();
  }
}

/** `limit` checked: a page is at least one message (a programmer error otherwise). */
function pageSize(limit: number): number {
  if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`limit must be >= 1: ${limit}`);
  return limit;
}
