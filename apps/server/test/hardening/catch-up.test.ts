import { Redis } from 'ioredis';
import { LIMITS, type HistoryResponse, type Message, type RoomsResponse } from '@chat/shared';
import { call, createRoom, http, join, send } from '../support/clients';
import { useCluster } from '../support/cluster';

/*
 * Issue 12, finding 1: catch-up and unread counts read whole room histories.
 * Two instances on a real Redis; the room is filled with long messages by
 * acked sends from a real Socket.IO client.
 */

const cluster = useCluster({ instances: 2 });
const { userOn } = cluster;

const LONG = 'x'.repeat(LIMITS.textMax - 10);

/** Sends `count` long messages in order (acked one after the other) and returns them as stored. */
async function fill(
  socket: Awaited<ReturnType<typeof userOn>>['socket'],
  roomId: string,
  count: number,
) {
  const stored: Message[] = [];
  for (let i = 0; i < count; i += 1) stored.push(await send(socket, roomId, `${i} ${LONG}`));
  return stored;
}

async function history(token: string, roomId: string, query: string) {
  const response = await http<HistoryResponse>(
    cluster.url(1),
    'GET',
    `/api/rooms/${roomId}/messages?${query}`,
    { token },
  );
  expect(response.status).toBe(200);
  return response.body;
}

test('a join with after "0-0" on a room of long messages acks at most MISSED_MAX; history with after fills the gap exactly once', async () => {
  // A join with `after: "0-0"` used to ack every retained message of the room in one frame
  // (40-120 MB on a full room), and a legitimate user away that long tripped the slow-consumer
  // guard on it at every rejoin.
  const alice = await userOn(0);
  const bob = await userOn(1);
  const roomId = await createRoom(cluster.url(0), alice.token);
  await join(alice.socket, roomId);
  const stored = await fill(alice.socket, roomId, LIMITS.missedMax + 150);

  const ack = await call(bob.socket, 'room:join', { roomId, after: '0-0' });
  if (!ack.ok) throw new Error(JSON.stringify(ack.error));
  const missed = ack.missed as Message[];
  expect(missed.length).toBe(LIMITS.missedMax);
  expect(ack.complete).toBe(false);
  expect(ack.updated).toEqual([]);
  // The newest MISSED_MAX, oldest first.
  expect(missed.map((m) => m.id)).toEqual(stored.slice(-LIMITS.missedMax).map((m) => m.id));

  // Fill the gap (0-0, first missed) with history pages, newest first, as a client scrolls back.
  const filled: Message[] = [];
  let before = missed[0]!.id;
  for (;;) {
    const page = await history(bob.token, roomId, `after=0-0&before=${before}&limit=60`);
    expect(page.messages.length).toBeLessThanOrEqual(60);
    filled.unshift(...page.messages);
    if (!page.hasMore) break;
    before = page.messages[0]!.id;
  }
  expect([...filled, ...missed].map((m) => m.id)).toEqual(stored.map((m) => m.id));

  // `after` alone: the newest `limit` after it; nothing after the newest.
  const tail = await history(bob.token, roomId, `after=${stored[10]!.id}&limit=5`);
  expect(tail).toEqual({ messages: stored.slice(-5), hasMore: true });
  expect(await history(bob.token, roomId, `after=${stored.at(-1)!.id}`)).toEqual({
    messages: [],
    hasMore: false,
  });

  // A rejoin after the newest id it now has: complete, nothing missed, then live as usual.
  const rejoin = await call(bob.socket, 'room:join', { roomId, after: stored.at(-1)!.id });
  expect(rejoin).toMatchObject({ ok: true, missed: [], complete: true, updated: [] });
  const live = await send(alice.socket, roomId, 'live');
  expect(await bob.inbox.waitFor(1)).toEqual([live]);
});

test('GET /api/rooms counts unread messages without reading their bodies out of Redis', async () => {
  // Unread counts fetched up to 200 whole entries per room from Redis (800 KB for one room of
  // 4,000-character messages) only to count them.
  const alice = await userOn(0);
  const bob = await userOn(1);
  const roomId = await createRoom(cluster.url(0), alice.token, undefined, 'private');
  await http(cluster.url(0), 'POST', `/api/rooms/${roomId}/members`, {
    token: alice.token,
    body: { username: bob.user.username },
  });
  await join(alice.socket, roomId);
  await fill(alice.socket, roomId, 210);

  const admin = cluster.closeAfterAll(
    Object.assign(new Redis(cluster.redis.url), {
      close(this: Redis) {
        this.disconnect();
      },
    }),
  );
  const sentBytes = async () =>
    Number(/total_net_output_bytes:(\d+)/.exec(await admin.info('stats'))![1]);
  const before = await sentBytes();
  const rooms = await http<RoomsResponse>(cluster.url(1), 'GET', '/api/rooms', {
    token: bob.token,
  });
  const used = (await sentBytes()) - before;
  expect(rooms.body.rooms.find((room) => room.id === roomId)?.unread).toBe(100);
  // A few small replies (rooms, markers, counts); one message body alone is 4 KB.
  expect(used).toBeLessThan(32 * 1024);
});
