// What the send path costs in each mode (docs/ARCHITECTURE.md "Cluster mode: the send path",
// docs/RELIABILITY.md "Replication"): 1,000 sequential appends through the server's MessageLog,
// on one redis-server (single mode) and on a fresh 3-master/3-replica Redis Cluster (testkit),
// with the per-user rate limit off and on (in cluster mode the user's bucket is one more round
// trip, to the user's slot) and with REDIS_WAIT_REPLICAS 0 and 1; prints p50/p99/mean ack
// latency in ms. Run: npm run build -w @chat/shared -w @chat/testkit -w @chat/server &&
// node scripts/send-path-cost.mjs [count]
import { randomUUID } from 'node:crypto';
import pino from 'pino';
import { RedisCluster, RedisServer, waitUntil } from '../packages/testkit/dist/index.js';
import serverConfig from '../apps/server/dist/config.js';
import serverBackend from '../apps/server/dist/redis/backend.js';

const count = Number(process.argv[2] ?? 1000);
const cluster = await RedisCluster.start();
const single = await RedisServer.start();
try {
  await waitUntil(
    async () => {
      const masters = (await cluster.topology()).filter((node) => node.role === 'master');
      const infos = await Promise.all(
        masters.map((m) => cluster.cli(m.port, 'INFO', 'replication')),
      );
      return infos.every((info) => info.includes('state=online'));
    },
    { timeoutMs: 30_000, intervalMs: 200, what: 'replicas online' },
  );
  const variants = [];
  for (const round of [1, 2])
    for (const mode of ['single', 'cluster'])
      for (const rate of [0, 1_000_000])
        for (const replicas of mode === 'cluster' && rate === 0 ? [0, 1] : [0])
          variants.push({ round, mode, rate, replicas });
  for (const { mode, rate, replicas } of variants) {
    const config = serverConfig.configWith({
      redisUrl: mode === 'cluster' ? cluster.url : single.url,
      redisMode: mode,
      redisWaitReplicas: replicas,
      instanceId: `send-${mode}-${rate}-${replicas}`,
      logLevel: 'silent',
    });
    const backend = serverBackend.createRedisBackend(config, pino({ level: 'silent' }), {
      onDropped: () => {},
    });
    await backend.start();
    const rooms = Array.from({ length: 30 }, () => randomUUID());
    const latencies = [];
    for (let i = 0; i < count; i += 1) {
      const started = process.hrtime.bigint();
      const result = await backend.messageLog.append(
        {
          roomId: rooms[i % rooms.length],
          userId: 'u1',
          username: 'ann',
          text: `m${i}`,
          clientId: randomUUID(),
        },
        { ratePerSec: rate, burst: rate || 1 },
      );
      latencies.push(Number(process.hrtime.bigint() - started) / 1e6);
      if (result.status !== 'stored') throw new Error(result.status);
    }
    await backend.close();
    latencies.sort((a, b) => a - b);
    const at = (q) =>
      latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))].toFixed(3);
    const mean = (latencies.reduce((a, b) => a + b, 0) / latencies.length).toFixed(3);
    console.log(
      `${mode}, rate limit ${rate ? 'on' : 'off'}, REDIS_WAIT_REPLICAS=${replicas}: ${count} sequential appends, p50 ${at(0.5)} ms, p99 ${at(0.99)} ms, mean ${mean} ms`,
    );
  }
} finally {
  await cluster.destroy();
  await single.destroy();
}
