import { randomBytes } from 'node:crypto';
import { io } from 'socket.io-client';
import type { Ack, AuthResponse } from '@chat/shared';
import {
  call,
  connect,
  createRoom,
  join,
  registerUser,
  type ClientSocket,
} from '../support/clients';
import { waitUntil } from '@chat/testkit';
import { useCluster } from '../support/cluster';
import { bystanders, expectBystandersServed, type Bystanders } from './support/bystanders';
import { expectDocumentedAck, rawHttp } from './support/outcomes';

/*
 * Floods and oversized input are bounded and answered: an oversized frame
 * closes only its own connection; a flood of connections, of events, of
 * room joins and of guessed tokens from one client each get clear answers
 * (a connect, a connect_error, an ack or a disconnect; never a hang), stop
 * at a limit, and ordinary users connected meanwhile keep sending and
 * receiving. Asserts delivery, not timing.
 *
 * Some of these rest on protections that are being added (a per-connection
 * event budget, a cap on sockets per user, a per-address limit on failed
 * handshakes); a failure here may mean one of them is missing.
 */

// The production message rate (10/s per user), not the tests' usual "off".
const cluster = useCluster({ instances: 2, config: { messageRatePerSec: 10 } });
const { sockets } = cluster;
let users: Bystanders;

beforeAll(async () => {
  users = cluster.closeAfterAll(await bystanders(cluster, 0, 1));
});

afterEach(async () => {
  await expectBystandersServed(users);
});

/** Resolves with the reason when the server disconnects the socket; fails after `ms`. */
function disconnection(socket: ClientSocket, ms = 5000): Promise<string> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`not disconnected within ${ms} ms`)), ms);
    socket.once('disconnect', (reason) => {
      clearTimeout(timer);
      resolve(reason);
    });
  });
}

/** One handshake's answer: connected, or the connect_error message. Never a hang (15 s). */
function handshake(
  token: string,
  options: { localAddress?: string } = {},
): Promise<{ socket?: ClientSocket; error?: string }> {
  const socket: ClientSocket = io(cluster.url(0), {
    auth: { token },
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
    timeout: 15_000,
    // Passed through to the `ws` client: the handshake comes from this loopback address.
    ...(options.localAddress ? { localAddress: options.localAddress } : {}),
  } as Parameters<typeof io>[1]);
  return new Promise((resolve) => {
    socket.once('connect', () => resolve({ socket }));
    socket.once('connect_error', (error) => {
      socket.close();
      resolve({ error: error.message });
    });
  });
}

/** One counter's value in an instance's /metrics (labels ignored). */
async function counter(url: string, name: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  return Number(new RegExp(`^${name}(?:\\{[^}]*\\})? (\\d+)$`, 'm').exec(text)?.[1] ?? 0);
}

describe('oversized frames', () => {
  test.each(['websocket', 'polling'] as const)(
    'a Socket.IO packet over 64 KiB (%s) closes that connection only',
    async (transport) => {
      const attacker = await registerUser(cluster.url(0));
      const socket = await connect(cluster.url(0), attacker.token, { transports: [transport] });
      sockets.push(socket);
      await join(socket, users.roomId);
      const closed = disconnection(socket);
      const ack = call(socket, 'message:send', {
        roomId: users.roomId,
        text: 'a'.repeat(70_000),
        clientId: 'huge',
      }).catch((error: Error) => error);
      expect(await closed).toMatch(/transport (close|error)/);
      // The ack never claimed success: the pending call failed with the disconnect.
      expect(await ack).toBeInstanceOf(Error);
      // And nothing of it was stored or delivered.
      expect(users.receiverInbox.messages.some((message) => message.clientId === 'huge')).toBe(
        false,
      );
    },
  );
});

test('a packet with more than 10 binary attachments (socket.io-parser maxAttachments) closes that connection only', async () => {
  const attacker = await registerUser(cluster.url(0));
  const socket = await connect(cluster.url(0), attacker.token);
  sockets.push(socket);
  const closed = disconnection(socket);
  const ack = call(socket, 'room:leave', {
    roomId: Array.from({ length: 11 }, (_, i) => Buffer.from([i])),
  }).catch((error: Error) => error);
  expect(await closed).toBe('transport close');
  expect(await ack).toBeInstanceOf(Error);
  // Ten are fine: an ordinary invalid_input.
  const other = await connect(cluster.url(0), attacker.token);
  sockets.push(other);
  expect(
    await call(other, 'room:leave', {
      roomId: Array.from({ length: 10 }, (_, i) => Buffer.from([i])),
    }),
  ).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
});

