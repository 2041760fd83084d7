import { createRoom, http } from '../support/clients';
import { topologies, useCluster } from '../support/cluster';
import { addMember, members, openDm } from './calls';

/*
 * GET /api/rooms/:id/members (issue 14): a private room's or DM's members, to its members
 * only; a public room has no member list; the usual 401 and 404; the list reflects adds on
 * every instance.
 */

describe.each(topologies())('%s', (_name, topology) => {
  const cluster = useCluster(topology);
  const { userOn } = cluster;
  const error = (code: string) => ({ error: { code, message: expect.any(String) } });

  test('a member sees every member, on any instance; a non-member gets 403 and learns nothing', async () => {
    const [owner, friend, outsider] = [await userOn(0), await userOn(1), await userOn(1)];
    const roomId = await createRoom(cluster.url(0), owner.token, 'Secret plans', 'private');
    expect(
      (await addMember(cluster.url(0), owner.token, roomId, friend.user.username)).status,
    ).toBe(204);

    for (const [index, who] of [owner, friend].entries()) {
      const listed = await members(cluster.url(1 - index), who.token, roomId);
      expect(listed.status).toBe(200);
      expect(new Set(listed.body.members)).toEqual(new Set([owner.user, friend.user]));
      // The same order on every call (id order).
      expect(listed.body.members.map((user) => user.id)).toEqual(
        [owner.user.id, friend.user.id].sort(),
      );
    }

    const refused = await members(cluster.url(1), outsider.token, roomId);
    expect(refused).toEqual({ status: 403, body: error('forbidden') });
    expect(JSON.stringify(refused.body)).not.toContain('Secret plans');
  });

  test('a DM lists its two users to either of them', async () => {
    const [alice, bob] = [await userOn(0), await userOn(1)];
    const dm = await openDm(cluster.url(0), alice.token, bob.user.username);
    const listed = await members(cluster.url(1), bob.token, dm.id);
    expect(listed.status).toBe(200);
    expect(new Set(listed.body.members)).toEqual(new Set([alice.user, bob.user]));
  });

  test('a public room has no member list (403); unknown rooms 404; no token 401; bad ids 400 or 404', async () => {
    const user = await userOn(0);
    const publicRoom = await createRoom(cluster.url(0), user.token);
    expect(await members(cluster.url(1), user.token, publicRoom)).toEqual({
      status: 403,
      body: error('forbidden'),
    });
    expect(
      await members(cluster.url(1), user.token, '00000000-0000-4000-8000-000000000000'),
    ).toEqual({ status: 404, body: error('not_found') });
    expect(await members(cluster.url(1), undefined, publicRoom)).toEqual({
      status: 401,
      body: error('unauthorized'),
    });
    // An id longer than any id: invalid input; one that is not a UUID: names nothing.
    const tooLong = await http(cluster.url(0), 'GET', `/api/rooms/${'x'.repeat(65)}/members`, {
      token: user.token,
    });
    expect(tooLong).toEqual({ status: 400, body: error('invalid_input') });
    expect(await members(cluster.url(0), user.token, `${publicRoom}:members`)).toEqual({
      status: 404,
      body: error('not_found'),
    });
  });
});
