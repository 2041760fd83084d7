import { call, createRoom, join, send } from '../support/clients';
import { topologies, useCluster } from '../support/cluster';

/*
 * Message dedupe was keyed by (user, clientId) only, so a client that reused a
 * clientId in a second room got back the first room's message and its text
 * was never stored; the key is now (user, room, clientId) in both twins.
 */

describe.each(topologies())('%s', (_name, options) => {
  const cluster = useCluster(options);

  test('the same clientId in two rooms stores two messages; a resend in one returns its original', async () => {
    const alice = await cluster.userOn(0);
    const first = await createRoom(cluster.url(0), alice.token);
    const second = await createRoom(cluster.url(0), alice.token);
    await join(alice.socket, first);
    await join(alice.socket, second);

    const inFirst = await send(alice.socket, first, 'to the first room', 'same-id');
    const inSecond = await send(alice.socket, second, 'to the second room', 'same-id');
    expect(inSecond).toMatchObject({ roomId: second, text: 'to the second room' });
    expect(inSecond.id).not.toBe(inFirst.id);

    const resent = await call(alice.socket, 'message:send', {
      roomId: first,
      text: 'resent after a lost ack',
      clientId: 'same-id',
    });
    expect(resent).toEqual({ ok: true, message: inFirst });
    // Each room holds exactly its own message, once.
    for (const [roomId, message] of [
      [first, inFirst],
      [second, inSecond],
    ] as const) {
      const history = await fetch(`${cluster.url(1)}/api/rooms/${roomId}/messages`, {
        headers: { authorization: `Bearer ${alice.token}` },
      });
      expect(((await history.json()) as { messages: unknown[] }).messages).toEqual([message]);
    }
  });
});
