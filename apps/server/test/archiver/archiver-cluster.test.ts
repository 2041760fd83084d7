import pino from 'pino';
import { waitUntil } from '@chat/testkit';
import { configWith } from '../../src/config';
import { ARCHIVE_GROUP } from '../../src/redis/archive-feed';
import { createRedisBackend } from '../../src/redis/backend';
import { redisKeys } from '../../src/redis/keys';
import { idsOf } from './archive-stack';
import {
  roomsAcrossMasters,
  useClusterArchiveStack,
  waitArchivedIn,
  type ClusterArchiveStack,
} from './cluster-archive-stack';
import { scrape } from './metrics-scrape';

/*
 * Issue 15: the archive with REDIS_MODE=cluster, on a real Redis Cluster (three masters, a
 * replica each). The feed is one stream per room partition (`archive:feed:{pN}`, in the
 * room's slot), registered by the server at start; archivers poll all 128 shards in rounds.
 * The same promises as in single mode: every message and change archived once, none lost
 * when an archiver is killed, rooms trimmed only after their messages are committed, and
 * rooms that predate the feed backfilled (found on every master) before any trim.
 */

const RETENTION = 50;
const stack = useClusterArchiveStack({ retention: RETENTION });

/** Whether every feed shard exists with the archivers' group. */
async function everyShardRegistered(stack: ClusterArchiveStack, keys = stack.keys) {
  const groups = await Promise.all(
    keys.archiveFeeds().map((feed) => stack.client.xinfo('GROUPS', feed) as Promise<unknown[][]>),
  );
  return groups.every((list) => list.some((fields) => fields[1] === ARCHIVE_GROUP));
}

/** How many of the backfill markers (one per partition) are set. */
async function markersSet(stack: ClusterArchiveStack, keys = stack.keys): Promise<number> {
  const present = await Promise.all(
    keys.archiveShards().map(({ backfilled }) => stack.client.exists(backfilled)),
  );
  return present.reduce((sum, one) => sum + one, 0);
}

test('the server registers all 128 feed shards, each in its own slot; the first archiver backfills and sets every partition marker', async () => {
  const feeds = stack.keys.archiveFeeds();
  expect(feeds).toHaveLength(128);
  expect(await everyShardRegistered(stack)).toBe(true);
  // Spread over the cluster: every master holds some shards (a shard is one partition's slot).
  const slots = await Promise.all(feeds.map((feed) => stack.redisCluster.keySlot(feed)));
  expect(new Set(slots).size).toBe(128);
  const masters = await Promise.all(
    [...new Set(slots)].slice(0, 24).map((slot) => stack.redisCluster.masterOf(slot)),
  );
  expect(new Set(masters.map((master) => master.id)).size).toBe(3);
  // The server created the shards, so no partition is marked as backfilled yet.
  expect(await markersSet(stack)).toBe(0);
  const archiver = await stack.startArchiver();
  expect(await markersSet(stack)).toBe(128);
  expect(archiver.output).toContain('"feed":"128 shards"');
  expect(await archiver.stop('SIGTERM')).toBe(0);
});

test('messages in rooms of many partitions, on every master, all reach PostgreSQL once; an edit and a delete are archived', async () => {
  const rooms = await roomsAcrossMasters(stack.redisCluster, stack.keys, 12);
  const archiver = await stack.startArchiver();
  const sent = await Promise.all(rooms.map((roomId) => stack.append(roomId, 20, 'spread')));
  for (const [index, roomId] of rooms.entries())
    expect(await waitArchivedIn(stack, roomId, 20)).toEqual(idsOf(sent[index]!));

  const [roomId] = rooms as [string];
  const [first, second] = sent[0]! as [(typeof sent)[0][0], (typeof sent)[0][0]];
  const log = stack.backend.messageLog;
  const edited = await log.change({
    roomId,
    messageId: first.id,
    next: (current) => ({ ...current, text: 'edited text', editedAt: new Date().toISOString() }),
  });
  expect(edited.status).toBe('changed');
  const deleted = await log.change({
    roomId,
    messageId: second.id,
    next: (current) => ({ ...current, text: '', deleted: true }),
  });
  expect(deleted.status).toBe('changed');
  const stateOf = async (id: string) =>
    (
      await stack.db.query<{ message: { text: string; deleted?: boolean; editedAt?: string } }>(
        `SELECT message FROM messages WHERE room_id = $1 AND message->>'id' = $2`,
        [roomId, id],
      )
    ).rows[0]?.message;
  await waitUntil(
    async () =>
      (await stateOf(first.id))?.text === 'edited text' &&
      (await stateOf(second.id))?.deleted === true,
    { what: 'the edit and the delete archived' },
  );
  expect((await stateOf(first.id))?.editedAt).toEqual(expect.any(String));
  expect(await stack.archivedIds(roomId)).toHaveLength(20);
  // Everything committed: the group's lag over every shard is 0, and every shard trimmed.
  await waitUntil(async () => (await scrape(archiver.url, 'chat_archive_lag_entries')) === 0, {
    what: 'lag 0 over every shard',
  });
  await waitUntil(async () => (await scrape(archiver.url, 'chat_archive_feed_length')) === 0, {
    what: 'every shard trimmed',
  });
  expect(await scrape(archiver.url, 'chat_archive_messages_archived_total')).toBeGreaterThanOrEqual(
    240,
  );
  expect(await archiver.stop('SIGTERM')).toBe(0);
});

