import { compareMessageIds, LIMITS, type Message } from '@chat/shared';
import {
  archiveAndTrim,
  historyPage,
  pageBackToFirst,
  pageForwardFromFirst,
  testRedis,
  usePostgres,
} from '../support/archive';
import { call, createRoom, join, send, type ClientSocket } from '../support/clients';
import { useCluster } from '../support/cluster';

/*
 * History without a horizon: Redis retains a room's newest messages, PostgreSQL every older
 * one, and GET /api/rooms/:id/messages pages through both with the same ids as cursors.
 * Real Redis, real PostgreSQL, two instances; a stand-in for the archiver writes PostgreSQL
 * and then trims the stream (support/archive.ts), so the servers run with a retention the
 * append script never reaches.
 */

const pg = usePostgres('seam');
const cluster = useCluster({
  instances: 2,
  config: pg.withDatabase({ messageRetention: 1_000_000 }),
});
const redis = () => cluster.closeAfterAll(testRedis(cluster.redis.url));
const both = () => [cluster.url(0), cluster.url(1)];
const ids = (messages: Message[]) => messages.map((message) => message.id);
const byId = (a: Message, b: Message) => compareMessageIds(a.id, b.id);

/** `count` messages, sent alternately from both sockets in concurrent bursts; the acks in id order. */
async function fill(sockets: ClientSocket[], roomId: string, count: number, label: string) {
  const stored: Message[] = [];
  for (let i = 0; i < count; i += 25) {
    const burst = [];
    for (let j = i; j < Math.min(count, i + 25); j += 1)
      burst.push(send(sockets[j % sockets.length]!, roomId, `${label} ${j}`, `${label}-${j}`));
    stored.push(...(await Promise.all(burst)));
  }
  return stored.sort(byId);
}

/** Both walks (back from the newest with `before`, forward from the first) give exactly `stored`. */
async function expectWholeHistory(
  token: string,
  roomId: string,
  stored: Message[],
  sizes: number[],
) {
  for (const limit of sizes) {
    const back = await pageBackToFirst(both(), token, roomId, limit);
    expect(ids(back)).toEqual(ids(stored));
    expect(back.map((message) => message.text)).toEqual(stored.map((message) => message.text));
    const forward = await pageForwardFromFirst(both(), token, roomId, limit);
    expect(ids(forward)).toEqual(ids(stored));
  }
}

describe.each([50, 500])('retention %i, 1,200 messages sent across two instances', (retention) => {
  test('pages from the newest to the first and forward again, each message exactly once, across the seam', async () => {
    const alice = await cluster.userOn(0);
    const bob = await cluster.userOn(1);
    const roomId = await createRoom(cluster.url(0), alice.token);
    await join(alice.socket, roomId);
    await join(bob.socket, roomId);
    const stored = await fill([alice.socket, bob.socket], roomId, 1200, `r${retention}`);
    const streamed = await archiveAndTrim(cluster.servers[0]!.backend, redis(), roomId, retention);
    expect(ids(streamed)).toEqual(ids(stored));
    // Redis now holds only the newest `retention`: the rest can only have come from PostgreSQL.
    const retained = await cluster.servers[1]!.backend.messageLog.list(roomId, { limit: 1000 });
    expect(ids(retained.messages)).toEqual(ids(stored.slice(-retention)));

    // 7: the seam falls inside a page; 100 and 1: on a page's edge (500 = 5 x 100).
    await expectWholeHistory(bob.token, roomId, stored, [7, 100]);
    const seam = stored.length - retention;
    const around = await historyPage(cluster.url(1), bob.token, roomId, {
      after: stored[seam - 4]!.id,
      before: stored[seam + 3]!.id,
      limit: 100,
    });
    expect(around).toEqual({ messages: stored.slice(seam - 3, seam + 3), hasMore: false });
    const edge = await historyPage(cluster.url(0), bob.token, roomId, {
      before: stored[seam]!.id,
      limit: 1,
    });
    expect(edge).toEqual({ messages: [stored[seam - 1]], hasMore: true });
  });
});

