// What one append costs Redis (issue 16, docs/BENCHMARKS.md "A cheaper append"): appends
// through the server's MessageLog on a fresh redis-server of its own, with two more
// subscribers on MESSAGES (three instances' worth of Pub/Sub copies), rate limit on, 80-character
// texts over 60 rooms as in `npm run bench -- rooms`; then INFO commandstats: microseconds per
// call of the script (its nested commands included) and of each nested command. Pipelines
// `--concurrency` appends at a time (default 8) so that the figure is Redis's, not the
// round trip's. Run: npm run build -w @chat/shared -w @chat/testkit -w @chat/server &&
// node scripts/append-cost.mjs [count]
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import pino from 'pino';
import { Redis } from 'ioredis';
import { RedisServer } from '../packages/testkit/dist/index.js';
import serverConfig from '../apps/server/dist/config.js';
import serverBackend from '../apps/server/dist/redis/backend.js';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    concurrency: { type: 'string', default: '8' },
    rounds: { type: 'string', default: '3' },
  },
});
const count = Number(positionals[0] ?? 20_000);
const concurrency = Number(values.concurrency);
const redis = await RedisServer.start();
const subscribers = [];
const backend = serverBackend.createRedisBackend(
  serverConfig.configWith({ redisUrl: redis.url, instanceId: 'append-cost', logLevel: 'silent' }),
  pino({ level: 'silent' }),
  { onDropped: () => {} },
);
try {
  for (let i = 0; i < 2; i += 1) {
    const subscriber = new Redis(redis.url);
    await subscriber.subscribe('MESSAGES');
    subscribers.push(subscriber);
  }
  await backend.start();
  const admin = new Redis(redis.url);
  const rooms = Array.from({ length: 60 }, () => randomUUID());
  const text = 'x'.repeat(80);
  const perRound = [];
  for (let round = 1; round <= Number(values.rounds); round += 1) {
    await admin.config('RESETSTAT');
    let next = 0;
    const worker = async () => {
      while (next < count) {
        const i = next++;
        await backend.messageLog.append(
          {
            roomId: rooms[i % rooms.length],
            userId: `u${i % 600}`,
            username: `user${i % 600}`,
            text,
            clientId: randomUUID(),
          },
          { ratePerSec: 1_000_000, burst: 1_000_000 },
        );
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
    const info = await admin.info('commandstats');
    const stats = [
      ...info.matchAll(/^cmdstat_(\S+):calls=(\d+),usec=(\d+),usec_per_call=([\d.]+)/gm),
    ]
      .map((m) => ({ command: m[1], calls: Number(m[2]), usec: Number(m[3]) }))
      .filter(
        (s) =>
          !['config', 'info', 'subscribe', 'client', 'select', 'ping', 'hello'].includes(s.command),
      );
    const script = stats.find((s) => s.command === 'evalsha' || s.command === 'eval');
    const nested = stats.filter(
      (s) => s !== script && s.command !== 'eval' && s.command !== 'evalsha',
    );
    const nestedUsec = nested.reduce((sum, s) => sum + s.usec, 0);
    perRound.push(script.usec / count);
    console.log(
      `round ${round}: ${count} appends; script ${(script.usec / count).toFixed(1)} µs per append ` +
        `(nested commands ${(nestedUsec / count).toFixed(1)} µs: ` +
        nested.map((s) => `${s.command} ${(s.usec / count).toFixed(1)}`).join(', ') +
        ')',
    );
  }
  perRound.sort((a, b) => a - b);
  console.log(
    `median script µs per append: ${perRound[Math.floor(perRound.length / 2)].toFixed(1)} (spread ${perRound[0].toFixed(1)}–${perRound.at(-1).toFixed(1)})`,
  );
  admin.disconnect();
} finally {
  await backend.close();
  for (const s of subscribers) s.disconnect();
  await redis.stop();
}
