import { waitUntil } from '@chat/testkit';
import { Redis } from 'ioredis';
import { redisKeys } from '../../src/redis/keys';
import { call, createRoom, join, send } from '../support/clients';
import { useCluster } from '../support/cluster';

/*
 * Issue 15, REDIS_WAIT_REPLICAS on a real Redis Cluster (three masters, a replica each): a send
 * is acked once the replica of its room's slot has it; asking for more replicas than there are
 * fails the send with `unavailable` within REDIS_WAIT_TIMEOUT_MS (the message is stored: the
 * resend with the same clientId answers it, and fails the same way until replicated).
 */

describe('REDIS_WAIT_REPLICAS=1', () => {
  const cluster = useCluster({
    instances: 1,
    redis: { cluster: true },
    config: { redisWaitReplicas: 1, redisWaitTimeoutMs: 2000 },
  });

  // A fresh cluster's replicas need a few seconds (the master's diskless sync delay) to be online.
  beforeAll(async () => {
    const redis = cluster.redisCluster;
    await waitUntil(
      async () => {
        const masters = (await redis.topology()).filter((node) => node.role === 'master');
        const infos = await Promise.all(
          masters.map((m) => redis.cli(m.port, 'INFO', 'replication')),
        );
        return infos.every((info) => info.includes('state=online'));
      },
      { timeoutMs: 20_000, intervalMs: 200, what: 'every replica to be online' },
    );
  });

  test('a send is acked once the replica of its slot has it', async () => {
    const { socket, token } = await cluster.userOn(0);
    const roomId = await createRoom(cluster.url(0), token);
    await join(socket, roomId);
    const message = await send(socket, roomId, 'replicated');
    const stream = redisKeys('chat:', 'cluster').roomMessages(roomId);
    const redis = cluster.redisCluster;
    const master = await redis.masterOf(await redis.keySlot(stream));
    const replica = (await redis.topology()).find((node) => node.masterId === master.id)!;
    const reader = new Redis({ port: replica.port, lazyConnect: true });
    try {
      await reader.connect();
      await reader.readonly();
      // Read right after the ack, no waiting: WAIT already made sure the replica has it.
      const entries = await reader.xrange(stream, message.id, message.id);
      expect(entries.map(([id]) => id)).toEqual([message.id]);
    } finally {
      reader.disconnect();
    }
  });
});

describe('REDIS_WAIT_REPLICAS=2 with one replica per master', () => {
  const cluster = useCluster({
    instances: 1,
    redis: { cluster: true },
    config: { redisWaitReplicas: 2, redisWaitTimeoutMs: 300 },
  });

  test('the send fails with unavailable within the timeout, and so does its resend', async () => {
    const { socket, token } = await cluster.userOn(0);
    const roomId = await createRoom(cluster.url(0), token);
    await join(socket, roomId);
    const payload = { roomId, text: 'not enough replicas', clientId: 'wait-1' };
    const started = Date.now();
    const ack = await call(socket, 'message:send', payload);
    expect(ack).toEqual({
      ok: false,
      error: { code: 'unavailable', message: 'not yet replicated; resend', retryAfterMs: 300 },
    });
    expect(Date.now() - started).toBeLessThan(5000);
    // The dedupe path waits too: the stored original is not answered as acked.
    expect(await call(socket, 'message:send', payload)).toMatchObject({
      ok: false,
      error: { code: 'unavailable' },
    });
  });
});
