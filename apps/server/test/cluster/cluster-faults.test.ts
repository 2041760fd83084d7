import { compareMessageIds, type Message } from '@chat/shared';
import { ProcessCluster, RedisCluster, waitUntil } from '@chat/testkit';
import { partitionTag, roomPartition } from '../../src/redis/room-partition';
import { createRoom, http, registerUser } from '../support/clients';
import { ResilientClient } from '../support/resilient-client';
import { Traffic } from '../support/traffic';

/*
 * Issue 15, faults of a Redis Cluster under traffic, with real processes: three server
 * instances (REDIS_MODE=cluster) on a real cluster of three masters with a replica each,
 * one resilient client per instance in one busy room.
 *   - The master serving the room's slot is killed (SIGKILL): its replica takes over after
 *     cluster-node-timeout; the instances resubscribe, clients rejoin with `after`. With
 *     REDIS_WAIT_REPLICAS=1 every acked message reached every client exactly once, in order;
 *     while the promoted master has no replica, sends are refused, until the old master
 *     restarts as its replica.
 *     Without it, acked writes the replica had not received are lost: the test measures and
 *     reports how many (often none on loopback, where replication is nearly instant), and
 *     checks that whatever was delivered was delivered once and in order.
 *   - The room's slot is migrated to another master while it is busy (MIGRATING/IMPORTING,
 *     MIGRATE, SETSLOT NODE, as `redis-cli --cluster reshard` does): ASK and MOVED are
 *     followed, the subscription moves, nothing acked is lost or duplicated.
 */

const FAST = {
  MESSAGE_RATE_PER_SEC: '0',
  RATE_LIMITS: 'off',
  PRESENCE_HEARTBEAT_MS: '300',
  PRESENCE_TTL_MS: '2000',
  PRESENCE_GRACE_MS: '0',
  REDIS_COMMAND_TIMEOUT_MS: '1000',
  SOCKET_EVENTS_PER_SEC: '0',
  REDIS_MODE: 'cluster',
};

interface Stack {
  redisCluster: RedisCluster;
  cluster: ProcessCluster;
  clients: ResilientClient[];
  roomId: string;
}

async function startStack(env: Record<string, string> = {}): Promise<Stack> {
  const redisCluster = await RedisCluster.start({ nodeTimeoutMs: 1000 });
  let cluster: ProcessCluster | undefined;
  try {
    cluster = await ProcessCluster.start({
      instances: 3,
      redis: { url: redisCluster.url },
      env: (index) => ({ ...FAST, ...env, INSTANCE_ID: `cluster-fault-${index}` }),
      killOnDestroy: true,
    });
    const { servers } = cluster;
    const users = [];
    for (const server of servers) users.push(await registerUser(server.url));
    const roomId = await createRoom(servers[0]!.url, users[0]!.token);
    const clients = users.map(
      (user, index) => new ResilientClient(servers[index]!.url, user.token, roomId),
    );
    await Promise.all(clients.map((client) => client.ready()));
    await clients[0]!.send('first', 'first');
    await Promise.all(clients.map((client) => client.waitForCount(1)));
    return { redisCluster, cluster, clients, roomId };
  } catch (error) {
    await cluster?.destroy();
    await redisCluster.destroy();
    throw error;
  }
}

async function stopStack(stack: Stack | undefined): Promise<void> {
  if (!stack) return;
  for (const client of stack.clients) client.close();
  await stack.cluster.destroy();
  await stack.redisCluster.destroy();
}

const ackedCount = (clients: ResilientClient[]) =>
  clients.reduce((sum, client) => sum + client.acked.length, 0);

/** Lets the traffic run until `count` more messages were acked in total. */
async function trafficFor(clients: ResilientClient[], count: number): Promise<void> {
  const start = ackedCount(clients);
  await waitUntil(() => ackedCount(clients) >= start + count, {
    what: `${count} more acked messages`,
    intervalMs: 10,
    timeoutMs: 60_000,
  }).catch((error: Error) => {
    const states = clients.map((client, c) => `client ${c}: ${client.describe()}`);
    throw new Error([error.message, ...states].join('\n'));
  });
}

/** The slot of the room's keys and shard channel: its partition's hash tag. */
const roomSlot = (stack: Stack) =>
  stack.redisCluster.keySlot(partitionTag(roomPartition(stack.roomId)));

/** Resolves once a master other than the one on `killedPort` serves the room's slot. */
async function replicaTookOver(stack: Stack, killedPort: number): Promise<void> {
  const slot = await roomSlot(stack);
  await waitUntil(
    // While the cluster fails over, no master serves the slot: masterOf throws, not yet.
    () =>
      stack.redisCluster.masterOf(slot).then(
        (master) => master.port !== killedPort,
        () => false,
      ),
    { what: 'the replica to take over the slot', timeoutMs: 30_000, intervalMs: 100 },
  );
}

