import { RedisCluster, waitUntil } from '@chat/testkit';

/*
 * The test kit's Redis Cluster, which the fault tests kill masters of: it is ready only once
 * every replica holds its master's data. A replica still in its first sync (Redis 7 waits 5 s
 * before a diskless one by default) takes over empty when its master dies, and a fault test then
 * measures lost sessions and rooms instead of the failover it means to (a fresh-clone CI run of
 * the no-WAIT failover test saw exactly that: `unauthorized` and joins that never succeeded).
 */

let cluster: RedisCluster;
beforeAll(async () => {
  cluster = await RedisCluster.start({ nodeTimeoutMs: 1000 });
}, 60_000);
afterAll(() => cluster.destroy());

test('once started, every replica has finished its first sync from its master', async () => {
  const replicas = (await cluster.topology()).filter((node) => node.role !== 'master');
  expect(replicas).toHaveLength(3);
  for (const replica of replicas) {
    const info = await cluster.cli(replica.port, 'INFO', 'replication');
    expect(info).toContain('master_link_status:up');
    expect(info).toContain('master_sync_in_progress:0');
  }
});

test('a master killed right after start leaves what it stored to the replica that takes over', async () => {
  const key = 'kept-across-failover';
  const slot = await cluster.keySlot(key);
  const master = await cluster.masterOf(slot);
  await cluster.cli(master.port, 'SET', key, 'value');
  // WAIT blocks until the replica acknowledged the write (no timeout: the replica is synced).
  expect(await cluster.cli(master.port, 'WAIT', '1', '0')).toBe('1');
  await cluster.server(master.port).kill();
  let promoted = master;
  await waitUntil(
    () =>
      cluster.masterOf(slot).then(
        (node) => {
          promoted = node;
          return node.port !== master.port;
        },
        () => false,
      ),
    { what: 'the replica to take over', timeoutMs: 30_000, intervalMs: 100 },
  );
  expect(await cluster.cli(promoted.port, 'GET', key)).toBe('value');
}, 60_000);