describe('floods', () => {
  test('200 connections with one token: each answered, at most MAX_SOCKETS_PER_USER admitted, others delivered to', async () => {
    const flooder = await registerUser(cluster.url(0));
    const cap = cluster.servers[0]!.config.maxSocketsPerUser;
    const results = await Promise.all(Array.from({ length: 200 }, () => handshake(flooder.token)));
    const admitted = results.flatMap((result) => (result.socket ? [result.socket] : []));
    sockets.push(...admitted);
    const refusals = results.flatMap((result) =>
      result.error === undefined ? [] : [result.error],
    );
    expect(admitted.length + refusals.length).toBe(200);
    expect(admitted.length).toBeGreaterThan(0);
    expect(admitted.length).toBeLessThanOrEqual(cap);
    // A clear refusal, the one the protocol uses for limits.
    expect(new Set(refusals)).toEqual(new Set(['rate_limited']));
    // While they are all open, the others are served (checked again in afterEach).
    await expectBystandersServed(users, 'during the connection flood');
    // Slots come back once the flood's sockets are closed.
    for (const socket of sockets.splice(0)) socket.close();
    await waitUntil(
      async () => {
        const again = await handshake(flooder.token);
        again.socket?.close();
        return again.socket !== undefined;
      },
      { timeoutMs: 10_000, what: 'a connection slot to come back' },
    );
  });

  test.each([
    ['typing', (roomId: string) => ({ roomId, typing: true })],
    [
      'message:send',
      (roomId: string, i: number) => ({ roomId, text: `flood ${i}`, clientId: `f${i}` }),
    ],
    ['room:leave', () => ({ roomId: 'nothing' })],
  ] as const)(
    'a flood of 2,000 %s events from one socket is cut off (rate_limited or disconnected) while others are served',
    async (event, payload) => {
      const flooder = await registerUser(cluster.url(0));
      const socket = await connect(cluster.url(0), flooder.token);
      sockets.push(socket);
      await join(socket, users.roomId);
      let disconnected: string | undefined;
      socket.on('disconnect', (reason) => (disconnected = reason));
      const timed = socket.timeout(20_000) as unknown as {
        emitWithAck(event: string, payload: unknown): Promise<Ack>;
      };
      const flood = Array.from({ length: 2000 }, (_, i) =>
        timed.emitWithAck(event, payload(users.roomId, i)).then(
          (ack) => ({ ack }),
          (error: Error) => ({ error: error.message }),
        ),
      );
      // A calm user in the same room keeps sending and receiving during the flood.
      await expectBystandersServed(users, 'during an event flood');
      const outcomes = await Promise.all(flood);
      const acks = outcomes.flatMap((outcome) => ('ack' in outcome ? [outcome.ack] : []));
      for (const ack of acks)
        expectDocumentedAck(ack, ['invalid_input', 'forbidden', 'rate_limited'], `${event} flood`);
      const refused = acks.filter((ack) => !ack.ok && ack.error.code === 'rate_limited');
      const unanswered = outcomes.filter((outcome) => 'error' in outcome);
      // Every event was answered: an ack, or the disconnect that ended the flood. Nothing timed out.
      for (const outcome of unanswered)
        expect(outcome).toEqual({ error: 'socket has been disconnected' });
      // The flood was bounded: refused with rate_limited at some point, or cut off.
      expect(refused.length > 0 || disconnected !== undefined).toBe(true);
      expect(acks.filter((ack) => ack.ok).length).toBeLessThan(2000);
    },
  );

  test('guessed tokens from one address: 300 handshakes all refused, none admitted', async () => {
    const results = await Promise.all(
      Array.from({ length: 300 }, () =>
        handshake(randomBytes(32).toString('base64url'), { localAddress: '127.0.0.3' }),
      ),
    );
    for (const result of results) result.socket?.close();
    expect(results.filter((result) => result.socket !== undefined)).toEqual([]);
    const messages = new Set(results.map((result) => result.error));
    for (const message of messages) expect(['unauthorized', 'rate_limited']).toContain(message);
    // A legitimate user from another address still connects and is served.
    const legit = await registerUser(cluster.url(0));
    const socket = await connect(cluster.url(0), legit.token);
    sockets.push(socket);
    expect(socket.connected).toBe(true);
  });

  test('guessing is bounded per address: after a burst of failures the address is refused with rate_limited', async () => {
    const results = await Promise.all(
      Array.from({ length: 300 }, () =>
        handshake(randomBytes(32).toString('base64url'), { localAddress: '127.0.0.4' }),
      ),
    );
    for (const result of results) result.socket?.close();
    const limited = results.filter((result) => result.error === 'rate_limited').length;
    expect(limited).toBeGreaterThan(0);
    // The address that is not guessing is untouched.
    const legit = await registerUser(cluster.url(0));
    const ok = await handshake(legit.token, { localAddress: '127.0.0.5' });
    ok.socket?.close();
    expect(ok.error).toBeUndefined();
  });
});

