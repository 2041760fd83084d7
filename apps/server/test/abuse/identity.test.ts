import { randomBytes, randomUUID } from 'node:crypto';
import type { AuthResponse, Message, RoomSummary, User } from '@chat/shared';
import {
  call,
  connect,
  createRoom,
  Inbox,
  join,
  nextEvent,
  send,
  uniqueName,
  type ClientSocket,
} from '../support/clients';
import { useCluster } from '../support/cluster';
import {
  expectDocumentedAck,
  expectNoPasswordHashReceived,
  expectNothingLeaked,
  rawHttp,
  received,
} from './support/outcomes';

/*
 * Identity: nobody acts as somebody else (identity fields in payloads and
 * bodies are ignored everywhere), nobody reaches a private room or DM by its
 * id (join, history, send, typing, read markers, adding members), a revoked
 * token is refused everywhere, password hashes never leave the server, and
 * tokens, passwords and message texts never reach the logs. Two instances on
 * one Redis, logging everything at trace level into a buffer.
 */

const cluster = useCluster({ instances: 2, captureLogs: true });
const { sockets } = cluster;
/** Every secret this file creates: none of them may appear in a log line. */
const secrets = new Set<string>();

afterAll(() => {
  expectNoPasswordHashReceived();
});

/** A JSON call through rawHttp: recorded, checked for leaks, parsed. */
async function api<T = unknown>(
  instance: number,
  method: string,
  path: string,
  options: { token?: string; body?: unknown } = {},
): Promise<{ status: number; body: T; text: string }> {
  const headers: Record<string, string> = {};
  if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  const response = await rawHttp(cluster.url(instance), {
    method,
    path,
    headers,
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  expectNothingLeaked(response.text, `${method} ${path}`);
  return {
    status: response.status,
    body: (response.text ? JSON.parse(response.text) : null) as T,
    text: response.text,
  };
}

interface Person extends AuthResponse {
  password: string;
}

async function person(instance = 0): Promise<Person> {
  const password = `pw-${randomBytes(12).toString('hex')}`;
  const username = uniqueName('id');
  const { status, body } = await api<AuthResponse>(instance, 'POST', '/api/auth/register', {
    body: { username, password },
  });
  expect(status).toBe(201);
  secrets.add(password);
  secrets.add(body.token);
  return { ...body, password };
}

/** A socket that records every event it receives (scanned for hashes at the end). */
async function socketOf(who: AuthResponse, instance: number): Promise<ClientSocket> {
  const socket = await connect(cluster.url(instance), who.token);
  socket.onAny((_event, ...args: unknown[]) => received.push(JSON.stringify(args)));
  sockets.push(socket);
  return socket;
}

/** Every user object anywhere in a value is exactly `{ id, username }`. */
function expectOnlyPublicUserFields(value: unknown): void {
  if (Array.isArray(value)) return value.forEach(expectOnlyPublicUserFields);
  if (value === null || typeof value !== 'object') return;
  for (const [key, inner] of Object.entries(value)) {
    if ((key === 'user' || key === 'online') && inner && typeof inner === 'object') {
      for (const user of Array.isArray(inner) ? inner : [inner])
        expect(Object.keys(user as object).sort()).toEqual(['id', 'username']);
    }
    expectOnlyPublicUserFields(inner);
  }
}

const ackOk = <T>(ack: unknown) => ack as { ok: true } & T;

describe('no acting as somebody else', () => {
  test('message:send: userId, username, user, id and createdAt in the payload are ignored', async () => {
    const alice = await person(0);
    const bob = await person(1);
    const roomId = await createRoom(cluster.url(0), alice.token);
    const aliceSocket = await socketOf(alice, 0);
    const bobSocket = await socketOf(bob, 1);
    const bobInbox = new Inbox(bobSocket);
    await join(aliceSocket, roomId);
    await join(bobSocket, roomId);
    const text = `spoof-${randomBytes(6).toString('hex')}`;
    secrets.add(text);
    const ack = await call(aliceSocket, 'message:send', {
      roomId,
      text,
      clientId: 'spoof-1',
      userId: bob.user.id,
      username: bob.user.username,
      user: bob.user,
      id: '1-1',
      createdAt: '2000-01-01T00:00:00.000Z',
    });
    expectDocumentedAck(ack, [], 'spoofed send');
    const stored = ackOk<{ message: Message }>(ack).message;
    expect(stored).toMatchObject({ userId: alice.user.id, username: alice.user.username, text });
    expect(stored.id).not.toBe('1-1');
    expect(stored.createdAt).not.toBe('2000-01-01T00:00:00.000Z');
    expect(await bobInbox.waitFor(1)).toEqual([stored]);
    const history = await api<{ messages: Message[] }>(1, 'GET', `/api/rooms/${roomId}/messages`, {
      token: bob.token,
    });
    expect(history.body.messages).toEqual([stored]);
  });

  test('typing: the typing user is whoever the token says', async () => {
    const alice = await person(0);
    const bob = await person(0);
    const carol = await person(1);
    const roomId = await createRoom(cluster.url(0), alice.token);
    const aliceSocket = await socketOf(alice, 0);
    const carolSocket = await socketOf(carol, 1);
    await join(aliceSocket, roomId);
    await join(carolSocket, roomId);
    const typing = nextEvent(carolSocket, 'typing');
    const ack = await call(aliceSocket, 'typing', {
      roomId,
      typing: true,
      userId: bob.user.id,
      username: bob.user.username,
      user: bob.user,
    });
    expect(ack).toEqual({ ok: true });
    expect(await typing).toEqual({ roomId, user: alice.user, typing: true });
  });

  test("room:read: a payload's userId moves the sender's marker, never the named user's", async () => {
    const alice = await person(0);
    const bob = await person(1);
    const roomId = await createRoom(cluster.url(0), alice.token, undefined, 'private');
    expect(
      (
        await api(0, 'POST', `/api/rooms/${roomId}/members`, {
          token: alice.token,
          body: { username: bob.user.username },
        })
      ).status,
    ).toBe(204);
    const aliceSocket = await socketOf(alice, 0);
    const aliceElsewhere = await socketOf(alice, 1);
    await join(aliceSocket, roomId);
    await send(aliceSocket, roomId, 'one');
    const last = await send(aliceSocket, roomId, 'two');
    const unreadOf = async (who: AuthResponse) =>
      (
        await api<{ rooms: RoomSummary[] }>(1, 'GET', '/api/rooms', { token: who.token })
      ).body.rooms.find((room) => room.id === roomId)?.unread;
    expect(await unreadOf(bob)).toBe(2);
    const moved = nextEvent(aliceElsewhere, 'room:read');
    const ack = await call(aliceSocket, 'room:read', {
      roomId,
      messageId: last.id,
      userId: bob.user.id,
      username: bob.user.username,
    });
    expect(ack).toEqual({ ok: true });
    // Alice's marker moved (her other socket is told), Bob's did not.
    expect(await moved).toEqual({ roomId, messageId: last.id });
    expect(await unreadOf(bob)).toBe(2);
  });

  test('HTTP bodies: createdBy, userId and username fields never change who acts', async () => {
    const alice = await person(0);
    const bob = await person(1);
    const carol = await person(0);
    const created = await api<{ room: { createdBy: string; id: string } }>(
      0,
      'POST',
      '/api/rooms',
      {
        token: alice.token,
        body: {
          name: uniqueName('r'),
          kind: 'private',
          createdBy: bob.user.id,
          userId: bob.user.id,
        },
      },
    );
    expect(created.status).toBe(201);
    expect(created.body.room.createdBy).toBe(alice.user.id);
    // Bob is not a member: naming Alice as the actor in the body does not make him one.
    const add = await api(1, 'POST', `/api/rooms/${created.body.room.id}/members`, {
      token: bob.token,
      body: { username: bob.user.username, userId: alice.user.id, user: alice.user },
    });
    expect(add.status).toBe(403);
    // A DM is between the caller and `username`, whatever else the body says.
    const dm = await api<{ room: { name: string } }>(1, 'POST', '/api/dms', {
      token: bob.token,
      body: { username: carol.user.username, userId: alice.user.id },
    });
    expect(dm.status).toBe(200);
    expect(dm.body.room.name.split(', ').sort()).toEqual(
      [bob.user.username, carol.user.username].sort(),
    );
    const me = await api<{ user: User }>(1, 'GET', '/api/me', { token: bob.token });
    expect(me.body.user).toEqual(bob.user);
  });
});

describe('no access to private rooms and DMs by id', () => {
  test.each(['private', 'dm'] as const)(
    'a non-member who knows a %s room id can neither list, join, read, send, type, mark read nor add to it',
    async (kind) => {
      const alice = await person(0);
      const bob = await person(1);
      const mallory = await person(1);
      let roomId: string;
      let name: string;
      if (kind === 'private') {
        name = uniqueName('secret');
        roomId = await createRoom(cluster.url(0), alice.token, name, 'private');
      } else {
        const dm = await api<{ room: { id: string; name: string } }>(0, 'POST', '/api/dms', {
          token: alice.token,
          body: { username: bob.user.username },
        });
        roomId = dm.body.room.id;
        name = dm.body.room.name;
      }
      const aliceSocket = await socketOf(alice, 0);
      await join(aliceSocket, roomId);
      const secret = await send(aliceSocket, roomId, `secret-${randomBytes(4).toString('hex')}`);
      secrets.add(secret.text);

      for (const instance of [0, 1]) {
        const listed = await api<{ rooms: { id: string }[] }>(instance, 'GET', '/api/rooms', {
          token: mallory.token,
        });
        expect(listed.body.rooms.map((room) => room.id)).not.toContain(roomId);
        for (const query of [
          '',
          '?limit=100',
          `?before=${secret.id}`,
          '?before=9999999999999999-0',
        ]) {
          const history = await api(instance, 'GET', `/api/rooms/${roomId}/messages${query}`, {
            token: mallory.token,
          });
          expect(history.status).toBe(403);
          expect(history.body).toEqual({
            error: { code: 'forbidden', message: expect.any(String) },
          });
          expect(history.text).not.toContain(name);
          expect(history.text).not.toContain(secret.text);
        }
        const add = await api(instance, 'POST', `/api/rooms/${roomId}/members`, {
          token: mallory.token,
          body: { username: mallory.user.username },
        });
        expect(add.status).toBe(403);
        expect(add.text).not.toContain(name);
      }

      const mallorySocket = await socketOf(mallory, 1);
      const malloryInbox = new Inbox(mallorySocket);
      const codeOf = async (event: string, payload: object) => {
        const ack = await call(mallorySocket, event as 'room:join', payload);
        expectDocumentedAck(ack, ['forbidden'], `${event} into a ${kind} room`);
        expect(JSON.stringify(ack)).not.toContain(name);
        return ack.ok ? 'ok' : ack.error.code;
      };
      expect(await codeOf('room:join', { roomId })).toBe('forbidden');
      expect(await codeOf('room:join', { roomId, after: '0-0' })).toBe('forbidden');
      expect(await codeOf('message:send', { roomId, text: 'let me in', clientId: 'in' })).toBe(
        'forbidden',
      );
      expect(await codeOf('typing', { roomId, typing: true })).toBe('forbidden');
      expect(await codeOf('room:read', { roomId, messageId: secret.id })).toBe('forbidden');

      // Nothing of the room reaches Mallory afterwards either.
      const later = await send(aliceSocket, roomId, 'after the attempts');
      const history = await api<{ messages: Message[] }>(
        0,
        'GET',
        `/api/rooms/${roomId}/messages`,
        {
          token: alice.token,
        },
      );
      expect(history.body.messages.map((message) => message.id)).toEqual([secret.id, later.id]);
      // Mallory's socket is on the instance Alice's message was relayed to: had she been let into
      // the room, `later` would have reached her before this round trip of hers completes.
      expect(await call(mallorySocket, 'room:leave', { roomId })).toEqual({ ok: true });
      expect(malloryInbox.messages).toEqual([]);
    },
  );

  test('guessed room ids: unknown ids are not_found, known private ones forbidden; nothing else', async () => {
    const alice = await person(0);
    const mallory = await person(1);
    const privateRoom = await createRoom(cluster.url(0), alice.token, undefined, 'private');
    const socket = await socketOf(mallory, 1);
    for (let i = 0; i < 20; i += 1) {
      const guess = randomUUID();
      const history = await api(1, 'GET', `/api/rooms/${guess}/messages`, { token: mallory.token });
      expect(history.status).toBe(404);
      const ack = await call(socket, 'room:join', { roomId: guess });
      expect(ack).toMatchObject({ ok: false, error: { code: 'not_found' } });
    }
    expect(await call(socket, 'room:join', { roomId: privateRoom })).toMatchObject({
      ok: false,
      error: { code: 'forbidden' },
    });
  });
});

describe('revoked tokens', () => {
  test('a logged-out token is refused on every instance, over HTTP and sockets; its sockets are closed; other tokens live on', async () => {
    const alice = await person(0);
    const roomId = await createRoom(cluster.url(0), alice.token);
    const login = await api<AuthResponse>(1, 'POST', '/api/auth/login', {
      body: { username: alice.user.username, password: alice.password },
    });
    expect(login.status).toBe(200);
    const second = login.body.token;
    secrets.add(second);
    const open = [await socketOf(alice, 0), await socketOf(alice, 1)];
    const closed = open.map((socket) => nextEvent(socket, 'disconnect' as never));
    const other = await socketOf({ ...alice, token: second }, 0);

    expect((await api(1, 'POST', '/api/auth/logout', { token: alice.token })).status).toBe(204);
    expect(await Promise.all(closed)).toEqual(['io server disconnect', 'io server disconnect']);

    for (const instance of [0, 1]) {
      for (const [method, path, body] of [
        ['GET', '/api/me'],
        ['GET', '/api/rooms'],
        ['GET', '/api/presence'],
        ['GET', `/api/rooms/${roomId}/messages`],
        ['POST', '/api/rooms', { name: uniqueName('x') }],
        ['POST', '/api/dms', { username: 'nobody' }],
        ['POST', `/api/rooms/${roomId}/members`, { username: 'nobody' }],
        ['POST', '/api/auth/logout'],
      ] as const) {
        const response = await api(instance, method, path, { token: alice.token, body });
        expect({ instance, path, status: response.status }).toEqual({
          instance,
          path,
          status: 401,
        });
        expect(response.body).toEqual({
          error: { code: 'unauthorized', message: expect.any(String) },
        });
      }
      await expect(connect(cluster.url(instance), alice.token)).rejects.toThrow('unauthorized');
    }
    // The other token of the same user is untouched.
    expect(other.connected).toBe(true);
    expect((await api(1, 'GET', '/api/me', { token: second })).status).toBe(200);
    await join(other, roomId);
  });
});

describe('secrets stay on the server', () => {
  test('no response or event carries a password hash, and user objects are exactly { id, username }', async () => {
    const alice = await person(0);
    const bob = await person(1);
    const aliceSocket = await socketOf(alice, 0);
    const bobSocket = await socketOf(bob, 1);
    const presence = nextEvent(aliceSocket, 'presence');
    const added = nextEvent(bobSocket, 'room:added');
    const bodies: unknown[] = [];
    const keep = async (promise: Promise<{ body: unknown }>) => bodies.push((await promise).body);
    await keep(
      api(0, 'POST', '/api/auth/login', {
        body: { username: alice.user.username, password: alice.password },
      }),
    );
    await keep(api(1, 'GET', '/api/me', { token: alice.token }));
    await keep(api(1, 'GET', '/api/presence', { token: alice.token }));
    await keep(api(0, 'GET', '/api/rooms', { token: alice.token }));
    const dm = await api<{ room: { id: string } }>(0, 'POST', '/api/dms', {
      token: alice.token,
      body: { username: bob.user.username },
    });
    bodies.push(dm.body, await added);
    await join(aliceSocket, dm.body.room.id);
    const ack = await call(aliceSocket, 'message:send', {
      roomId: dm.body.room.id,
      text: 'hash?',
      clientId: 'h',
    });
    bodies.push(ack);
    await keep(api(1, 'GET', `/api/rooms/${dm.body.room.id}/messages`, { token: bob.token }));
    // Bob connecting after Alice is a presence event Alice receives (unless already online).
    const carol = await person(1);
    await socketOf(carol, 1);
    bodies.push(await presence);
    for (const body of bodies) expectOnlyPublicUserFields(body);
    expect(received.length).toBeGreaterThan(10);
    expectNoPasswordHashReceived();
  });

  test('the logs hold no token, password, password hash or message text (and they did capture the traffic)', async () => {
    // Traffic that tends to end up in logs: failed logins, bad tokens, refused payloads.
    const alice = await person(0);
    const wrong = `wrong-${randomBytes(8).toString('hex')}`;
    secrets.add(wrong);
    expect(
      (
        await api(1, 'POST', '/api/auth/login', {
          body: { username: alice.user.username, password: wrong },
        })
      ).status,
    ).toBe(401);
    const guessed = randomBytes(32).toString('base64url');
    secrets.add(guessed);
    await expect(connect(cluster.url(0), guessed)).rejects.toThrow('unauthorized');
    expect((await api(0, 'GET', '/api/me', { token: guessed })).status).toBe(401);
    const socket = await socketOf(alice, 1);
    const tooLong = `long-${randomBytes(4).toString('hex')}-${'x'.repeat(4000)}`;
    secrets.add(tooLong.slice(0, 20));
    expect(
      await call(socket, 'message:send', { roomId: 'nowhere', text: tooLong, clientId: 'l' }),
    ).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    const shortPassword = `sh-${randomBytes(2).toString('hex')}`;
    secrets.add(shortPassword);
    expect(
      (
        await api(0, 'POST', '/api/auth/register', {
          body: { username: uniqueName('p'), password: shortPassword },
        })
      ).status,
    ).toBe(400);
    expect((await api(1, 'POST', '/api/auth/logout', { token: alice.token })).status).toBe(204);

    const log = cluster.logLines.join('');
    // The capture works: it saw start-up and sockets coming and going, at debug level.
    expect(log).toContain('"msg":"listening"');
    expect(log).toContain('socket connected');
    expect(secrets.size).toBeGreaterThan(10);
    const found = [...secrets].filter((secret) => log.includes(secret));
    expect(found).toEqual([]);
    expect(log).not.toContain('scrypt$');
    expect(log).not.toMatch(/passwordHash/i);
    expect(log).not.toMatch(/bearer\s+\S{20,}/i);
  });
});
