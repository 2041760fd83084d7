import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import pino from 'pino';
import { compareMessageIds, type Message } from '@chat/shared';
import { RedisCluster, RedisServer, waitUntil, type EmbeddedDataDir } from '@chat/testkit';
import { addReaction, editMessage } from '../../src/chat/message-changes';
import { configWith } from '../../src/config';
import { createEmbeddedBackend } from '../../src/embedded/backend';
import type { Backend, MessageUpdate } from '../../src/ports';
import { createRedisBackend } from '../../src/redis/backend';
import { redisKeys } from '../../src/redis/keys';
import { migratedDataDir } from '../support/data-dir';

/*
 * MessageLog's protocol v1.1 contract (change, catchUp, onUpdate), run against both twins:
 * change ids share the messages' id space and order; concurrent changes never undo each
 * other; the catch-up's snapshot point separates what it read from what comes live; and
 * (Redis) trimming takes a message's state and change index entry with it.
 */

let redis: RedisServer;
const silent = pino({ level: 'silent' });
/** Issue 15: the same contract on a real Redis Cluster (REDIS_MODE=cluster). */
let redisCluster: RedisCluster;
beforeAll(async () => {
  [redis, redisCluster] = await Promise.all([RedisServer.start(), RedisCluster.start()]);
});
afterAll(async () => {
  await Promise.all([redis.destroy(), redisCluster.destroy()]);
});

const dataDirs: EmbeddedDataDir[] = [];
const prefixes: string[] = [];
const implementations: [string, (retention: number) => Backend | Promise<Backend>][] = [
  [
    'redis',
    (retention) => {
      const prefix = `t${randomUUID()}:`;
      prefixes.push(prefix);
      return createRedisBackend(
        configWith({
          redisUrl: redis.url,
          redisKeyPrefix: prefix,
          messageRetention: retention,
          instanceId: 'contract',
        }),
        silent,
        { onDropped: () => {} },
      );
    },
  ],
  [
    'redis cluster',
    (retention) => {
      const prefix = `t${randomUUID()}:`;
      prefixes.push(prefix);
      return createRedisBackend(
        configWith({
          redisUrl: redisCluster.url,
          redisMode: 'cluster',
          redisKeyPrefix: prefix,
          messageRetention: retention,
          instanceId: 'contract',
        }),
        silent,
        { onDropped: () => {} },
      );
    },
  ],
  [
    'embedded',
    async (retention) => {
      const dataDir = await migratedDataDir();
      dataDirs.push(dataDir);
      return createEmbeddedBackend(
        configWith({ messageRetention: retention, instanceId: 'contract', dataDir: dataDir.path }),
      );
    },
  ],
];

const unlimited = { ratePerSec: 0, burst: 0 };
const request = (roomId: string, clientId: string, userId = 'u1') => ({
  roomId,
  userId,
  username: `name-${userId}`,
  text: `text ${clientId}`,
  clientId,
});

