import { Redis } from 'ioredis';
import {
  call,
  connect,
  createRoom,
  http,
  Inbox,
  join,
  nextEvent,
  registerUser,
  send,
} from './support/clients';
import { useCluster } from './support/cluster';
import { ResilientClient } from './support/resilient-client';

/*
 * Bugs found in review, each reproduced by the test that now guards it.
 */

const cluster = useCluster({ instances: 2 });
const { sockets, userOn } = cluster;

test('a client cannot send to or leave the internal Socket.IO rooms (user:<id>) that every socket is in', async () => {
  // Membership was checked against socket.rooms, which also holds `user:<id>`:
  // sending there was acked and stored, and leaving it silenced room:added.
  const alice = await userOn(0);
  const internal = `user:${alice.user.id}`;
  expect(
    await call(alice.socket, 'message:send', { roomId: internal, text: 'x', clientId: 'x' }),
  ).toMatchObject({
    ok: false,
    error: { code: 'forbidden' },
  });
  expect(await call(alice.socket, 'typing', { roomId: internal, typing: true })).toMatchObject({
    ok: false,
    error: { code: 'forbidden' },
  });
  expect(await call(alice.socket, 'room:leave', { roomId: internal })).toEqual({ ok: true });
  const owner = await userOn(1);
  const roomId = await createRoom(cluster.url(1), owner.token, `club${Date.now()}`, 'private');
  const added = nextEvent(alice.socket, 'room:added');
  await http(cluster.url(1), 'POST', `/api/rooms/${roomId}/members`, {
    token: owner.token,
    body: { username: alice.user.username },
  });
  expect((await added).id).toBe(roomId);
});

test('typing reaches the typer\'s other tabs too: "the room\'s other sockets"', async () => {
  // Typing was sent to the room except all of the user's sockets, not just the one that typed.
  const alice = await userOn(0);
  const aliceOtherTab = await connect(cluster.url(1), alice.token);
  sockets.push(aliceOtherTab);
  const roomId = await createRoom(cluster.url(0), alice.token);
  await join(alice.socket, roomId);
  await join(aliceOtherTab, roomId);
  const seen = nextEvent(aliceOtherTab, 'typing');
  await call(alice.socket, 'typing', { roomId, typing: true });
  expect(await seen).toEqual({ roomId, user: alice.user, typing: true });
});

test("messages published while an instance's subscription was broken still reach its clients", async () => {
  // After the subscriber reconnected, messages published during the break were never relayed
  // to that instance's sockets. Now the instance makes its clients reconnect and rejoin with `after`.
  const alice = await userOn(0);
  const bob = await registerUser(cluster.url(1));
  const roomId = await createRoom(cluster.url(0), alice.token);
  await join(alice.socket, roomId);
  const bobClient = new ResilientClient(cluster.url(1), bob.token, roomId);
  await bobClient.ready();
  // Bob has seen one message: his cursor for rejoining.
  const first = await send(alice.socket, roomId, 'before the break');
  await bobClient.waitForCount(1);

  const admin = new Redis(cluster.redis.url);
  await admin.call('CLIENT', 'KILL', 'TYPE', 'pubsub');
  await admin.quit();
  const sent = [first];
  for (let i = 0; i < 20; i += 1)
    sent.push(await send(alice.socket, roomId, `during the break ${i}`));

  await bobClient.waitForCount(21);
  expect(bobClient.received.map((message) => message.id)).toEqual(
    sent.map((message) => message.id),
  );
  bobClient.close();
});

test('logout with a JSON content type and an empty body is 204, not 400', async () => {
  const alice = await registerUser(cluster.url(0));
  const response = await fetch(`${cluster.url(0)}/api/auth/logout`, {
    method: 'POST',
    headers: { authorization: `Bearer ${alice.token}`, 'content-type': 'application/json' },
  });
  expect(response.status).toBe(204);
});

test('a failed catch-up read does not lose live messages for a socket already in the room', async () => {
  // Rejoining a room the socket is in with a bad `after` used to drop what was held back meanwhile.
  const alice = await userOn(0);
  const bob = await userOn(1);
  const roomId = await createRoom(cluster.url(0), alice.token);
  await join(alice.socket, roomId);
  await join(bob.socket, roomId);
  const inbox = new Inbox(bob.socket);
  const first = await send(alice.socket, roomId, 'one');
  await inbox.waitFor(1);
  // A valid rejoin while already joined: missed holds what came after, nothing is doubled.
  const rejoin = await join(bob.socket, roomId, '0-0');
  expect(rejoin.missed.map((message) => message.id)).toEqual([first.id]);
  const second = await send(alice.socket, roomId, 'two');
  await inbox.waitFor(2);
  expect(inbox.messages.map((message) => message.id)).toEqual([first.id, second.id]);
});
