import { io } from 'socket.io-client';
import type { Message } from '@chat/shared';
import {
  call,
  connect,
  createRoom,
  http,
  Inbox,
  join,
  registerUser,
  send,
  type ClientSocket,
} from './support/clients';
import { useCluster } from './support/cluster';

/*
 * Socket.IO events of PROTOCOL.md: handshake auth, every error ack, idempotent
 * resend by clientId, and rejoin with `after`. Two instances on one Redis.
 */

const cluster = useCluster({ instances: 2 });
const { sockets, userOn } = cluster;

/** Two users in one fresh room on different instances, both joined. */
async function roomWithTwo() {
  const alice = await userOn(0);
  const bob = await userOn(1);
  const roomId = await createRoom(cluster.url(0), alice.token);
  await join(alice.socket, roomId);
  await join(bob.socket, roomId);
  return { alice, bob, roomId };
}

/** A message still goes from one instance to the other: the server serves everybody else. */
async function expectStillServing(): Promise<void> {
  const { alice, bob, roomId } = await roomWithTwo();
  const message = await send(alice.socket, roomId, 'still here');
  expect(await bob.inbox.waitFor(1)).toEqual([message]);
}

const errorAck = (code: string) => ({ ok: false, error: { code, message: expect.any(String) } });

describe('handshake', () => {
  test.each([
    ['missing', undefined],
    ['unknown', 'not-a-real-token'],
    ['not a string', 12345],
  ])('a %s token fails with connect_error "unauthorized"', async (_what, token) => {
    await expect(connect(cluster.url(0), token as string | undefined)).rejects.toThrow(
      'unauthorized',
    );
  });

  test('a revoked token fails on every instance', async () => {
    const session = await registerUser(cluster.url(0));
    await http(cluster.url(1), 'POST', '/api/auth/logout', { token: session.token });
    await expect(connect(cluster.url(0), session.token)).rejects.toThrow('unauthorized');
    await expect(connect(cluster.url(1), session.token)).rejects.toThrow('unauthorized');
  });

  test('the polling transport works too', async () => {
    const session = await registerUser(cluster.url(0));
    const socket = await connect(cluster.url(1), session.token, { transports: ['polling'] });
    sockets.push(socket);
    const roomId = await createRoom(cluster.url(0), session.token);
    const inbox = new Inbox(socket);
    const message = await send(socket, roomId, 'over polling').catch((error: Error) => error);
    expect(message).toBeInstanceOf(Error); // not joined yet
    await join(socket, roomId);
    const sent = await send(socket, roomId, 'over polling');
    expect(await inbox.waitFor(1)).toEqual([sent]);
  });
});