describe.each(implementations)('%s MessageLog', (name, make) => {
  let backend: Backend;
  const feed: string[] = [];
  beforeEach(async () => {
    backend = await make(20);
    await backend.start();
    feed.length = 0;
    backend.messageLog.onMessage((message) => feed.push(`new ${message.id}`));
    backend.messageLog.onUpdate(({ changeId }: MessageUpdate) => feed.push(`updated ${changeId}`));
  });
  afterEach(async () => {
    await backend.close();
    for (const dataDir of dataDirs.splice(0)) dataDir.remove();
  });

  const append = async (roomId: string, clientId: string, userId = 'u1') => {
    const result = await backend.messageLog.append(request(roomId, clientId, userId), unlimited);
    if (result.status !== 'stored') throw new Error(result.status);
    return result.message;
  };
  const react = (roomId: string, messageId: string, userId: string) =>
    backend.messageLog.change({
      roomId,
      messageId,
      next: (current) => addReaction(current, { userId, emoji: '👍' }),
    });

  test('change ids lie between the messages before and after, and the feed delivers in that order', async () => {
    const roomId = randomUUID();
    // Cluster mode hears a room's feed only while watching it (a no-op elsewhere).
    await backend.interest.watchRoom(roomId);
    const first = await append(roomId, 'a');
    const changed = await react(roomId, first.id, 'u2');
    const again = await react(roomId, first.id, 'u3');
    const second = await append(roomId, 'b');
    if (changed.status !== 'changed' || again.status !== 'changed') throw new Error('not changed');
    const order = [first.id, changed.changeId, again.changeId, second.id];
    expect([...order].sort(compareMessageIds)).toEqual(order);
    expect(new Set(order).size).toBe(4);
    await waitUntil(() => feed.length === 4, { what: 'the feed' });
    expect(feed).toEqual([
      `new ${first.id}`,
      `updated ${changed.changeId}`,
      `updated ${again.changeId}`,
      `new ${second.id}`,
    ]);
    expect((await backend.messageLog.list(roomId, { limit: 10 })).messages[0]).toEqual(
      again.message,
    );
  });

  test('concurrent changes of one message all count: none is lost to another', async () => {
    const roomId = randomUUID();
    const message = await append(roomId, 'hot');
    const users = Array.from({ length: 40 }, (_, i) => `reactor-${i}`);
    const results = await Promise.all(users.map((userId) => react(roomId, message.id, userId)));
    expect(results.every((result) => result.status === 'changed')).toBe(true);
    const [current] = (await backend.messageLog.list(roomId, { limit: 1 })).messages;
    expect([...current!.reactions![0]!.userIds].sort()).toEqual([...users].sort());
  });

  test('a change that answers unchanged stores and publishes nothing; an unknown message is not_found', async () => {
    const roomId = randomUUID();
    // Cluster mode hears a room's feed only while watching it (a no-op elsewhere).
    await backend.interest.watchRoom(roomId);
    const message = await append(roomId, 'x');
    expect(
      await backend.messageLog.change({ roomId, messageId: message.id, next: () => 'unchanged' }),
    ).toEqual({ status: 'unchanged', message });
    expect(
      await backend.messageLog.change({ roomId, messageId: '1-0', next: () => 'unchanged' }),
    ).toEqual({ status: 'not_found' });
    const rule = () =>
      backend.messageLog.change({
        roomId,
        messageId: message.id,
        next: (current) =>
          editMessage(current, { userId: 'intruder', text: 'y', mentions: [], at: '' }),
      });
    await expect(rule()).rejects.toMatchObject({ code: 'forbidden' });
    await waitUntil(() => feed.length >= 1, { what: 'the message' });
    expect(feed).toEqual([`new ${message.id}`]);
  });

  test('catchUp reads missed, updated and its snapshot point at once', async () => {
    const roomId = randomUUID();
    const old = await append(roomId, 'old');
    const untouched = await append(roomId, 'untouched');
    const seen = await append(roomId, 'seen');
    const changed = await react(roomId, old.id, 'u2');
    const missed = await append(roomId, 'missed');
    const read = await backend.messageLog.catchUp(roomId, seen.id, 100);
    expect(read.page.messages).toEqual([missed]);
    expect(read.updated).toEqual([changed.status === 'changed' && changed.message]);
    expect(read.updated.map((m: Message) => m.id)).not.toContain(untouched.id);
    expect(read.asOf).toBe(missed.id);
    const later = await react(roomId, untouched.id, 'u2');
    if (later.status !== 'changed') throw new Error('not changed');
    expect(compareMessageIds(later.changeId, read.asOf)).toBeGreaterThan(0);
    expect((await backend.messageLog.catchUp(roomId, missed.id, 100)).asOf).toBe(later.changeId);
    expect(
      await backend.messageLog.append({ ...request(roomId, 'r'), replyTo: '1-0' }, unlimited),
    ).toEqual({ status: 'reply_not_found' });
  });

  if (name === 'redis')
    test('trimming (retention 20, no archive) removes the states and change index entries of trimmed messages', async () => {
      const roomId = randomUUID();
      const first = await append(roomId, 'm0');
      await react(roomId, first.id, 'u2');
      for (let i = 1; i < 30; i += 1) await append(roomId, `m${i}`);
      const client = new Redis(redis.url);
      try {
        const [stream, state, changes, changed] = redisKeys(prefixes.at(-1)!).roomLog(roomId);
        const length = await client.xlen(stream!);
        expect(length).toBeLessThan(30);
        expect(length).toBeGreaterThanOrEqual(20);
        expect(await client.hlen(state!)).toBe(length);
        expect(await client.hexists(state!, first.id)).toBe(0);
        expect(await client.xlen(changes!)).toBe(0);
        expect(await client.hkeys(changed!)).toEqual(['']);
      } finally {
        client.disconnect();
      }
    });
});
