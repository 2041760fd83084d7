import { waitUntil } from '@chat/testkit';
import { ARCHIVE_GROUP } from '../../src/redis/archive-feed';
import { scrape } from './metrics-scrape';
import { idsOf, sendMessages, useArchiveStack, waitArchived } from './archive-stack';

/*
 * MESSAGE_RETENTION becomes a cache size: with the archiver keeping up a room
 * holds about `retention` messages in Redis and all of them in PostgreSQL;
 * with it stopped, the room keeps every unarchived message. Messages stored
 * before the archive existed are backfilled before any room is trimmed. A
 * feed entry no archiver can use is dead-lettered and blocks nothing.
 * The instances here start without DATABASE_URL: the feed is registered by
 * the first archiver (or the test), as a server with DATABASE_URL would.
 */

const RETENTION = 50;
const stack = useArchiveStack({ instances: 2, retention: RETENTION, archive: false });

const roomLength = (roomId: string) => stack.client.xlen(stack.keys.roomMessages(roomId));

test('backfill: messages stored before the archive existed are archived, never trimmed before', async () => {
  const { roomId, senders } = await stack.room();
  const early = await sendMessages(senders, roomId, 40, 'early');
  expect(await stack.client.exists(stack.keys.archiveFeed())).toBe(0);
  // The archive is registered (a server with DATABASE_URL starting); no archiver runs yet.
  await stack.client.xgroup('CREATE', stack.keys.archiveFeed(), ARCHIVE_GROUP, '0', 'MKSTREAM');
  const late = await sendMessages(senders, roomId, 60, 'late');
  // Fed, so no longer capped by the append itself.
  expect(await roomLength(roomId)).toBe(100);

  const archiver = await stack.startArchiver();
  expect(await waitArchived(stack, roomId, 100)).toEqual(idsOf([...early, ...late]));
  expect(await stack.client.exists(stack.keys.archiveBackfilled())).toBe(1);
  await waitUntil(async () => (await roomLength(roomId)) === RETENTION, {
    what: 'the room trimmed to the retention',
  });
  const kept = (await stack.client.xrange(stack.keys.roomMessages(roomId), '-', '+')).map(
    ([id]) => id,
  );
  expect(kept).toEqual(idsOf(late).slice(-RETENTION));
  await archiver.stop('SIGTERM');
});

test('retention as a cache: 300 messages, about 50 in Redis and 300 in PostgreSQL; stopped, the room keeps what is unarchived', async () => {
  const archiver = await stack.startArchiver();
  const { roomId, senders } = await stack.room();
  const sent = await sendMessages(senders, roomId, 300, 'cache');
  expect(await waitArchived(stack, roomId, 300)).toEqual(idsOf(sent));
  await waitUntil(async () => (await roomLength(roomId)) === RETENTION, {
    what: 'the room trimmed to the retention',
  });
  expect(await archiver.stop('SIGTERM')).toBe(0);

  const unarchived = await sendMessages(senders, roomId, 80, 'unarchived');
  expect(await roomLength(roomId)).toBe(RETENTION + 80);
  const restarted = await stack.startArchiver();
  expect(await waitArchived(stack, roomId, 380)).toEqual(idsOf([...sent, ...unarchived]));
  await waitUntil(async () => (await roomLength(roomId)) === RETENTION, {
    what: 'the room trimmed again',
  });
  await restarted.stop('SIGTERM');
});

test('a malformed feed entry is dead-lettered and does not block the ones after it', async () => {
  const archiver = await stack.startArchiver();
  const { roomId, senders } = await stack.room();
  const feed = stack.keys.archiveFeed();
  const unknown = await stack.client.xadd(feed, '*', 'x', '{"future":"kind"}');
  const notJson = await stack.client.xadd(feed, '*', 'm', '{not json');
  const notMessage = await stack.client.xadd(feed, '*', 'm', '{"id":"1-1"}');
  // A text PostgreSQL's jsonb refuses (NUL; the server refuses it at the edge since, but a
  // feed may hold one from before): the batch is split, only that one is set aside.
  const nul = {
    id: '1700000000000-0',
    roomId,
    userId: 'u',
    username: 'old',
    text: 'nul \u0000 inside',
    clientId: 'c',
    createdAt: new Date(1700000000000).toISOString(),
  };
  await stack.client.xadd(feed, '*', 'm', JSON.stringify(nul));
  const fine = await sendMessages(senders, roomId, 5, 'after');
  expect(await waitArchived(stack, roomId, 5)).toEqual(idsOf(fine));
  await waitUntil(async () => (await stack.client.xlen(stack.keys.archiveDead())) === 4, {
    what: 'four dead letters',
  });
  const dead = await stack.client.xrange(stack.keys.archiveDead(), '-', '+');
  const byFeedId = Object.fromEntries(
    dead.map(([, fields]) => [fields[1], fields[3]] as [string, string]),
  );
  expect(byFeedId[unknown!]).toMatch(/unknown entry kind "x"/);
  expect(byFeedId[notJson!]).toMatch(/not JSON/);
  expect(byFeedId[notMessage!]).toMatch(/not a message/);
  expect(Object.values(byFeedId)).toContainEqual(expect.stringMatching(/rejected by PostgreSQL/));
  expect(JSON.stringify(dead)).toContain(nul.id);
  expect(await scrape(archiver.url, 'chat_archive_dead_lettered_total')).toBe(4);
  expect(await scrape(archiver.url, 'chat_archive_errors_total', 'stage="parse"')).toBe(3);
  await waitUntil(async () => (await scrape(archiver.url, 'chat_archive_lag_entries')) === 0, {
    what: 'nothing left in the feed',
  });
  await archiver.stop('SIGTERM');
});
