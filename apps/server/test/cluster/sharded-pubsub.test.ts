import type { Message } from '@chat/shared';
import { waitUntil } from '@chat/testkit';
import { redisChannels } from '../../src/redis/keys';
import type { ChatServer } from '../../src/server';
import { call, createRoom, http, join, nextEvent, send } from '../support/clients';
import { useCluster, type ClusterFixture } from '../support/cluster';

/*
 * Issue 15, REDIS_MODE=cluster: sharded Pub/Sub by interest on a real Redis Cluster. An
 * instance hears a room only while it has a socket in it (and a grace period after), a user's
 * events only while the user has a socket there; a join with `after` on an instance that did
 * not hear the room gets every message once across the subscribe/catch-up window.
 */

/** What the instance's subscriber received so far, of `kind` (chat_pubsub_inbound_total). */
async function inbound(server: ChatServer, kind: 'messages' | 'events'): Promise<number> {
  const { values } = await server.metrics.pubsubInbound.get();
  return values.find((value) => value.labels.kind === kind)?.value ?? 0;
}

/** Subscribers of the room's shard channel on the master of its slot (PUBSUB SHARDNUMSUB). */
async function shardSubscribers(cluster: ClusterFixture, roomId: string): Promise<number> {
  const channel = redisChannels('chat:', 'cluster').room(roomId);
  const redis = cluster.redisCluster;
  const master = await redis.masterOf(await redis.keySlot(channel));
  const reply = await redis.cli(master.port, 'PUBSUB', 'SHARDNUMSUB', channel);
  return Number(reply.split('\n')[1]);
}

describe('sharded Pub/Sub by interest', () => {
  const cluster = useCluster({
    instances: 2,
    redis: { cluster: true },
    config: { interestGraceMs: 1500 },
  });
  const { userOn } = cluster;

  test('an instance with no socket in a room receives none of its traffic, and all of it once a socket joins there', async () => {
    const sender = await userOn(0);
    const listener = await userOn(1);
    const roomId = await createRoom(cluster.url(0), sender.token);
    await join(sender.socket, roomId);
    const before = await inbound(cluster.servers[1]!, 'messages');
    const sent: Message[] = [];
    for (let i = 0; i < 20; i += 1) sent.push(await send(sender.socket, roomId, `busy ${i}`));
    // Instance 0 heard all 20 (its own socket is in the room): the traffic flowed.
    await waitUntil(async () => (await inbound(cluster.servers[0]!, 'messages')) >= 20, {
      what: 'instance 0 to hear its room',
    });
    expect(await inbound(cluster.servers[1]!, 'messages')).toBe(before);
    expect(await shardSubscribers(cluster, roomId)).toBe(1);

    await join(listener.socket, roomId);
    expect(await shardSubscribers(cluster, roomId)).toBe(2);
    const next = await send(sender.socket, roomId, 'now heard');
    expect((await listener.inbox.waitFor(1)).map((message) => message.id)).toEqual([next.id]);
    expect(await inbound(cluster.servers[1]!, 'messages')).toBe(before + 1);
  });

  test('after the last socket leaves, the instance unsubscribes once the grace period is over, not before', async () => {
    const watchedRooms = async () =>
      (await cluster.servers[1]!.metrics.watched.get()).values.find(
        (value) => value.labels.kind === 'rooms',
      )?.value ?? 0;
    // The rooms of the tests before have their own grace periods to run out first.
    await waitUntil(async () => (await watchedRooms()) === 0, { what: 'no room held on 1' });
    const owner = await userOn(0);
    const visitor = await userOn(1);
    const roomId = await createRoom(cluster.url(0), owner.token);
    await join(visitor.socket, roomId);
    expect(await shardSubscribers(cluster, roomId)).toBe(1);
    const held = await watchedRooms();
    expect(held).toBe(1);

    expect(await call(visitor.socket, 'room:leave', { roomId })).toEqual({ ok: true });
    // Within the 1.5 s grace period: still subscribed, still counted.
    expect(await shardSubscribers(cluster, roomId)).toBe(1);
    expect(await watchedRooms()).toBe(held);
    await waitUntil(async () => (await shardSubscribers(cluster, roomId)) === 0, {
      what: 'the shard channel to lose its subscriber after the grace period',
    });
    expect(await watchedRooms()).toBe(held - 1);
  });

  test('a rejoin within the grace period keeps the subscription (no churn)', async () => {
    const owner = await userOn(0);
    const visitor = await userOn(1);
    const roomId = await createRoom(cluster.url(0), owner.token);
    await join(owner.socket, roomId);
    await join(visitor.socket, roomId);
    // Counts what instance 1 asks of its backend's LiveInterest for this room.
    const interest = cluster.servers[1]!.backend.interest;
    const calls: string[] = [];
    const { watchRoom, unwatchRoom } = interest;
    interest.watchRoom = (id) => (
      id === roomId && calls.push('watch'),
      watchRoom.call(interest, id)
    );
    interest.unwatchRoom = (id) => (
      id === roomId && calls.push('unwatch'),
      unwatchRoom.call(interest, id)
    );
    await call(visitor.socket, 'room:leave', { roomId });
    await join(visitor.socket, roomId);
    const message = await send(owner.socket, roomId, 'still heard');
    expect((await visitor.inbox.waitFor(1)).map((m) => m.id)).toEqual([message.id]);
    interest.watchRoom = watchRoom;
    interest.unwatchRoom = unwatchRoom;
    // The rejoin found the subscription still held: no SUNSUBSCRIBE in between.
    expect(calls).toEqual(['watch']);
    expect(await shardSubscribers(cluster, roomId)).toBe(2);
  });

  test('a join with `after` on an instance that did not hear the room gets every message exactly once while another instance sends', async () => {
    const sender = await userOn(0);
    const late = await userOn(1);
    const roomId = await createRoom(cluster.url(0), sender.token);
    await join(sender.socket, roomId);
    const first = await send(sender.socket, roomId, 'before');
    const sent: string[] = [];
    let sending = true;
    const sending$ = (async () => {
      for (let i = 0; sending || i < 30; i += 1)
        sent.push((await send(sender.socket, roomId, `m${i}`)).id);
    })();
    await waitUntil(() => sent.length >= 10, { what: 'traffic before the join' });
    const ack = await join(late.socket, roomId, first.id);
    sending = false;
    await sending$;
    const live = await late.inbox.waitFor(sent.length - ack.missed.length);
    const seen = [...ack.missed.map((m) => m.id), ...live.map((m) => m.id)];
    expect(seen).toEqual(sent);
  });

  test("user events reach the user's sockets on another instance: room:read, and a revoked session disconnects", async () => {
    const user = await userOn(1);
    const other = await cluster.socketOn(0, user.token);
    const owner = await userOn(0);
    const roomId = await createRoom(cluster.url(0), owner.token);
    await join(owner.socket, roomId);
    await join(other, roomId);
    const message = await send(owner.socket, roomId, 'read me');
    const read = nextEvent(user.socket, 'room:read');
    expect(await call(other, 'room:read', { roomId, messageId: message.id })).toEqual({ ok: true });
    expect(await read).toEqual({ roomId, messageId: message.id });

    const gone = new Promise<string>((resolve) => user.socket.once('disconnect', resolve));
    const response = await http(cluster.url(0), 'POST', '/api/auth/logout', { token: user.token });
    expect(response.status).toBe(204);
    expect(await gone).toBe('io server disconnect');
  });
});
