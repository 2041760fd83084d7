import type { Room, RoomsResponse } from '@chat/shared';
import { call, createRoom, http, join, nextEvent, uniqueName } from './support/clients';
import { topologies, useCluster } from './support/cluster';

/*
 * Who may see what: private rooms and DMs are visible, joinable, readable and
 * writable by their members only, on every instance; nothing about them leaks
 * to others, not even their name. Membership changes reach the added user's
 * sockets wherever they are connected.
 */

describe.each(topologies())('%s', (_name, topology) => {
  const cluster = useCluster(topology);

  const { userOn } = cluster;
  const forbidden = { ok: false, error: { code: 'forbidden', message: expect.any(String) } };

  test('a non-member can neither list, join, read nor send to a private room, and learns nothing of it', async () => {
    const owner = await userOn(0);
    const outsider = await userOn(1);
    const secretName = uniqueName('Secret');
    const roomId = await createRoom(cluster.url(0), owner.token, secretName, 'private');

    const outsiderRooms = await http<RoomsResponse>(cluster.url(1), 'GET', '/api/rooms', {
      token: outsider.token,
    });
    expect(outsiderRooms.body.rooms.map((room) => room.id)).not.toContain(roomId);
    const ownerRooms = await http<RoomsResponse>(cluster.url(1), 'GET', '/api/rooms', {
      token: owner.token,
    });
    expect(ownerRooms.body.rooms.find((room) => room.id === roomId)).toMatchObject({
      kind: 'private',
      unread: 0,
    });

    const joinAck = await call(outsider.socket, 'room:join', { roomId });
    expect(joinAck).toEqual(forbidden);
    const sendAck = await call(outsider.socket, 'message:send', {
      roomId,
      text: 'let me in',
      clientId: 'x',
    });
    expect(sendAck).toEqual(forbidden);
    const history = await http(cluster.url(1), 'GET', `/api/rooms/${roomId}/messages`, {
      token: outsider.token,
    });
    expect(history.status).toBe(403);
    const addSelf = await http(cluster.url(1), 'POST', `/api/rooms/${roomId}/members`, {
      token: outsider.token,
      body: { username: outsider.user.username },
    });
    expect(addSelf.status).toBe(403);

    for (const leaked of [joinAck, sendAck, history.body, addSelf.body]) {
      expect(JSON.stringify(leaked)).not.toContain(secretName);
    }
  });

  test('guessing room ids gets not_found for unknown ids and forbidden for private ones, nothing else', async () => {
    const owner = await userOn(0);
    const guesser = await userOn(1);
    const roomId = await createRoom(cluster.url(0), owner.token, uniqueName('hidden'), 'private');
    for (const guess of [
      '1',
      'general',
      '00000000-0000-0000-0000-000000000000',
      roomId.replace(/.$/, '0'),
    ]) {
      if (guess === roomId) continue;
      expect(await call(guesser.socket, 'room:join', { roomId: guess })).toEqual({
        ok: false,
        error: { code: 'not_found', message: expect.any(String) },
      });
    }
    expect(await call(guesser.socket, 'room:join', { roomId })).toEqual(forbidden);
  });

  test('a member adds someone: they get room:added on their instance, then may join and read', async () => {
    const owner = await userOn(0);
    const friend = await userOn(1);
    const roomId = await createRoom(cluster.url(0), owner.token, uniqueName('club'), 'private');

    const added = nextEvent(friend.socket, 'room:added');
    const response = await http(cluster.url(0), 'POST', `/api/rooms/${roomId}/members`, {
      token: owner.token,
      body: { username: friend.user.username.toUpperCase() },
    });
    expect(response.status).toBe(204);
    expect(await added).toMatchObject({ id: roomId, kind: 'private' });

    expect((await join(friend.socket, roomId)).room.id).toBe(roomId);
    const history = await http(cluster.url(1), 'GET', `/api/rooms/${roomId}/messages`, {
      token: friend.token,
    });
    expect(history.status).toBe(200);
    const friendRooms = await http<RoomsResponse>(cluster.url(1), 'GET', '/api/rooms', {
      token: friend.token,
    });
    expect(friendRooms.body.rooms.map((room) => room.id)).toContain(roomId);
  });

  test('adding members: unknown user 404, unknown room 404, public room 403, bad body 400', async () => {
    const owner = await userOn(0);
    const roomId = await createRoom(cluster.url(0), owner.token, uniqueName('p'), 'private');
    const publicRoom = await createRoom(cluster.url(0), owner.token);
    const add = (id: string, body: unknown) =>
      http(cluster.url(1), 'POST', `/api/rooms/${id}/members`, { token: owner.token, body });
    expect((await add(roomId, { username: uniqueName('ghost') })).status).toBe(404);
    expect((await add('no-such-room', { username: owner.user.username })).status).toBe(404);
    expect((await add(publicRoom, { username: owner.user.username })).status).toBe(403);
    expect((await add(roomId, { username: 'x' })).status).toBe(400);
    expect((await add(roomId, { username: owner.user.username })).status).toBe(204);
  });

  test('both users opening their DM at the same moment on two instances get one room', async () => {
    const alice = await userOn(0);
    const bob = await userOn(1);
    // Whichever of the two creates the DM, the other is told: listen on both before asking.
    const added = Promise.race([
      nextEvent(alice.socket, 'room:added'),
      nextEvent(bob.socket, 'room:added'),
    ]);
    const [fromAlice, fromBob] = await Promise.all([
      http<{ room: Room }>(cluster.url(0), 'POST', '/api/dms', {
        token: alice.token,
        body: { username: bob.user.username },
      }),
      http<{ room: Room }>(cluster.url(1), 'POST', '/api/dms', {
        token: bob.token,
        body: { username: alice.user.username },
      }),
    ]);
    expect(fromAlice.status).toBe(200);
    expect(fromBob.status).toBe(200);
    expect(fromAlice.body.room.id).toBe(fromBob.body.room.id);
    expect(fromAlice.body.room.kind).toBe('dm');
    const again = await http<{ room: Room }>(cluster.url(1), 'POST', '/api/dms', {
      token: alice.token,
      body: { username: bob.user.username },
    });
    expect(again.body.room).toEqual(fromAlice.body.room);

    const dmId = fromAlice.body.room.id;
    expect((await added).id).toBe(dmId);
    for (const user of [alice, bob]) {
      const rooms = await http<RoomsResponse>(cluster.url(0), 'GET', '/api/rooms', {
        token: user.token,
      });
      expect(rooms.body.rooms.filter((room) => room.id === dmId)).toHaveLength(1);
    }
    const eve = await userOn(0);
    expect(await call(eve.socket, 'room:join', { roomId: dmId })).toEqual(forbidden);
    expect(
      (await http(cluster.url(0), 'GET', `/api/rooms/${dmId}/messages`, { token: eve.token }))
        .status,
    ).toBe(403);
  });

  test('DMs: unknown user 404, yourself 400', async () => {
    const alice = await userOn(0);
    const dm = (username: string) =>
      http(cluster.url(0), 'POST', '/api/dms', { token: alice.token, body: { username } });
    expect((await dm(uniqueName('ghost'))).status).toBe(404);
    expect((await dm(alice.user.username)).status).toBe(400);
  });

  test('room:created reaches every socket on every instance for public rooms only', async () => {
    const creator = await userOn(0);
    const watcherHere = await userOn(0);
    const watcherThere = await userOn(1);
    const events = [
      nextEvent(watcherHere.socket, 'room:created'),
      nextEvent(watcherThere.socket, 'room:created'),
    ];
    const privateRoom = await createRoom(
      cluster.url(0),
      creator.token,
      uniqueName('quiet'),
      'private',
    );
    const publicRoom = await createRoom(cluster.url(0), creator.token);
    // The first room:created each watcher sees is the public one: the private one was never announced.
    for (const created of await Promise.all(events)) {
      expect(created.id).toBe(publicRoom);
      expect(created.id).not.toBe(privateRoom);
    }
  });
});
