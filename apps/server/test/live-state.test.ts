import type { Message, RoomsResponse, TypingEvent } from '@chat/shared';
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
  type ClientSocket,
} from './support/clients';
import { topologies, useCluster } from './support/cluster';

/*
 * Typing indicators, read markers with unread counts, logout everywhere and
 * metrics, with the users involved on different instances (and on the
 * embedded single node).
 */

describe.each(topologies({ typingTtlMs: 300 }))('%s', (_name, topology) => {
  const cluster = useCluster(topology);
  const { sockets } = cluster;

  async function userOn(instance: number, token?: string) {
    const session = token
      ? {
          ...(
            await http<{ user: { id: string; username: string } }>(
              cluster.url(instance),
              'GET',
              '/api/me',
              { token },
            )
          ).body,
          token,
        }
      : await registerUser(cluster.url(instance));
    const socket = await connect(cluster.url(instance), session.token);
    sockets.push(socket);
    return { ...session, socket };
  }

  async function roomWith(...users: { socket: ClientSocket; token: string }[]) {
    const roomId = await createRoom(cluster.url(0), users[0]!.token);
    for (const user of users) await join(user.socket, roomId);
    return roomId;
  }

  describe('typing', () => {
    test("reaches the room's other sockets on other instances, not the typer", async () => {
      const alice = await userOn(0);
      const bob = await userOn(1);
      const roomId = await roomWith(alice, bob);
      const seenByAlice: TypingEvent[] = [];
      alice.socket.on('typing', (event) => seenByAlice.push(event));

      const started = nextEvent(bob.socket, 'typing');
      expect(await call(alice.socket, 'typing', { roomId, typing: true })).toEqual({ ok: true });
      expect(await started).toEqual({ roomId, user: alice.user, typing: true });
      const stopped = nextEvent(bob.socket, 'typing');
      await call(alice.socket, 'typing', { roomId, typing: false });
      expect(await stopped).toEqual({ roomId, user: alice.user, typing: false });

      // A message round trip later, Alice still has seen no typing event of her own.
      const inbox = new Inbox(alice.socket);
      await send(bob.socket, roomId, 'sync');
      await inbox.waitFor(1);
      expect(seenByAlice).toEqual([]);
    });

    test('ends by itself when the client stops renewing it', async () => {
      const alice = await userOn(0);
      const bob = await userOn(1);
      const roomId = await roomWith(alice, bob);
      const started = nextEvent(bob.socket, 'typing');
      await call(alice.socket, 'typing', { roomId, typing: true });
      await started;
      // No typing:false is ever sent: the receiving instance expires the state.
      expect(await nextEvent(bob.socket, 'typing')).toEqual({
        roomId,
        user: alice.user,
        typing: false,
      });
    });

    test('ends when the typer disconnects', async () => {
      const alice = await userOn(0);
      const bob = await userOn(1);
      const roomId = await roomWith(alice, bob);
      const started = nextEvent(bob.socket, 'typing');
      await call(alice.socket, 'typing', { roomId, typing: true });
      await started;
      const ended = nextEvent(bob.socket, 'typing');
      alice.socket.close();
      expect(await ended).toMatchObject({ user: alice.user, typing: false });
    });

    test('needs the room to be joined and a boolean', async () => {
      const alice = await userOn(0);
      const roomId = await createRoom(cluster.url(0), alice.token);
      expect(await call(alice.socket, 'typing', { roomId, typing: true })).toMatchObject({
        ok: false,
        error: { code: 'forbidden' },
      });
      expect(await call(alice.socket, 'typing', { roomId, typing: 'yes' })).toMatchObject({
        ok: false,
        error: { code: 'invalid_input' },
      });
    });
  });

  describe('read markers and unread counts', () => {
    async function unread(
      instance: number,
      token: string,
      roomId: string,
    ): Promise<number | undefined> {
      const rooms = await http<RoomsResponse>(cluster.url(instance), 'GET', '/api/rooms', {
        token,
      });
      return rooms.body.rooms.find((room) => room.id === roomId)?.unread;
    }

    test("count others' messages after the marker, and follow the user across devices", async () => {
      const alice = await userOn(0);
      const bobPhone = await userOn(1);
      const bobLaptop = await userOn(0, bobPhone.token);
      const roomId = await roomWith(alice, bobPhone, bobLaptop);
      const inbox = new Inbox(bobLaptop.socket);

      const sent: Message[] = [];
      for (let i = 0; i < 3; i += 1) sent.push(await send(alice.socket, roomId, `m${i}`));
      await send(bobPhone.socket, roomId, 'own messages never count');
      await inbox.waitFor(4);
      // Public room never marked read: 0. Once marked, only what came after counts.
      expect(await unread(0, bobPhone.token, roomId)).toBe(0);

      const moved = nextEvent(bobLaptop.socket, 'room:read');
      expect(await call(bobPhone.socket, 'room:read', { roomId, messageId: sent[0]!.id })).toEqual({
        ok: true,
      });
      expect(await moved).toEqual({ roomId, messageId: sent[0]!.id });
      expect(await unread(0, bobPhone.token, roomId)).toBe(2);
      expect(await unread(1, bobLaptop.token, roomId)).toBe(2);

      // The marker only moves forward: a stale device cannot undo a read.
      await call(bobLaptop.socket, 'room:read', { roomId, messageId: sent[2]!.id });
      await call(bobPhone.socket, 'room:read', { roomId, messageId: sent[1]!.id });
      expect(await unread(1, bobPhone.token, roomId)).toBe(0);
      await send(alice.socket, roomId, 'one more');
      expect(await unread(1, bobPhone.token, roomId)).toBe(1);
    });

    test('private rooms and DMs count from the start until first read', async () => {
      const alice = await userOn(0);
      const bob = await userOn(1);
      const dm = await http<{ room: { id: string } }>(cluster.url(0), 'POST', '/api/dms', {
        token: alice.token,
        body: { username: bob.user.username },
      });
      const roomId = dm.body.room.id;
      await join(alice.socket, roomId);
      await send(alice.socket, roomId, 'hi bob');
      await send(alice.socket, roomId, 'are you there?');
      expect(await unread(1, bob.token, roomId)).toBe(2);
      expect(await unread(0, alice.token, roomId)).toBe(0);
    });

    test('needs read access to the room', async () => {
      const owner = await userOn(0);
      const outsider = await userOn(1);
      const roomId = await createRoom(
        cluster.url(0),
        owner.token,
        `closed${Date.now()}`,
        'private',
      );
      expect(await call(outsider.socket, 'room:read', { roomId, messageId: '1-0' })).toMatchObject({
        ok: false,
        error: { code: 'forbidden' },
      });
    });
  });

  test("logout disconnects that token's sockets on every instance, and only them", async () => {
    const alice = await userOn(0);
    const otherTab = await connect(cluster.url(1), alice.token);
    sockets.push(otherTab);
    const otherLogin = await http<{ token: string }>(cluster.url(0), 'POST', '/api/auth/login', {
      body: { username: alice.user.username, password: 'correct horse battery' },
    });
    const otherDevice = await connect(cluster.url(1), otherLogin.body.token);
    sockets.push(otherDevice);

    const gone = [
      nextEvent(alice.socket, 'disconnect' as never),
      nextEvent(otherTab, 'disconnect' as never),
    ];
    expect(
      (await http(cluster.url(0), 'POST', '/api/auth/logout', { token: alice.token })).status,
    ).toBe(204);
    await Promise.all(gone);
    expect(otherDevice.connected).toBe(true);
    await expect(connect(cluster.url(1), alice.token)).rejects.toThrow('unauthorized');
  });

  test('metrics name connections, rooms, messages, Redis latency, relay lag, errors and event-loop lag', async () => {
    const alice = await userOn(0);
    const roomId = await roomWith(alice);
    await send(alice.socket, roomId, 'count me');
    await call(alice.socket, 'message:send', { roomId, text: '', clientId: 'bad' });
    const text = await (await fetch(`${cluster.url(0)}/metrics`)).text();
    for (const name of [
      'chat_connections',
      'chat_rooms_joined_total',
      'chat_messages_in_total',
      'chat_messages_out_total',
      'chat_redis_roundtrip_seconds_bucket',
      'chat_relay_lag_seconds_bucket',
      'chat_errors_total{code="invalid_input"',
      'chat_process_nodejs_eventloop_lag_seconds',
    ]) {
      expect(text).toContain(name);
    }
    expect(text).toMatch(/chat_messages_in_total\{[^}]*\} [1-9]/);
  });
});
