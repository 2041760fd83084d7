// Issue 15: what unread counts and room lists cost in cluster mode against single mode, for one user in
// ROOMS rooms (docs/BENCHMARKS.md "Unread counts on a Redis Cluster"). Starts its own
// redis-server and Redis Cluster (testkit), fills the rooms through the real stores, then
// times RedisReadStateStore.unreadCounts and RedisRoomStore.listPrivateFor (the user's ROOMS
// private rooms): one caller at a time (latency), then CONCURRENCY callers (throughput), and
// Redis's CPU per call (INFO cpu of every master, before and after). Cluster mode runs twice:
// ioredis's auto-pipelining off and on (scripts excepted, as connection.ts sets it).
//
//   npm run build -w @chat/shared -w @chat/testkit -w @chat/server
//   node apps/server/scripts/bench-cluster-stores.js [rooms=50] [calls=2000] [concurrency=16]
'use strict';
const { Cluster, Redis } = require('ioredis');
const { RedisCluster, RedisServer } = require('@chat/testkit');
const { redisKeys } = require('../dist/redis/keys');
const { registerScripts, SCRIPT_COMMANDS } = require('../dist/redis/scripts');
const { configWith } = require('../dist/config');
const { createRedisBackend } = require('../dist/redis/backend');
const { RedisReadStateStore } = require('../dist/redis/read-state-store');
const { RedisRoomStore } = require('../dist/redis/room-store');

const ROOMS = Number(process.argv[2] ?? 50);
const CALLS = Number(process.argv[3] ?? 2000);
const CONCURRENCY = Number(process.argv[4] ?? 16);
const MESSAGES_PER_ROOM = 30;
const silent = require('pino')({ level: 'silent' });
const CAP = 99;

async function cpuSeconds(clients) {
  let total = 0;
  for (const client of clients) {
    const info = await client.info('cpu');
    const read = (name) => Number(new RegExp(`${name}:([\\d.]+)`).exec(info)[1]);
    total += read('used_cpu_sys') + read('used_cpu_user');
  }
  return total;
}

/** The rooms, filled through a whole backend of `mode` (append, markRead as the server does). */
async function fill(url, mode, prefix) {
  const config = configWith({ redisUrl: url, redisMode: mode, redisKeyPrefix: prefix });
  const backend = createRedisBackend(config, silent, { onDropped() {} });
  await backend.start();
  const rooms = Array.from({ length: ROOMS }, (_, index) => ({
    id: `room-${index}-${Math.random().toString(36).slice(2)}`,
    name: `room ${index}`,
    kind: index % 5 === 0 ? 'public' : 'private',
    createdBy: 'writer',
    createdAt: new Date(Date.UTC(2026, 0, 1) + index).toISOString(),
  }));
  for (const room of rooms) {
    await backend.rooms.create(room, ['reader', 'writer']);
    for (let n = 0; n < MESSAGES_PER_ROOM; n += 1) {
      const stored = await backend.messageLog.append(
        {
          roomId: room.id,
          userId: n % 4 === 0 ? 'reader' : 'writer',
          username: 'w',
          text: `message ${n}`,
          clientId: `c${n}`,
          mentions: n % 3 === 0 ? ['reader'] : [],
        },
        { ratePerSec: 0, burst: 0 },
      );
      if (n === 10) await backend.readState.markRead('reader', room.id, stored.message.id);
    }
  }
  await backend.close();
  return rooms;
}

/** Times both calls on `redis` (a client of the bench's, so its options can vary). */
async function measure(label, url, redis, mode, masters) {
  const prefix = `bench${Date.now()}:`;
  const rooms = await fill(url, mode, prefix);
  const scripts = registerScripts(redis);
  const keys = redisKeys(prefix, mode);
  const readState = new RedisReadStateStore(redis, scripts, keys);
  const roomStore = new RedisRoomStore(redis, scripts, keys);
  await time(`${label}, unreadCounts`, masters, () => readState.unreadCounts('reader', rooms, CAP));
  const listed = (await roomStore.listPrivateFor('reader')).length;
  await time(`${label}, listPrivateFor (${listed})`, masters, () =>
    roomStore.listPrivateFor('reader'),
  );
}

async function time(label, masters, callOnce) {
  for (let i = 0; i < 200; i += 1) await callOnce(); // warm-up

  const latencies = [];
  for (let i = 0; i < CALLS; i += 1) {
    const start = process.hrtime.bigint();
    await callOnce();
    latencies.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  latencies.sort((a, b) => a - b);

  const cpuBefore = await cpuSeconds(masters);
  const started = process.hrtime.bigint();
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < CALLS) {
        next += 1;
        await callOnce();
      }
    }),
  );
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const cpu = (await cpuSeconds(masters)) - cpuBefore;
  const at = (q) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))];
  console.log(
    `${label.padEnd(60)} p50 ${at(0.5).toFixed(3)} ms  p99 ${at(0.99).toFixed(3)} ms  ` +
      `${Math.round(CALLS / seconds)} calls/s at ${CONCURRENCY} concurrent  ` +
      `Redis CPU ${((cpu / CALLS) * 1e6).toFixed(0)} us/call`,
  );
}

async function main() {
  const [single, cluster] = await Promise.all([RedisServer.start(), RedisCluster.start()]);
  try {
    console.log(
      `unread counts for one user in ${ROOMS} rooms (${MESSAGES_PER_ROOM} messages each, cap ${CAP}), ${CALLS} calls`,
    );
    const one = new Redis(single.url);
    await measure('single (one script)', single.url, one, 'single', [one]);
    one.disconnect();

    const seeds = cluster.url.split(',').map((url) => {
      const parsed = new URL(url);
      return { host: parsed.hostname, port: Number(parsed.port) };
    });
    const masterPorts = (await cluster.topology())
      .filter((node) => node.role === 'master')
      .map((node) => node.port);
    const masters = masterPorts.map((port) => new Redis({ host: '127.0.0.1', port }));
    for (const enableAutoPipelining of [false, true]) {
      const client = new Cluster(seeds, {
        enableAutoPipelining,
        autoPipeliningIgnoredCommands: SCRIPT_COMMANDS,
        scaleReads: 'master',
      });
      await measure(
        `cluster, auto-pipelining ${enableAutoPipelining ? 'on (not scripts)' : 'off'}`,
        cluster.url,
        client,
        'cluster',
        masters,
      );
      client.disconnect();
    }
    for (const master of masters) master.disconnect();
  } finally {
    await Promise.all([single.destroy(), cluster.destroy()]);
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
