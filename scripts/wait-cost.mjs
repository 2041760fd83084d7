// The cost of REDIS_WAIT_REPLICAS (docs/RELIABILITY.md): 1,000 sequential appends through the
// server's MessageLog on a fresh 3-master/3-replica Redis Cluster (testkit), with WAIT 0 and 1;
// prints p50/p99/mean ack latency in ms. Run: npm run build -w @chat/shared -w @chat/testkit
// -w @chat/server && node scripts/wait-cost.mjs [count]
import { randomUUID } from 'node:crypto';
import pino from 'pino';
import { RedisCluster, waitUntil } from '../packages/testkit/dist/index.js';
import serverConfig from '../apps/server/dist/config.js';
import serverBackend from '../apps/server/dist/redis/backend.js';

const count = Number(process.argv[2] ?? 1000);
const cluster = await RedisCluster.start();
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
  for (const replicas of [0, 1, 0, 1]) {
    const config = serverConfig.configWith({
      redisUrl: cluster.url,
      redisMode: 'cluster',
      redisWaitReplicas: replicas,
      instanceId: `wait-${replicas}`,
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
        { ratePerSec: 0, burst: 1 },
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
      `REDIS_WAIT_REPLICAS=${replicas}: ${count} sequential appends, p50 ${at(0.5)} ms, p99 ${at(0.99)} ms, mean ${mean} ms`,
    );
  }
} finally {
  await cluster.destroy();
}
