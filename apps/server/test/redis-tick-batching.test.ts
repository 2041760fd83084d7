import type { Socket } from 'node:net';
import { Redis, type Cluster } from 'ioredis';
import pino from 'pino';
import { RedisCluster, RedisServer } from '@chat/testkit';
import { configWith } from '../src/config';
import { createRedisCluster, createRedisConnection } from '../src/redis/connection';
import { registerScripts } from '../src/redis/scripts';
import { batchWritesPerTick } from '../src/redis/tick-batched-writes';
import { countWriteCalls } from './support/write-calls';

/*
 * Issue 16: the commands one turn of the event loop issues leave in one write
 * (redis/tick-batched-writes.ts), on a real redis-server and a real Redis Cluster.
 * Writes are counted at the connection's TCP socket: each `_write`/`_writev` is one
 * system call. What the batching must not change is checked too: every reply in order,
 * no command held back behind an earlier one's reply, no command lost or left hanging
 * when the connection drops under it.
 */

const silent = pino({ level: 'silent' });
let redis: RedisServer;
let redisCluster: RedisCluster;
const clients: (Redis | Cluster)[] = [];

beforeAll(async () => {
  [redis, redisCluster] = await Promise.all([RedisServer.start(), RedisCluster.start()]);
});

afterAll(async () => {
  for (const client of clients) client.disconnect();
  await Promise.all([redis.destroy(), redisCluster.destroy()]);
});

function config(url: string, mode: 'single' | 'cluster' = 'single') {
  return configWith({ redisUrl: url, redisMode: mode, instanceId: 'tick-batching' });
}

async function commandsConnection(): Promise<Redis> {
  const client = createRedisConnection(config(redis.url), 'commands', silent);
  clients.push(client);
  await client.connect();
  return client;
}

function streamOf(client: Redis): Socket {
  return (client as unknown as { stream: Socket }).stream;
}

/** Resolves after the turn's setImmediate callbacks, the uncork among them, have run. */
const nextTurn = () => new Promise<void>((resolve) => setImmediate(() => setImmediate(resolve)));

test("one turn's commands (plain, scripts, a MULTI) leave in one write and are answered in order", async () => {
  const client = await commandsConnection();
  const writes = countWriteCalls(streamOf(client));
  const key = `turn:${Date.now()}`;
  const replies: Promise<unknown>[] = [];
  for (let i = 0; i < 100; i += 1) {
    replies.push(client.rpush(key, String(i)));
    replies.push(client.eval("return redis.call('LLEN', KEYS[1])", 1, key));
  }
  replies.push(client.multi().incr(`${key}:n`).incr(`${key}:n`).exec());
  // A command issued by a promise's continuation within the same turn joins the batch too.
  replies.push(Promise.resolve().then(() => client.lrange(key, 0, -1)));

  const results = await Promise.all(replies);

  expect(writes.calls).toBe(1);
  for (let i = 0; i < 100; i += 1) {
    expect(results[2 * i]).toBe(i + 1);
    expect(results[2 * i + 1]).toBe(i + 1);
  }
  expect(results[200]).toEqual([
    [null, 1],
    [null, 2],
  ]);
  expect(results[201]).toEqual(Array.from({ length: 100 }, (_, i) => String(i)));
});

test('commands issued in separate turns are each written in their own turn', async () => {
  const client = await commandsConnection();
  const writes = countWriteCalls(streamOf(client));
  for (let i = 0; i < 5; i += 1) await client.ping();
  expect(writes.calls).toBe(5);
});

test('a command is written while an earlier one still waits for its reply (no head-of-line wait)', async () => {
  // A plain client with only the batching: BLPOP would otherwise meet the command timeout.
  const client = new Redis(redis.port, '127.0.0.1', { lazyConnect: true });
  const pusher = new Redis(redis.port, '127.0.0.1');
  clients.push(client, pusher);
  await client.connect();
  batchWritesPerTick(client);
  const writes = countWriteCalls(streamOf(client));
  const key = `blocked:${Date.now()}`;

  let blockedAnswered = false;
  const blocked = client.blpop(key, 0).then((reply) => {
    blockedAnswered = true;
    return reply;
  });
  await nextTurn();
  expect(writes.calls).toBe(1);

  // Redis answers nothing on this connection until BLPOP returns; the GET must be on the
  // wire anyway by the end of its turn (auto-pipelining would hold it back until then).
  const later = client.get(`${key}:other`);
  await nextTurn();
  expect(writes.calls).toBe(2);
  expect(blockedAnswered).toBe(false);

  await pusher.rpush(key, 'released');
  await expect(blocked).resolves.toEqual([key, 'released']);
  await expect(later).resolves.toBeNull();
});

test('a command corked when the connection drops fails at once; after the reconnect, batching resumes', async () => {
  const client = await commandsConnection();
  const key = `drop:${Date.now()}`;
  // Listening before the drop: the reconnect's `ready` cannot come before it is awaited.
  const reconnected = new Promise<void>((resolve) => client.once('ready', () => resolve()));
  const lost = client.set(key, 'never written');
  streamOf(client).destroy();
  await expect(lost).rejects.toThrow();

  await reconnected;
  const writes = countWriteCalls(streamOf(client));
  const replies = await Promise.all(Array.from({ length: 20 }, () => client.incr(key)));
  expect(replies).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
  expect(writes.calls).toBe(1);
});

test('on a Redis Cluster, scripts of one turn leave in one write per node', async () => {
  const cluster = createRedisCluster(config(redisCluster.url, 'cluster'), 'commands', silent);
  clients.push(cluster);
  await cluster.connect();
  const tag = `{tick-${Date.now()}}`;
  const masters = cluster.nodes('master');
  await Promise.all(masters.map((node) => node.ping())); // every master's connection ready
  const counters = masters.map((node) => countWriteCalls(streamOf(node)));

  // The project's scripts are left out of auto-pipelining (scripts.ts): without the batching
  // each would be a write of its own. One hash tag: one slot, one node. A bucket of 40 tokens
  // refilled at 1 a second: the first 40 takes pass (0), the next 10 are told to wait.
  const scripts = registerScripts(cluster);
  const replies = await Promise.all(
    Array.from({ length: 50 }, () => scripts.rateLimit([`${tag}:bucket`], [1, 40])),
  );

  expect(replies.slice(0, 40)).toEqual(Array.from({ length: 40 }, () => 0));
  for (const wait of replies.slice(40)) expect(wait).toBeGreaterThan(0);
  expect(counters.reduce((sum, counter) => sum + counter.calls, 0)).toBe(1);
});