describe('message:send', () => {
  test('stores the trimmed text and acks the stored message', async () => {
    const { alice, bob, roomId } = await roomWithTwo();
    const ack = await call(alice.socket, 'message:send', {
      roomId,
      text: '  hi there \n',
      clientId: 'c1',
    });
    expect(ack).toEqual({
      ok: true,
      message: {
        id: expect.stringMatching(/^\d+-\d+$/),
        roomId,
        userId: alice.user.id,
        username: alice.user.username,
        text: 'hi there',
        clientId: 'c1',
        createdAt: expect.any(String),
      },
    });
    expect(await bob.inbox.waitFor(1)).toEqual([(ack as unknown as { message: Message }).message]);
  });

  test('ignores identity fields in the payload: the sender is whoever the token says', async () => {
    const { alice, bob, roomId } = await roomWithTwo();
    const ack = await call(alice.socket, 'message:send', {
      roomId,
      text: 'who am I',
      clientId: 'spoof',
      userId: bob.user.id,
      username: bob.user.username,
    });
    expect(ack).toMatchObject({
      ok: true,
      message: { userId: alice.user.id, username: alice.user.username },
    });
  });

  test.each([
    ['empty text', { text: '', clientId: 'x' }],
    ['white-space-only text', { text: '   \n\t ', clientId: 'x' }],
    ['4,001 characters', { text: 'a'.repeat(4001), clientId: 'x' }],
    ['an empty clientId', { text: 'hi', clientId: '' }],
    ['a 65-character clientId', { text: 'hi', clientId: 'c'.repeat(65) }],
    ['a lone surrogate', { text: 'bad \ud800 text', clientId: 'x' }],
    ['a number as text', { text: 42, clientId: 'x' }],
    ['no clientId', { text: 'hi' }],
  ])('rejects %s with invalid_input and stores nothing', async (_what, fields) => {
    const { alice, roomId } = await roomWithTwo();
    expect(await call(alice.socket, 'message:send', { roomId, ...fields })).toEqual(
      errorAck('invalid_input'),
    );
    const history = await http<{ messages: Message[] }>(
      cluster.url(1),
      'GET',
      `/api/rooms/${roomId}/messages`,
      {
        token: alice.token,
      },
    );
    expect(history.body.messages).toEqual([]);
    await expectStillServing();
  });

  test('accepts exactly 4,000 characters', async () => {
    const { alice, roomId } = await roomWithTwo();
    const message = await send(alice.socket, roomId, 'a'.repeat(4000));
    expect(message.text).toHaveLength(4000);
  });

  test.each([
    ['null', null],
    ['a number', 7],
    ['an array', ['room', 'text']],
    ['a string', 'hello'],
    ['a deeply nested object', JSON.parse(`${'{"a":'.repeat(200)}1${'}'.repeat(200)}`) as unknown],
  ])('answers a payload that is %s with invalid_input', async (_what, payload) => {
    const { alice } = await roomWithTwo();
    expect(await call(alice.socket, 'message:send', payload)).toEqual(errorAck('invalid_input'));
    await expectStillServing();
  });

  test('an event without an ack is ignored: nothing stored, nobody disconnected', async () => {
    const { alice, bob, roomId } = await roomWithTwo();
    alice.socket.emit(
      'message:send',
      { roomId, text: 'no ack', clientId: 'n1' } as never,
      undefined as never,
    );
    (alice.socket as unknown as { emit(event: string, payload: unknown): void }).emit(
      'message:send',
      {
        roomId,
        text: 'no ack either',
        clientId: 'n2',
      },
    );
    const marker = await send(alice.socket, roomId, 'with ack');
    expect(await bob.inbox.waitFor(1)).toEqual([marker]);
    expect(alice.socket.connected).toBe(true);
  });

  test('sending to a room not joined is forbidden', async () => {
    const alice = await userOn(0);
    const roomId = await createRoom(cluster.url(0), alice.token);
    expect(await call(alice.socket, 'message:send', { roomId, text: 'hi', clientId: 'x' })).toEqual(
      errorAck('forbidden'),
    );
    expect(
      await call(alice.socket, 'message:send', { roomId: 'nope', text: 'hi', clientId: 'x' }),
    ).toEqual(errorAck('forbidden'));
  });

  test('resending a clientId returns the original message and delivers nothing twice', async () => {
    const { alice, bob, roomId } = await roomWithTwo();
    const first = await send(alice.socket, roomId, 'once', 'same-id');
    // The retry comes from another connection on another instance, as after a reconnect.
    const again = await connect(cluster.url(1), alice.token);
    sockets.push(again);
    await join(again, roomId);
    const retry = await send(again, roomId, 'once (edited text is ignored)', 'same-id');
    expect(retry).toEqual(first);
    const marker = await send(alice.socket, roomId, 'marker');
    expect(await bob.inbox.waitFor(2)).toEqual([first, marker]);
  });

  test("one socket's messages keep their sending order even when not awaited", async () => {
    const { alice, bob, roomId } = await roomWithTwo();
    const sent = await Promise.all(
      Array.from({ length: 30 }, (_, i) => send(alice.socket, roomId, `burst ${i}`, `burst-${i}`)),
    );
    const received = await bob.inbox.waitFor(30);
    expect(received.map((message) => message.text)).toEqual(sent.map((message) => message.text));
  });
});

