import type { Message } from '@chat/shared';
import { call, createRoom, http, join, send } from './support/clients';
import { useCluster } from './support/cluster';

/*
 * The core promise: users connected to different instances, each with its
 * own Redis connections, talk as if there were one server. Every socket in
 * a room gets every message exactly once, and all of them in one order,
 * which is the history's order.
 */

const cluster = useCluster({ instances: 3 });
const { userOn } = cluster;

const ids = (messages: Message[]) => messages.map((message) => message.id);

test('two users on two instances each get every message exactly once', async () => {
  const alice = await userOn(0);
  const bob = await userOn(1);
  const roomId = await createRoom(cluster.url(0), alice.token);
  await join(alice.socket, roomId);
  await join(bob.socket, roomId);

  const fromAlice = await send(alice.socket, roomId, 'hello from instance 0');
  const fromBob = await send(bob.socket, roomId, 'hello from instance 1');

  const expected = [fromAlice, fromBob];
  expect(await alice.inbox.waitFor(2)).toEqual(expected);
  expect(await bob.inbox.waitFor(2)).toEqual(expected);
  expect(fromAlice).toMatchObject({ roomId, userId: alice.user.id, username: alice.user.username });
});

test('200 messages from 4 senders on 3 instances arrive in one identical order everywhere, equal to history', async () => {
  const users = await Promise.all([
    userOn(0),
    userOn(1),
    userOn(2),
    userOn(0),
    userOn(1),
    userOn(2),
  ]);
  const roomId = await createRoom(cluster.url(0), users[0]!.token);
  for (const user of users) await join(user.socket, roomId);

  const senders = users.slice(0, 4);
  const sentBySender = await Promise.all(
    senders.map(async (sender, senderIndex) => {
      const sent: Message[] = [];
      // Each sender sends in sequence (its order must be kept); the four run concurrently.
      for (let i = 0; i < 50; i += 1)
        sent.push(await send(sender.socket, roomId, `s${senderIndex} m${i}`));
      return sent;
    }),
  );

  const received = await Promise.all(users.map((user) => user.inbox.waitFor(200)));
  const reference = ids(received[0]!);
  expect(new Set(reference).size).toBe(200);
  for (const messages of received) expect(ids(messages)).toEqual(reference);

  // Each sender's messages keep their sending order within the room.
  for (const sent of sentBySender) {
    const positions = sent.map((message) => reference.indexOf(message.id));
    expect(positions).toEqual([...positions].sort((a, b) => a - b));
  }

  // The live order is the history order.
  const history: Message[] = [];
  let before: string | undefined;
  for (;;) {
    const query = before ? `?limit=100&before=${before}` : '?limit=100';
    const page = await http<{ messages: Message[]; hasMore: boolean }>(
      cluster.url(2),
      'GET',
      `/api/rooms/${roomId}/messages${query}`,
      { token: users[0]!.token },
    );
    history.unshift(...page.body.messages);
    if (!page.body.hasMore) break;
    before = page.body.messages[0]!.id;
  }
  expect(ids(history)).toEqual(reference);
  expect(history).toEqual(received[0]);
});

test('a socket that has not joined a room gets none of its messages', async () => {
  const alice = await userOn(0);
  const bob = await userOn(1);
  const roomId = await createRoom(cluster.url(0), alice.token);
  const otherRoom = await createRoom(cluster.url(0), alice.token);
  await join(alice.socket, roomId);
  await join(alice.socket, otherRoom);
  await join(bob.socket, otherRoom);

  await send(alice.socket, roomId, 'only for the first room');
  const marker = await send(alice.socket, otherRoom, 'for both');

  // Bob's first message is the marker: the first room's message never reached him.
  expect(await bob.inbox.waitFor(1)).toEqual([marker]);
});

test('room:leave stops delivery to that socket on every instance', async () => {
  const alice = await userOn(0);
  const bob = await userOn(2);
  const roomId = await createRoom(cluster.url(0), alice.token);
  await join(alice.socket, roomId);
  await join(bob.socket, roomId);
  expect(await call(bob.socket, 'room:leave', { roomId })).toEqual({ ok: true });

  const otherRoom = await createRoom(cluster.url(0), alice.token);
  await join(alice.socket, otherRoom);
  await join(bob.socket, otherRoom);
  await send(alice.socket, roomId, 'after bob left');
  const marker = await send(alice.socket, otherRoom, 'marker');
  expect(await bob.inbox.waitFor(1)).toEqual([marker]);
});
