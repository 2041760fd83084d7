import calculateSlot from 'cluster-key-slot';
import { Cluster, type Redis } from 'ioredis';
import { AppError } from '../chat/app-error';
import type { RedisClient } from './connection';
import type { RedisKeys } from './keys';
import { redisCall } from './unavailable';

/**
 * REDIS_WAIT_REPLICAS (issue 15, docs/RELIABILITY.md "Replication and REDIS_WAIT_REPLICAS"):
 * after a write of a room (a stored message, a change), WAIT until `replicas` replicas
 * acknowledged it, for at most `timeoutMs`; fewer in time and the send fails with
 * `unavailable` ("not yet replicated; resend"): the message is stored, and the client's resend
 * with the same clientId answers it, once replicated. With 0 (default) nothing is waited for.
 *
 * WAIT counts what the connection it runs on wrote last, so it runs on the connection that
 * wrote: the shared command connection (single mode), or the connection of the room's slot's
 * master (cluster mode, where ioredis sent the script). WAIT blocks that connection while it
 * waits (a replication round trip, well under a millisecond on one machine; the timeout on a
 * replica's death): commands queued behind it on the same connection wait as long.
 */
export interface ReplicaWait {
  /** After the room's write on this instance's connection. */
  afterWrite(roomId: string): Promise<void>;
  /**
   * After a read answered a write made earlier, maybe on another connection (a deduplicated
   * resend whose original's WAIT timed out): first a write of its own to the room's slot (a
   * marker key), so that the WAIT covers everything the master had before it, the original
   * included; both in one round trip.
   */
  afterRead(roomId: string): Promise<void>;
}

export const noReplicaWait: ReplicaWait = {
  afterWrite: () => Promise.resolve(),
  afterRead: () => Promise.resolve(),
};

export function replicaWait(
  redis: RedisClient,
  keys: RedisKeys,
  options: { replicas: number; timeoutMs: number; instanceId: string },
): ReplicaWait {
  const { replicas, timeoutMs } = options;
  if (replicas <= 0) return noReplicaWait;
  const check = (acked: unknown) => {
    if (Number(acked) < replicas)
      throw new AppError('unavailable', 'not yet replicated; resend', timeoutMs);
  };
  return {
    async afterWrite(roomId) {
      const node = writerOf(redis, keys.roomMessages(roomId));
      check(await redisCall(() => node.wait(replicas, timeoutMs)));
    },
    async afterRead(roomId) {
      const node = writerOf(redis, keys.replicationMark(roomId));
      const replies = await redisCall(async () => {
        const results = await node
          .pipeline()
          .set(keys.replicationMark(roomId), options.instanceId, 'PX', 60_000)
          .wait(replicas, timeoutMs)
          .exec();
        if (!results) throw new Error('pipeline aborted');
        for (const [error] of results) if (error) throw error;
        return results;
      });
      check(replies[1]![1]);
    },
  };
}

/**
 * The connection a write of `key` went through: the one connection (single mode), or the node
 * connection of the key's slot's master in ioredis's slot map (cluster mode: where it routed
 * the script; after a MOVED it updated the map, so this is where the write landed).
 */
function writerOf(redis: RedisClient, key: string): Redis {
  if (!(redis instanceof Cluster)) return redis;
  const owner = redis.slots[calculateSlot(key)]?.[0];
  const node = redis
    .nodes('master')
    .find(({ options }) => `${options.host}:${options.port}` === owner);
  if (!node)
    throw new AppError('unavailable', 'the Redis node of the room is not known yet; resend');
  return node;
}
