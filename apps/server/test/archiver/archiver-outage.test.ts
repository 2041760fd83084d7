import { waitUntil } from '@chat/testkit';
import { ARCHIVE_GROUP } from '../../src/redis/archive-feed';
import { scrape } from './metrics-scrape';
import { idsOf, sendMessages, useArchiveStack, waitArchived } from './archive-stack';

/*
 * PostgreSQL goes away under traffic: sends keep working (the hot path never
 * touches PostgreSQL), the feed keeps every entry and the rooms every message
 * that is not archived, the lag metrics grow; once PostgreSQL is back
 * everything is archived once, and feed and rooms shrink to their bounds.
 * And the feed is never trimmed past an entry that an archiver holds
 * uncommitted.
 */

const RETENTION = 20;
const stack = useArchiveStack({ instances: 2, retention: RETENTION });

const feedIds = async () =>
  (await stack.client.xrange(stack.keys.archiveFeed(), '-', '+')).map(([, fields]) =>
    String(JSON.parse(fields[1]!).id),
  );

test('PostgreSQL stopped under traffic: sends work, nothing unarchived is trimmed, lag grows, then everything lands once', async () => {
  const archiver = await stack.startArchiver();
  const { roomId, senders } = await stack.room();
  const before = await sendMessages(senders, roomId, 10, 'before');
  await waitArchived(stack, roomId, 10);
  await waitUntil(async () => (await scrape(archiver.url, 'chat_archive_lag_entries')) === 0, {
    what: 'lag 0',
  });

  await stack.postgres.stop();
  const during = await sendMessages(senders, roomId, 30, 'during');
  expect(during).toHaveLength(30);
  await waitUntil(async () => (await scrape(archiver.url, 'chat_archive_lag_entries'))! >= 30, {
    what: 'lag of 30 entries',
  });
  const more = await sendMessages(senders, roomId, 30, 'more');
  await waitUntil(async () => (await scrape(archiver.url, 'chat_archive_lag_entries'))! >= 60, {
    what: 'lag of 60 entries',
  });
  expect(await scrape(archiver.url, 'chat_archive_lag_seconds')).toBeGreaterThan(0);
  const notReady = await fetch(`${archiver.url}/readyz`);
  expect(notReady.status).toBe(503);
  expect(await notReady.json()).toEqual({
    error: { code: 'unavailable', message: expect.any(String) },
  });
  // Every unarchived message is still in the feed and in the room (retention 20 or not).
  const unarchived = idsOf([...during, ...more]);
  expect(await feedIds()).toEqual(expect.arrayContaining(unarchived));
  const room = (await stack.client.xrange(stack.keys.roomMessages(roomId), '-', '+')).map(
    ([id]) => id,
  );
  expect(room).toEqual(expect.arrayContaining(unarchived));
  expect(await scrape(archiver.url, 'chat_archive_errors_total', 'stage="write"')).toBeGreaterThan(
    0,
  );

  await stack.postgres.launch();
  expect(await waitArchived(stack, roomId, 70)).toEqual(idsOf([...before, ...during, ...more]));
  await waitUntil(
    async () =>
      (await stack.client.xlen(stack.keys.archiveFeed())) === 0 &&
      (await stack.client.xlen(stack.keys.roomMessages(roomId))) === RETENTION,
    { what: 'feed and room trimmed to their bounds' },
  );
  await waitUntil(async () => (await scrape(archiver.url, 'chat_archive_lag_entries')) === 0, {
    what: 'lag back to 0',
  });
  expect(await scrape(archiver.url, 'chat_archive_lag_seconds')).toBe(0);
  expect((await fetch(`${archiver.url}/readyz`)).status).toBe(200);
  // The one warning of the outage, not one per retry.
  expect(archiver.output.match(/archiver step failing/g)?.length).toBeLessThanOrEqual(2);
  expect(archiver.output).toContain('archiver step recovered');
  expect(await archiver.stop('SIGTERM')).toBe(0);
});

test('the feed is never trimmed past an entry an archiver holds uncommitted', async () => {
  const { roomId, senders } = await stack.room();
  const sent = await sendMessages(senders, roomId, 5, 'held');
  // A stopped archiver's read: the first entry is delivered to it and never acknowledged.
  await stack.client.xreadgroup(
    'GROUP',
    ARCHIVE_GROUP,
    'stopped-archiver',
    'COUNT',
    1,
    'STREAMS',
    stack.keys.archiveFeed(),
    '>',
  );
  const patient = await stack.startArchiver({ ARCHIVER_CLAIM_IDLE_MS: '600000' });
  await waitArchived(stack, roomId, 4);
  await waitUntil(async () => (await scrape(patient.url, 'chat_archive_lag_entries')) === 1, {
    what: 'only the held entry uncommitted',
  });
  // Acknowledged entries after the held one stay too: the trim point is the oldest pending.
  expect(await feedIds()).toEqual(idsOf(sent));
  await patient.stop('SIGTERM');

  const taker = await stack.startArchiver({ ARCHIVER_CLAIM_IDLE_MS: '200' });
  expect(await waitArchived(stack, roomId, 5)).toEqual(idsOf(sent));
  await waitUntil(async () => (await stack.client.xlen(stack.keys.archiveFeed())) === 0, {
    what: 'the feed trimmed once the held entry is committed',
  });
  await taker.stop('SIGTERM');
});
