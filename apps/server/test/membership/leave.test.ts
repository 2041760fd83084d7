import type { Message } from '@chat/shared';
import { call, createRoom, http, join, nextEvent, send } from '../support/clients';
import { topologies, useCluster } from '../support/cluster';
import { addMember, leave, listedRoomIds, members } from './calls';

/*
 * POST /api/rooms/:id/leave on a private room (issue 14): the caller is no longer a member
 * (no history, join, send, typing, listing or search), and their sockets on every instance
 * are taken out of the room at once with `room:removed`, so nothing more of the room reaches
 * them; the other members go on as before; being added again works; public rooms cannot be
 * left.
 */

describe.each(topologies())('%s', (_name, topology) => {
  const cluster = useCluster(topology);
  const { userOn, socketOn } = cluster;
  const error = (code: string) => ({ error: { code, message: expect.any(String) } });
  const forbidden = { ok: false, ...error('forbidden') };

  /** A private room of `owner` with `leaver` added, both joined from the sockets given. */
  async function privateRoomOf(
    owner: Awaited<ReturnType<typeof userOn>>,
    leaver: Awaited<ReturnType<typeof userOn>>,
  ): Promise<string> {
    const roomId = await createRoom(cluster.url(0), owner.token, undefined, 'private');
    expect(
      (await addMember(cluster.url(0), owner.token, roomId, leaver.user.username)).status,
    ).toBe(204);
    return roomId;
  }

  test('leaving on one instance cuts off the leaver on every instance; the others go on', async () => {
    const owner = await userOn(0);
    const leaver = await userOn(1); // leaver.socket is on instance 1
    const leaverOn0 = await socketOn(0, leaver.token); // a second tab, on the other instance
    const roomId = await privateRoomOf(owner, leaver);
    const lobby = await createRoom(cluster.url(0), owner.token);
    for (const socket of [owner.socket, leaver.socket]) {
      await join(socket, roomId);
      await join(socket, lobby);
    }
    await send(owner.socket, roomId, 'before the leave');
    await leaver.inbox.waitFor(1);
    // The leaver is typing when they leave: the others see it end.
    const typingSeen = nextEvent(owner.socket, 'typing');
    expect(await call(leaver.socket, 'typing', { roomId, typing: true })).toEqual({ ok: true });
    expect(await typingSeen).toMatchObject({ roomId, user: leaver.user, typing: true });

    const removed = [
      nextEvent(leaver.socket, 'room:removed'),
      nextEvent(leaverOn0, 'room:removed'),
    ];
    const typingEnded = nextEvent(owner.socket, 'typing');
    expect((await leave(cluster.url(0), leaver.token, roomId)).status).toBe(204);
    expect(await Promise.all(removed)).toEqual([{ roomId }, { roomId }]);
    expect(await typingEnded).toEqual({ roomId, user: leaver.user, typing: false });

    // Nothing more of the room reaches the leaver: the owner's next message there is relayed
    // before the one to the lobby that follows it, which the leaver does get.
    const afterLeave = await send(owner.socket, roomId, 'after the leave');
    const marker = await send(owner.socket, lobby, 'marker');
    const leaverGot = await leaver.inbox.waitFor(2);
    expect(leaverGot.map((message) => message.text)).toEqual(['before the leave', 'marker']);
    expect(leaverGot[1]).toEqual(marker);
    expect((await owner.inbox.waitFor(3)).map((message: Message) => message.id)).toContain(
      afterLeave.id,
    );

    // Every way back in is closed, from both instances.
    for (const socket of [leaver.socket, leaverOn0]) {
      expect(await call(socket, 'room:join', { roomId })).toEqual(forbidden);
      expect(await call(socket, 'room:join', { roomId, after: afterLeave.id })).toEqual(forbidden);
      expect(
        await call(socket, 'message:send', { roomId, text: 'still here?', clientId: 'x' }),
      ).toEqual(forbidden);
      expect(await call(socket, 'typing', { roomId, typing: true })).toEqual(forbidden);
    }
    for (const index of [0, 1]) {
      const url = cluster.url(index);
      expect(
        await http(url, 'GET', `/api/rooms/${roomId}/messages`, { token: leaver.token }),
      ).toEqual({ status: 403, body: error('forbidden') });
      expect(await listedRoomIds(url, leaver.token)).not.toContain(roomId);
      expect(await members(url, leaver.token, roomId)).toEqual({
        status: 403,
        body: error('forbidden'),
      });
      expect(await leave(url, leaver.token, roomId)).toEqual({
        status: 403,
        body: error('forbidden'),
      });
    }

    // The owner is unaffected: still listed, reading, and the member list is without the leaver.
    expect(await listedRoomIds(cluster.url(1), owner.token)).toContain(roomId);
    expect((await members(cluster.url(1), owner.token, roomId)).body).toEqual({
      members: [owner.user],
    });
    const history = await http<{ messages: Message[] }>(
      cluster.url(1),
      'GET',
      `/api/rooms/${roomId}/messages`,
      { token: owner.token },
    );
    expect(history.body.messages.map((message) => message.text)).toEqual([
      'before the leave',
      'after the leave',
    ]);
  });

  test('search leaves out a room one left', async () => {
    const owner = await userOn(0);
    const leaver = await userOn(1);
    const roomId = await privateRoomOf(owner, leaver);
    await join(owner.socket, roomId);
    const word = `zebra${Date.now()}`;
    await send(owner.socket, roomId, `a ${word} crossed`);
    const search = (token: string, query: string) =>
      http<{ messages: Message[] }>(cluster.url(1), 'GET', `/api/search?${query}`, { token });

    expect((await leave(cluster.url(0), leaver.token, roomId)).status).toBe(204);
    if (topology.redis === false) {
      // The embedded mode has an archive (PGlite): the owner finds the message, the leaver not.
      expect((await search(owner.token, `q=${word}`)).body.messages).toHaveLength(1);
      expect((await search(leaver.token, `q=${word}`)).body.messages).toEqual([]);
      expect(await search(leaver.token, `q=${word}&roomId=${roomId}`)).toEqual({
        status: 403,
        body: error('forbidden'),
      });
    } else {
      // Redis without DATABASE_URL has no search at all: nobody finds anything.
      expect(await search(leaver.token, `q=${word}`)).toEqual({
        status: 503,
        body: error('unavailable'),
      });
    }
  });

  test('added back after leaving: room:added, then joining, reading and listing work again', async () => {
    const owner = await userOn(0);
    const leaver = await userOn(1);
    const roomId = await privateRoomOf(owner, leaver);
    expect((await leave(cluster.url(1), leaver.token, roomId)).status).toBe(204);
    expect(await call(leaver.socket, 'room:join', { roomId })).toEqual(forbidden);

    const added = nextEvent(leaver.socket, 'room:added');
    expect(
      (await addMember(cluster.url(0), owner.token, roomId, leaver.user.username)).status,
    ).toBe(204);
    expect((await added).id).toBe(roomId);
    await join(leaver.socket, roomId);
    await join(owner.socket, roomId);
    const message = await send(owner.socket, roomId, 'welcome back');
    expect(await leaver.inbox.waitFor(1)).toEqual([message]);
    expect(await listedRoomIds(cluster.url(1), leaver.token)).toContain(roomId);
    expect(new Set((await members(cluster.url(1), owner.token, roomId)).body.members)).toEqual(
      new Set([owner.user, leaver.user]),
    );
  });

  test('the creator may leave (the room keeps createdBy); the last member leaving leaves it empty and unreachable', async () => {
    const creator = await userOn(0);
    const other = await userOn(1);
    const roomId = await privateRoomOf(creator, other);
    expect((await leave(cluster.url(0), creator.token, roomId)).status).toBe(204);
    const listed = await http<{ rooms: { id: string; createdBy: string }[] }>(
      cluster.url(1),
      'GET',
      '/api/rooms',
      { token: other.token },
    );
    expect(listed.body.rooms.find((room) => room.id === roomId)?.createdBy).toBe(creator.user.id);
    // Gone is gone: the creator cannot add themselves back.
    expect(
      (await addMember(cluster.url(0), creator.token, roomId, creator.user.username)).status,
    ).toBe(403);

    expect((await leave(cluster.url(1), other.token, roomId)).status).toBe(204);
    for (const who of [creator, other]) {
      expect(await listedRoomIds(cluster.url(0), who.token)).not.toContain(roomId);
      expect(await call(who.socket, 'room:join', { roomId })).toEqual(forbidden);
    }
  });

  test('a public room cannot be left (403); unknown rooms 404; no token 401', async () => {
    const user = await userOn(0);
    const lobby = await createRoom(cluster.url(0), user.token);
    expect(await leave(cluster.url(1), user.token, lobby)).toEqual({
      status: 403,
      body: error('forbidden'),
    });
    expect(await leave(cluster.url(1), user.token, '00000000-0000-4000-8000-000000000000')).toEqual(
      { status: 404, body: error('not_found') },
    );
    expect(await leave(cluster.url(1), undefined, lobby)).toEqual({
      status: 401,
      body: error('unauthorized'),
    });
    // Still in the public room: leaving it over HTTP changed nothing.
    await join(user.socket, lobby);
    expect(await listedRoomIds(cluster.url(0), user.token)).toContain(lobby);
  });

  test('leaving is rate limited with the other membership changes (429)', async () => {
    const user = await userOn(0);
    const unknown = '00000000-0000-4000-8000-000000000001';
    let status = 0;
    for (let calls = 0; calls < 40 && status !== 429; calls += 1)
      status = (await leave(cluster.url(calls % 2), user.token, unknown)).status;
    expect(status).toBe(429);
  });
});
