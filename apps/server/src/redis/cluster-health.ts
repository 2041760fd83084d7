import type { Cluster } from 'ioredis';

/** Slots of a Redis Cluster. */
const SLOTS = 16384;

/**
 * /readyz in cluster mode (issue 15): resolves when every slot has a master in the client's
 * slot map that this instance reaches (each master answers PING), so that a send to any room
 * can be stored now. During a failover (a master died and its replica is not promoted yet,
 * or the slot map still names the dead one) it rejects: the instance says "not ready"
 * honestly instead of failing the sends of a third of its rooms.
 */
export async function clusterHealth(cluster: Cluster): Promise<void> {
  const masters = cluster.nodes('master');
  if (masters.length === 0) throw new Error('no redis cluster master known');
  await Promise.all(masters.map((node) => node.ping()));
  const reachable = new Set(masters.map(({ options }) => `${options.host}:${options.port}`));
  for (let slot = 0; slot < SLOTS; slot += 1) {
    const owner = cluster.slots[slot]?.[0];
    if (owner === undefined || !reachable.has(owner))
      throw new Error(`slot ${slot} has no reachable master`);
  }
}
