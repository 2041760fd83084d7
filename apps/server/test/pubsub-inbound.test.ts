import { waitUntil } from '@chat/testkit';
import type { ChatServer } from '../src/server';
import { createRoom, join, send } from './support/clients';
import { useCluster } from './support/cluster';

/*
 * chat_pubsub_inbound_total{kind}: every Pub/Sub payload an instance receives from Redis,
 * counted where the subscriber receives it (issue 15's bench reads it per instance). In
 * single mode every instance hears every room's messages on MESSAGES, whether or not it has
 * a socket in the room: that is the cost the cluster mode's sharded channels remove.
 */

const cluster = useCluster({ instances: 3 });

async function inbound(server: ChatServer, kind: 'messages' | 'events'): Promise<number> {
  const { values } = await server.metrics.pubsubInbound.get();
  return values.find((value) => value.labels.kind === kind)?.value ?? 0;
}

test('single mode: every instance counts every message of a room as inbound, even one with no socket in it', async () => {
  const alice = await cluster.userOn(0);
  const bob = await cluster.userOn(1);
  const roomId = await createRoom(cluster.url(0), alice.token);
  await join(alice.socket, roomId);
  await join(bob.socket, roomId);
  const before = await Promise.all(cluster.servers.map((server) => inbound(server, 'messages')));

  for (let i = 0; i < 5; i += 1) await send(alice.socket, roomId, `counted ${i}`);
  await alice.inbox.waitFor(5);
  await bob.inbox.waitFor(5);

  // Instance 2 has no socket at all: nothing to await there but its counter.
  await waitUntil(async () => (await inbound(cluster.servers[2]!, 'messages')) - before[2]! >= 5, {
    what: 'instance 2 to count the five messages',
  });
  for (const [index, server] of cluster.servers.entries())
    expect((await inbound(server, 'messages')) - before[index]!).toBeGreaterThanOrEqual(5);
  // Presence of the two users went out on EVENTS, which every instance hears too.
  expect(await inbound(cluster.servers[2]!, 'events')).toBeGreaterThan(0);
});

test('/metrics shows the counter by kind', async () => {
  const text = await (await fetch(`${cluster.url(0)}/metrics`)).text();
  expect(text).toMatch(/^chat_pubsub_inbound_total\{[^}]*kind="messages"[^}]*\} \d+/m);
});
