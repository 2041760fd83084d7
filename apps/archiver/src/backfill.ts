import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import {
  currentMessage,
  type PostgresArchive,
  type RedisKeys,
  type StreamEntry,
} from '@chat/server/archive-kit';
import type { Retrier } from './retry';

/**
 * Copies every room stream into PostgreSQL, once per registration of the
 * archive: the messages stored before the feed existed are in the rooms but
 * not in the feed. Skipped when the marker is set; sets it when done, and
 * until then no archiver trims a room (lua/archive-trim-room.lua checks it).
 * Idempotent (rows are keyed by room and id), so two archivers doing it at
 * once, or one doing it again after a crash, is harmless. Reads in chunks of
 * `chunk` entries; PostgreSQL or Redis errors are retried until they pass.
 * Returns the number of new rows.
 */
export async function backfillRooms(deps: {
  redis: Redis;
  keys: RedisKeys;
  prefix: string;
  archive: PostgresArchive;
  retrier: Retrier;
  logger: Logger;
  chunk: number;
}): Promise<number> {
  const { redis, keys, prefix, archive, retrier, logger, chunk } = deps;
  const marker = keys.archiveBackfilled();
  if ((await retrier.run('backfill', () => redis.exists(marker))) === 1) return 0;
  logger.info('archive backfill: copying the room streams that predate the feed');
  const roomPrefix = `${prefix}room:`;
  const suffix = ':messages';
  let written = 0;
  let rooms = 0;
  let cursor = '0';
  do {
    const [next, found] = await retrier.run('backfill', () =>
      redis.scan(
        cursor,
        'MATCH',
        `${escapeGlob(roomPrefix)}*${suffix}`,
        'COUNT',
        500,
        'TYPE',
        'stream',
      ),
    );
    cursor = next;
    for (const key of found) {
      const roomId = key.slice(roomPrefix.length, -suffix.length);
      // A key that only looks like a room stream (`room:a:messages:messages`) still maps to
      // the room whose roomMessages key it is, or is skipped.
      if (keys.roomMessages(roomId) !== key || roomId.includes(':')) continue;
      rooms += 1;
      let after = '-';
      for (;;) {
        const entries = (await retrier.run('backfill', () =>
          redis.xrange(key, after, '+', 'COUNT', chunk),
        )) as StreamEntry[];
        if (entries.length === 0) break;
        // Each message as it is now: its state (protocol v1.1), or an entry from before
        // message changes, which holds the message itself.
        const states = await retrier.run('backfill', () =>
          redis.hmget(keys.roomLog(roomId)[1]!, ...entries.map(([id]) => id)),
        );
        const messages = entries.map((entry, index) =>
          currentMessage(roomId, entry, states[index]),
        );
        written += await retrier.run('backfill', () => archive.writeBatch(messages));
        if (entries.length < chunk) break;
        after = `(${entries[entries.length - 1]![0]}`;
      }
    }
  } while (cursor !== '0');
  await retrier.run('backfill', () => redis.set(marker, new Date().toISOString()));
  logger.info({ rooms, written }, 'archive backfill done');
  return written;
}

/** `s` matched literally by SCAN's glob (a prefix may hold `*`, `?`, `[`). */
function escapeGlob(s: string): string {
  return s.replace(/[*?[\]\\]/g, (c) => `\\${c}`);
}
