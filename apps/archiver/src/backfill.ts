import type { Cluster, Redis } from 'ioredis';
import type { Logger } from 'pino';
import {
  currentMessage,
  type PostgresArchive,
  type RedisClient,
  type RedisKeys,
  type StreamEntry,
} from '@chat/server/archive-kit';
import type { Retrier } from './retry';

/**
 * Copies every room stream into PostgreSQL, once per registration of the
 * archive: the messages stored before the feed existed are in the rooms but
 * not in the feed. Skipped when every backfill marker is set (one in single
 * mode; one per room partition in cluster mode, in the partition's slot);
 * copies the rooms whose marker is absent and then sets those markers, and
 * until then no archiver trims such a room (lua/archive-trim-room.lua checks
 * its marker). In cluster mode rooms are enumerated on every master (SCAN on
 * a Cluster client would walk one node only). Idempotent (rows are keyed by
 * room and id), so two archivers doing it at once, or one doing it again
 * after a crash, is harmless. Reads in chunks of `chunk` entries; PostgreSQL
 * or Redis errors are retried until they pass. Returns the number of new rows.
 */
export async function backfillRooms(deps: {
  redis: RedisClient;
  keys: RedisKeys;
  prefix: string;
  archive: PostgresArchive;
  retrier: Retrier;
  logger: Logger;
  chunk: number;
}): Promise<number> {
  const { redis, keys, prefix, retrier, logger, chunk } = deps;
  const markers = keys.archiveShards().map(({ backfilled }) => backfilled);
  // One EXISTS per marker: in cluster mode they lie in different slots.
  const present = await retrier.run('backfill', () =>
    Promise.all(markers.map((marker) => redis.exists(marker))),
  );
  const missing = new Set(markers.filter((_, index) => present[index] === 0));
  if (missing.size === 0) return 0;
  logger.info(
    { partitions: keys.mode === 'cluster' ? missing.size : undefined },
    'archive backfill: copying the room streams that predate the feed',
  );
  const roomPrefix = `${prefix}room:`;
  const suffix = ':messages';
  let written = 0;
  let rooms = 0;
  const nodes: Redis[] = redis.isCluster ? (redis as Cluster).nodes('master') : [redis as Redis];
  for (const node of nodes) {
    let cursor = '0';
    do {
      const [next, found] = await retrier.run('backfill', () =>
        node.scan(
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
        const roomId = roomIdOf(key.slice(roomPrefix.length, -suffix.length), keys.mode);
        // A key that only looks like a room stream (`room:a:messages:messages`) still maps to
        // the room whose roomMessages key it is, or is skipped.
        if (roomId === undefined || keys.roomMessages(roomId) !== key || roomId.includes(':'))
          continue;
        if (!missing.has(keys.archiveBackfilledOf(roomId))) continue;
        rooms += 1;
        written += await copyRoom(deps, key, roomId, chunk);
      }
    } while (cursor !== '0');
  }
  await retrier.run('backfill', () =>
    Promise.all([...missing].map((marker) => redis.set(marker, new Date().toISOString()))),
  );
  logger.info({ rooms, written }, 'archive backfill done');
  return written;
}

/** One room stream into PostgreSQL, in chunks; the number of new rows. */
async function copyRoom(
  deps: { redis: RedisClient; keys: RedisKeys; archive: PostgresArchive; retrier: Retrier },
  key: string,
  roomId: string,
  chunk: number,
): Promise<number> {
  const { redis, keys, archive, retrier } = deps;
  let written = 0;
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
    const messages = entries.map((entry, index) => currentMessage(roomId, entry, states[index]));
    written += await retrier.run('backfill', () => archive.writeBatch(messages));
    if (entries.length < chunk) break;
    after = `(${entries[entries.length - 1]![0]}`;
  }
  return written;
}

/**
 * The room id in the middle of a room stream's key: as it is in single mode; after its
 * partition's hash tag (`{p17}:<id>`) in cluster mode (undefined without one).
 */
function roomIdOf(middle: string, mode: RedisKeys['mode']): string | undefined {
  if (mode !== 'cluster') return middle;
  const tag = /^\{p\d+\}:/.exec(middle);
  return tag ? middle.slice(tag[0].length) : undefined;
}

/** `s` matched literally by SCAN's glob (a prefix may hold `*`, `?`, `[`). */
function escapeGlob(s: string): string {
  return s.replace(/[*?[\]\\]/g, (c) => `\\${c}`);
}