test('past SOCKET_EVENTS_PER_SEC the server closes the connection (io server disconnect) and counts it', async () => {
  const flooder = await registerUser(cluster.url(0));
  const socket = await connect(cluster.url(0), flooder.token);
  sockets.push(socket);
  const before = await counter(cluster.url(0), 'chat_event_floods_closed_total');
  const closed = disconnection(socket);
  // room:leave has no rate limit of its own: only the per-connection event budget
  // (200/s, bursts of 1,000) can stop 2,000 of them sent at once.
  for (let i = 0; i < 2000; i += 1)
    socket.emit('room:leave', { roomId: 'nothing' }, () => undefined);
  expect(await closed).toBe('io server disconnect');
  expect(await counter(cluster.url(0), 'chat_event_floods_closed_total')).toBe(before + 1);
});

describe('joining many rooms', () => {
  const small = useCluster({ instances: 1, redis: false, config: { maxRoomsPerSocket: 10 } });
  let owner: AuthResponse;
  const rooms: string[] = [];

  beforeAll(async () => {
    owner = await registerUser(small.url(0));
    for (let i = 0; i < 14; i += 1) rooms.push(await createRoom(small.url(0), owner.token));
  });

  test('the embedded backend enforces rate limits too: the 21st room created in a row is 429', async () => {
    const creator = await registerUser(small.url(0));
    const statuses: number[] = [];
    for (let i = 0; i < 21; i += 1) {
      const response = await rawHttp(small.url(0), {
        method: 'POST',
        path: '/api/rooms',
        headers: { authorization: `Bearer ${creator.token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ name: `burst-${process.pid}-${i}`, kind: 'private' }),
      });
      statuses.push(response.status);
    }
    // Burst 20, then 1 per 2 s (PROTOCOL.md "Rate limits"), whichever backend serves.
    expect(statuses).toEqual([...Array<number>(20).fill(201), 429]);
  });

  test('the 11th room is refused with rate_limited (no retryAfterMs); rejoining counts once; leaving frees a slot', async () => {
    const socket = await connect(small.url(0), owner.token);
    sockets.push(socket);
    for (const roomId of rooms.slice(0, 10)) await join(socket, roomId);
    const refused = await call(socket, 'room:join', { roomId: rooms[10] });
    expectDocumentedAck(refused, ['rate_limited'], 'the 11th join');
    expect(refused).toEqual({
      ok: false,
      error: { code: 'rate_limited', message: expect.any(String) },
    });
    // Joining a room already joined (a catch-up with `after`) does not count twice.
    expect(await call(socket, 'room:join', { roomId: rooms[0], after: '0-0' })).toMatchObject({
      ok: true,
    });
    expect(await call(socket, 'room:leave', { roomId: rooms[0] })).toEqual({ ok: true });
    expect(await call(socket, 'room:join', { roomId: rooms[10] })).toMatchObject({ ok: true });
  });

  test('14 joins fired at once never leave a socket in more than 10 rooms', async () => {
    const socket = await connect(small.url(0), owner.token);
    sockets.push(socket);
    const acks = await Promise.all(rooms.map((roomId) => call(socket, 'room:join', { roomId })));
    for (const ack of acks) expectDocumentedAck(ack, ['rate_limited'], 'concurrent join');
    const joined = acks.filter((ack) => ack.ok).length;
    const serverSide = small.servers[0]!.io.of('/').sockets.get(socket.id!)?.data.chatRooms?.size;
    expect({ joined, serverSide }).toEqual({ joined: 10, serverSide: 10 });
  });

  test('with the default MAX_ROOMS_PER_SOCKET (200), a socket joining 210 public rooms gets rate_limited from the 201st', async () => {
    // Room creation is limited to a burst of 20 per user: 11 users create 210 rooms.
    const all: string[] = [];
    for (let u = 0; u < 11; u += 1) {
      const creator = await registerUser(cluster.url(u % 2));
      const made = await Promise.all(
        Array.from({ length: u < 10 ? 20 : 10 }, () =>
          createRoom(cluster.url(u % 2), creator.token),
        ),
      );
      all.push(...made);
    }
    const joiner = await registerUser(cluster.url(0));
    const socket = await connect(cluster.url(0), joiner.token);
    sockets.push(socket);
    const outcomes: string[] = [];
    for (const roomId of all) {
      const ack = await call(socket, 'room:join', { roomId });
      expectDocumentedAck(ack, ['rate_limited'], 'join');
      outcomes.push(ack.ok ? 'ok' : ack.error.code);
    }
    expect(outcomes.slice(0, 200)).toEqual(Array(200).fill('ok'));
    expect(outcomes.slice(200)).toEqual(Array(10).fill('rate_limited'));
    // Still served in the rooms it did join.
    expect(socket.connected).toBe(true);
  });
});