describe('room:join', () => {
  test('an unknown room is not_found and a malformed payload invalid_input', async () => {
    const alice = await userOn(0);
    expect(await call(alice.socket, 'room:join', { roomId: 'no-such-room' })).toEqual(
      errorAck('not_found'),
    );
    expect(await call(alice.socket, 'room:join', { roomId: 42 })).toEqual(
      errorAck('invalid_input'),
    );
    expect(await call(alice.socket, 'room:join', { roomId: 'x', after: 'garbage' })).toEqual(
      errorAck('invalid_input'),
    );
  });

  test('without after: the room and an empty missed list', async () => {
    const alice = await userOn(0);
    const roomId = await createRoom(cluster.url(0), alice.token);
    await send(await joined(alice.socket, roomId), roomId, 'before');
    const other = await userOn(1);
    const ack = await join(other.socket, roomId);
    expect(ack.room).toMatchObject({ id: roomId, kind: 'public' });
    expect(ack.missed).toEqual([]);
  });

  test('with after: exactly the messages missed while disconnected', async () => {
    const { alice, bob, roomId } = await roomWithTwo();
    const seen = await send(alice.socket, roomId, 'seen by bob');
    await bob.inbox.waitFor(1);
    bob.socket.close();

    const missed: Message[] = [];
    for (let i = 0; i < 5; i += 1) missed.push(await send(alice.socket, roomId, `missed ${i}`));

    const back = await connect(cluster.url(0), bob.token); // back on the other instance
    sockets.push(back);
    const inbox = new Inbox(back);
    const ack = await join(back, roomId, seen.id);
    expect(ack.missed).toEqual(missed);
    const live = await send(alice.socket, roomId, 'live again');
    expect(await inbox.waitFor(1)).toEqual([live]);
  });

  test('with after while the room is busy: no gap and no duplicate between missed and live', async () => {
    const { alice, bob, roomId } = await roomWithTwo();
    const first = await send(alice.socket, roomId, 'first');
    await bob.inbox.waitFor(1);
    bob.socket.close();

    // Alice keeps sending while Bob rejoins, so live messages race the missed read.
    let sending = true;
    const sent: Message[] = [first];
    const sender = (async () => {
      for (let i = 0; sending || i < 20; i += 1)
        sent.push(await send(alice.socket, roomId, `busy ${i}`));
    })();
    const back = await connect(cluster.url(0), bob.token);
    sockets.push(back);
    const inbox = new Inbox(back);
    const ack = await join(back, roomId, first.id);
    sending = false;
    await sender;
    const expected = sent.slice(1).map((message) => message.id);
    const liveNeeded = expected.length - ack.missed.length;
    await inbox.waitFor(liveNeeded);
    const seen = [...ack.missed, ...inbox.messages].map((message) => message.id);
    expect(seen).toEqual(expected);
  });
});

async function joined(socket: ClientSocket, roomId: string): Promise<ClientSocket> {
  await join(socket, roomId);
  return socket;
}

test('a client speaking garbage is disconnected alone', async () => {
  const { alice, bob, roomId } = await roomWithTwo();
  const rogue = io(cluster.url(0), {
    auth: { token: alice.token },
    transports: ['websocket'],
    forceNew: true,
  });
  await new Promise<void>((resolve) => rogue.once('connect', () => resolve()));
  // A binary attachment where JSON is expected, then a flood of unknown events.
  for (let i = 0; i < 50; i += 1) rogue.emit('no-such-event', Buffer.alloc(1024));
  rogue.emit('message:send', Buffer.from('not json'), () => {});
  const message = await send(alice.socket, roomId, 'unaffected');
  expect(await bob.inbox.waitFor(1)).toEqual([message]);
  rogue.close();
});