test('pages of one message walk the whole history both ways', async () => {
  const alice = await cluster.userOn(0);
  const roomId = await createRoom(cluster.url(0), alice.token);
  await join(alice.socket, roomId);
  const stored = await fill([alice.socket], roomId, 60, 'ones');
  await archiveAndTrim(cluster.servers[0]!.backend, redis(), roomId, 20);
  await expectWholeHistory(alice.token, roomId, stored, [1]);
});

test('with the archiver behind (PostgreSQL holds only what was trimmed) there is still no gap and no duplicate', async () => {
  const alice = await cluster.userOn(0);
  const roomId = await createRoom(cluster.url(0), alice.token);
  await join(alice.socket, roomId);
  const stored = await fill([alice.socket], roomId, 120, 'behind');
  await archiveAndTrim(cluster.servers[0]!.backend, redis(), roomId, 50, { archive: 'trimmed' });
  const archived = await cluster.servers[0]!.backend.archive!.list(roomId, { limit: 1000 });
  expect(ids(archived.messages)).toEqual(ids(stored.slice(0, 70)));
  await expectWholeHistory(alice.token, roomId, stored, [7, 100]);
});

test('after Redis lost the room, history comes from the archive, and continues into new messages', async () => {
  // The recovery path: the stream is gone (a Redis that lost its data), so its oldest
  // retained id looks like the room's start; the archive still holds everything before.
  const alice = await cluster.userOn(0);
  const roomId = await createRoom(cluster.url(0), alice.token);
  await join(alice.socket, roomId);
  const before = await fill([alice.socket], roomId, 90, 'lost');
  await archiveAndTrim(cluster.servers[0]!.backend, redis(), roomId, 30);
  await redis().del(`chat:room:${roomId}:messages`);
  await expectWholeHistory(alice.token, roomId, before, [7, 100]);

  const after = await fill([alice.socket], roomId, 10, 'new');
  const everything = [...before, ...after];
  expect(ids(everything)).toEqual(ids([...everything].sort(byId)));
  await expectWholeHistory(alice.token, roomId, everything, [7, 100]);
});

test('a rejoin from below the retained window is not complete, and history fills exactly the gap', async () => {
  // catch-up said `complete: true` whenever at most MISSED_MAX messages followed in Redis,
  // even when the ones between `after` and the oldest retained had been trimmed: the client
  // never knew to fetch them.
  const alice = await cluster.userOn(0);
  const bob = await cluster.userOn(1);
  const roomId = await createRoom(cluster.url(0), alice.token);
  await join(alice.socket, roomId);
  const stored = await fill([alice.socket], roomId, 150, 'gap');
  await archiveAndTrim(cluster.servers[0]!.backend, redis(), roomId, 60);

  // Bob last saw stored[29]; Redis retains stored[90..149], 60 messages, fewer than MISSED_MAX.
  const ack = await call(bob.socket, 'room:join', { roomId, after: stored[29]!.id });
  if (!ack.ok) throw new Error(JSON.stringify(ack.error));
  expect(LIMITS.missedMax).toBeGreaterThan(60);
  expect(ids(ack.missed as Message[])).toEqual(ids(stored.slice(90)));
  expect(ack.complete).toBe(false);
  const filled: Message[] = [];
  for (let before = stored[90]!.id; ;) {
    const page = await historyPage(cluster.url(1), bob.token, roomId, {
      after: stored[29]!.id,
      before,
      limit: 25,
    });
    filled.unshift(...page.messages);
    if (!page.hasMore) break;
    before = page.messages[0]!.id;
  }
  expect(ids(filled)).toEqual(ids(stored.slice(30, 90)));

  // From inside the window: complete, nothing to fill.
  const rejoin = await call(bob.socket, 'room:join', { roomId, after: stored[100]!.id });
  if (!rejoin.ok) throw new Error(JSON.stringify(rejoin.error));
  expect(rejoin.complete).toBe(true);
  expect(ids(rejoin.missed as Message[])).toEqual(ids(stored.slice(101)));
});