test('an archiver killed with SIGKILL mid-stream: another takes over its entries on every shard, each message archived exactly once', async () => {
  const rooms = await roomsAcrossMasters(stack.redisCluster, stack.keys, 6);
  const env = { ARCHIVER_CLAIM_IDLE_MS: '300', ARCHIVER_BATCH_SIZE: '5' };
  const first = await stack.startArchiver(env);
  const sending = Promise.all(rooms.map((roomId) => stack.append(roomId, 40, 'crash')));
  await waitUntil(
    async () => (await Promise.all(rooms.map((r) => stack.archivedIds(r)))).flat().length >= 30,
    { what: 'the first archiver to archive 30 messages' },
  );
  await first.stop('SIGKILL');
  const second = await stack.startArchiver(env);
  const sent = await sending;
  for (const [index, roomId] of rooms.entries())
    expect(await waitArchivedIn(stack, roomId, 40)).toEqual(idsOf(sent[index]!));
  // Nothing the dead archiver held is left pending on any shard.
  await waitUntil(async () => (await stack.pendingOf(first.consumer)) === 0, {
    what: "the dead archiver's entries to be taken over",
  });
  expect(await second.stop('SIGTERM')).toBe(0);
});

test('rooms keep every message not yet in PostgreSQL, and are trimmed to the retention once committed', async () => {
  const [roomId] = (await roomsAcrossMasters(stack.redisCluster, stack.keys, 1)) as [string];
  const room = stack.keys.roomMessages(roomId);
  const feed = stack.keys.archiveFeedOf(roomId);
  // No archiver running: the feed exists, so the append leaves trimming to the archivers.
  const early = await stack.append(roomId, 80, 'early');
  expect(await stack.client.xlen(room)).toBe(80);
  expect(await stack.client.xlen(feed)).toBeGreaterThanOrEqual(80);

  const archiver = await stack.startArchiver();
  expect(await waitArchivedIn(stack, roomId, 80)).toEqual(idsOf(early));
  await waitUntil(async () => (await stack.client.xlen(room)) === RETENTION, {
    what: 'the room trimmed to the retention after the commit',
  });

  // PostgreSQL away: nothing more is committed, so nothing more is trimmed from the room.
  await stack.postgres.stop();
  const late = await stack.append(roomId, 30, 'late');
  await waitUntil(
    async () => (await scrape(archiver.url, 'chat_archive_errors_total', 'stage="write"'))! > 0,
    { what: 'the archiver failing to write' },
  );
  expect(await stack.client.xlen(room)).toBe(RETENTION + 30);
  const kept = (await stack.client.xrange(room, '-', '+')).map(([id]) => id);
  expect(kept).toEqual(expect.arrayContaining(idsOf(late)));

  await stack.postgres.launch();
  expect(await waitArchivedIn(stack, roomId, 110)).toEqual(idsOf([...early, ...late]));
  await waitUntil(async () => (await stack.client.xlen(room)) === RETENTION, {
    what: 'the room trimmed again once the late messages are committed',
  });
  expect(await archiver.stop('SIGTERM')).toBe(0);
});

test('rooms stored before the archive existed, on every master, are backfilled before any trim', async () => {
  // Another deployment on the same cluster (its own prefix), without an archive so far: its
  // appends feed nothing and trim rooms themselves.
  const prefix = 'old:';
  const keys = redisKeys(prefix, 'cluster');
  const old = createRedisBackend(
    configWith({
      redisUrl: stack.redisCluster.url,
      redisMode: 'cluster',
      redisKeyPrefix: prefix,
      messageRetention: RETENTION,
      instanceId: 'old-deployment',
    }),
    pino({ level: 'silent' }),
    { onDropped: () => {} },
  );
  await old.start();
  try {
    const rooms = await roomsAcrossMasters(stack.redisCluster, keys, 6);
    const stored = await Promise.all(
      rooms.map(async (roomId) => {
        const messages = [];
        for (let i = 0; i < 8; i += 1) {
          const result = await old.messageLog.append(
            { roomId, userId: 'u1', username: 'ann', text: `old ${i}`, clientId: `old-${i}` },
            { ratePerSec: 0, burst: 0 },
          );
          if (result.status !== 'stored') throw new Error(result.status);
          messages.push(result.message);
        }
        return messages;
      }),
    );
    expect(await stack.client.exists(keys.archiveFeedOf(rooms[0]!))).toBe(0);

    const archiver = await stack.startArchiver({ REDIS_KEY_PREFIX: prefix });
    // Ready means backfilled: every room of every master is in PostgreSQL, every marker set.
    for (const [index, roomId] of rooms.entries())
      expect(await stack.archivedIds(roomId)).toEqual(idsOf(stored[index]!));
    expect(await everyShardRegistered(stack, keys)).toBe(true);
    expect(await markersSet(stack, keys)).toBe(128);
    expect(archiver.output).toContain('archive backfill done');
    expect(archiver.output).toContain(`"rooms":${rooms.length},"written":${rooms.length * 8}`);
    expect(await archiver.stop('SIGTERM')).toBe(0);
  } finally {
    await old.close();
  }
});
