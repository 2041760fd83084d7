import type { Message } from '@chat/shared';
import { call, http, join, nextEvent, registerUser, send } from '../support/clients';
import { topologies, useCluster } from '../support/cluster';
import { leave, listedRoomIds, members, openDm } from './calls';

/*
 * A DM cannot be left, only hidden (issue 14): POST /api/rooms/:id/leave on a DM takes it
 * out of the caller's list and their sockets get `room:removed` on every instance, but they
 * stay a member (history, joining and the member list still work) and the partner sees no
 * change. The partner's next message brings it back: in the list, and live, as `room:added`
 * to the hider's sockets, also to one that connected after the hide. Opening the DM again
 * (POST /api/dms) shows it too.
 */

describe.each(topologies())('%s', (_name, topology) => {
  const cluster = useCluster(topology);
  const { userOn, socketOn } = cluster;

  test('hiding takes the DM out of the hider’s list only; the next message brings it back, live', async () => {
    const alice = await userOn(1); // the hider; alice.socket on instance 1
    const aliceOn0 = await socketOn(0, alice.token);
    const bob = await userOn(0);
    const dm = await openDm(cluster.url(0), bob.token, alice.user.username);
    await join(alice.socket, dm.id);
    await join(bob.socket, dm.id);
    const first = await send(bob.socket, dm.id, 'hi alice');
    await alice.inbox.waitFor(1);

    const removed = [nextEvent(alice.socket, 'room:removed'), nextEvent(aliceOn0, 'room:removed')];
    expect((await leave(cluster.url(0), alice.token, dm.id)).status).toBe(204);
    expect(await Promise.all(removed)).toEqual([{ roomId: dm.id }, { roomId: dm.id }]);

    for (const index of [0, 1]) {
      expect(await listedRoomIds(cluster.url(index), alice.token)).not.toContain(dm.id);
      expect(await listedRoomIds(cluster.url(index), bob.token)).toContain(dm.id);
    }
    // Still a member: the hider reads it, lists its members; the partner's view is unchanged.
    const history = await http<{ messages: Message[] }>(
      cluster.url(1),
      'GET',
      `/api/rooms/${dm.id}/messages`,
      { token: alice.token },
    );
    expect(history).toEqual({ status: 200, body: { messages: [first], hasMore: false } });
    for (const who of [alice, bob])
      expect(new Set((await members(cluster.url(1), who.token, dm.id)).body.members)).toEqual(
        new Set([alice.user, bob.user]),
      );

    const back = [alice.socket, aliceOn0].map((socket) => nextEvent(socket, 'room:added'));
    const second = await send(bob.socket, dm.id, 'still there?');
    expect((await Promise.all(back)).map((room) => room.id)).toEqual([dm.id, dm.id]);
    // The hider's socket had been taken out of the DM: `room:added` came, not the message.
    expect(alice.inbox.messages).toEqual([first]);
    expect(await listedRoomIds(cluster.url(0), alice.token)).toContain(dm.id);

    // The web app watches it again: joining works (a member all along), with what was missed.
    expect((await join(alice.socket, dm.id, first.id)).missed).toEqual([second]);
  });

  test('a DM hidden before its first message comes back with the first one, also to a socket opened since', async () => {
    const carol = await registerUser(cluster.url(1)); // no socket anywhere while she hides it
    const dave = await userOn(0);
    const dm = await openDm(cluster.url(1), carol.token, dave.user.username);
    expect((await leave(cluster.url(1), carol.token, dm.id)).status).toBe(204);
    expect(await listedRoomIds(cluster.url(0), carol.token)).not.toContain(dm.id);

    const carolSocket = await socketOn(1, carol.token);
    const back = nextEvent(carolSocket, 'room:added');
    await join(dave.socket, dm.id);
    await send(dave.socket, dm.id, 'first words');
    expect((await back).id).toBe(dm.id);
    expect(await listedRoomIds(cluster.url(0), carol.token)).toContain(dm.id);
  });

  test('opening a hidden DM again shows it, on the hider’s other sockets too', async () => {
    const erin = await userOn(0);
    const erinOn1 = await socketOn(1, erin.token);
    const frank = await userOn(1);
    const dm = await openDm(cluster.url(0), erin.token, frank.user.username);
    expect((await leave(cluster.url(0), erin.token, dm.id)).status).toBe(204);
    expect(await listedRoomIds(cluster.url(0), erin.token)).not.toContain(dm.id);

    const shown = nextEvent(erinOn1, 'room:added');
    expect((await openDm(cluster.url(0), erin.token, frank.user.username)).id).toBe(dm.id);
    expect((await shown).id).toBe(dm.id);
    expect(await listedRoomIds(cluster.url(1), erin.token)).toContain(dm.id);
    // Hiding it again hides it again.
    expect((await leave(cluster.url(1), erin.token, dm.id)).status).toBe(204);
    expect(await listedRoomIds(cluster.url(1), erin.token)).not.toContain(dm.id);
    expect(await call(erin.socket, 'room:join', { roomId: dm.id })).toMatchObject({ ok: true });
  });

  test('a full page of hidden DMs does not end the room list early', async () => {
    const grace = await userOn(0);
    const partners = [await userOn(1), await userOn(1), await userOn(1)];
    const dms = [];
    for (const partner of partners)
      dms.push(await openDm(cluster.url(0), grace.token, partner.user.username));
    for (const dm of dms.slice(0, 2))
      expect((await leave(cluster.url(0), grace.token, dm.id)).status).toBe(204);
    // Pages of one room: the two hidden DMs are skipped, the third still comes.
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await http<{ rooms: { id: string }[]; nextCursor?: string }>(
        cluster.url(1),
        'GET',
        `/api/rooms?limit=1${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
        { token: grace.token },
      );
      seen.push(...page.body.rooms.map((room) => room.id));
      cursor = page.body.nextCursor;
    } while (cursor && seen.length < 1000);
    expect(seen).toContain(dms[2]!.id);
    expect(seen).not.toContain(dms[0]!.id);
    expect(seen).not.toContain(dms[1]!.id);
  });
});