/** Every message of the room, oldest first, as history serves it (paged, at most 1,000). */
async function history(stack: Stack): Promise<Message[]> {
  const url = stack.cluster.servers[0]!.url;
  const { token } = await registerUser(url);
  const messages: Message[] = [];
  let before = '';
  for (;;) {
    const page = await http<{ messages: Message[]; hasMore: boolean }>(
      url,
      'GET',
      `/api/rooms/${stack.roomId}/messages?limit=100${before ? `&before=${before}` : ''}`,
      { token },
    );
    messages.unshift(...page.body.messages);
    if (!page.body.hasMore || page.body.messages.length === 0) return messages;
    before = page.body.messages[0]!.id;
  }
}

describe('a Redis Cluster under traffic across three instances', () => {
  let stack: Stack | undefined;
  afterEach(async () => {
    await stopStack(stack);
    stack = undefined;
  });

  test('the room slot’s master is killed; with REDIS_WAIT_REPLICAS=1 no acked message is lost', async () => {
    stack = await startStack({ REDIS_WAIT_REPLICAS: '1', REDIS_WAIT_TIMEOUT_MS: '500' });
    const { clients, redisCluster } = stack;
    const master = await redisCluster.masterOf(await roomSlot(stack));
    const traffic = new Traffic(clients);
    traffic.start();
    await trafficFor(clients, 30);
    await redisCluster.server(master.port).kill();
    // The replica takes over after cluster-node-timeout; sends fail meanwhile and are resent.
    await replicaTookOver(stack, master.port);
    // The new master has no replica yet: sends to the room are refused (`unavailable`), not
    // acked unreplicated, until the old master comes back as its replica.
    const failedBefore = clients.reduce((sum, client) => sum + client.failedSends, 0);
    await waitUntil(
      () => clients.reduce((sum, client) => sum + client.failedSends, 0) > failedBefore,
      { what: 'a send refused while the slot has no replica' },
    );
    await redisCluster.server(master.port).launch();
    await trafficFor(clients, 30);
    const acked = await traffic.stopAndVerify();
    const stored = new Set((await history(stack)).map((message) => message.id));
    expect(acked.filter((message) => !stored.has(message.id))).toEqual([]);
  }, 120_000);

  test('the room slot’s master is killed without WAIT: the loss is measured, delivery stays exactly-once and ordered', async () => {
    stack = await startStack();
    const { clients, redisCluster } = stack;
    const master = await redisCluster.masterOf(await roomSlot(stack));
    const traffic = new Traffic(clients);
    traffic.start();
    await trafficFor(clients, 30);
    await redisCluster.server(master.port).kill();
    await replicaTookOver(stack, master.port);
    // The old master stays down here: this test measures the failover's loss; the WAIT test
    // above brings it back, as the new master's replica.
    await trafficFor(clients, 30);
    const acked = await traffic.stop();
    const stored = await history(stack);
    const storedIds = new Set(stored.map((message) => message.id));
    const lost = acked.filter((message) => !storedIds.has(message.id));
    // Reported, not asserted: how many acked writes died with the master.
    console.info(
      `cluster failover without REDIS_WAIT_REPLICAS: ${lost.length} of ${acked.length} acked messages lost; ` +
        `handshakes refused and retried: ${clients.map((client) => client.refusedHandshakes.length).join(', ')}`,
    );
    for (const client of clients) {
      const ids = client.received.map((message) => message.id);
      expect(new Set(ids).size).toBe(ids.length);
      expect([...ids].sort(compareMessageIds)).toEqual(ids);
    }
  }, 120_000);

  test('the room’s slot migrates to another master while the room is busy: nothing lost or repeated', async () => {
    stack = await startStack();
    const { clients, redisCluster } = stack;
    const slot = await roomSlot(stack);
    const source = await redisCluster.masterOf(slot);
    const target = (await redisCluster.topology()).find(
      (node) => node.role === 'master' && node.id !== source.id,
    )!;
    const traffic = new Traffic(clients);
    traffic.start();
    await trafficFor(clients, 30);
    await migrateSlot(redisCluster, slot, source, target);
    expect((await redisCluster.masterOf(slot)).id).toBe(target.id);
    await trafficFor(clients, 30);
    await traffic.stopAndVerify();
  }, 120_000);
});

/** Moves one slot with its keys, as `redis-cli --cluster reshard` does it, while clients write. */
async function migrateSlot(
  cluster: RedisCluster,
  slot: number,
  source: { id: string; port: number },
  target: { id: string; port: number },
): Promise<void> {
  await cluster.cli(target.port, 'CLUSTER', 'SETSLOT', String(slot), 'IMPORTING', source.id);
  await cluster.cli(source.port, 'CLUSTER', 'SETSLOT', String(slot), 'MIGRATING', target.id);
  for (;;) {
    const keys = (await cluster.cli(source.port, 'CLUSTER', 'GETKEYSINSLOT', String(slot), '100'))
      .split('\n')
      .filter((key) => key !== '');
    if (keys.length === 0) break;
    await cluster.cli(
      source.port,
      'MIGRATE',
      '127.0.0.1',
      String(target.port),
      '',
      '0',
      '5000',
      'REPLACE',
      'KEYS',
      ...keys,
    );
  }
  for (const node of await cluster.topology()) {
    if (node.role !== 'master' || node.failing) continue;
    await cluster.cli(node.port, 'CLUSTER', 'SETSLOT', String(slot), 'NODE', target.id);
  }
  await cluster.waitHealthy();
}
