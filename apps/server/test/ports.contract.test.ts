import { randomUUID } from 'node:crypto';
import pino from 'pino';
import { compareMessageIds, messageIdTime, type Message, type Room, type User } from '@chat/shared';
import type { ClusterEvent } from '../src/cluster-events';
import { configWith } from '../src/config';
import { createEmbeddedBackend } from '../src/embedded/backend';
import type { Backend } from '../src/ports';
import { createRedisBackend } from '../src/redis/backend';
import { migratedDataDir } from './support/data-dir';
import { RedisCluster, RedisServer, type EmbeddedDataDir } from '@chat/testkit';

/*
 * One contract for the ports, run against every implementation: Redis (the
 * real thing, several instances) and embedded (single node). A behaviour a
 * client can observe must not depend on which backend serves it.
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

/** The embedded backends' DATA_DIRs (persistence on, as in production), deleted after each test. */
const dataDirs: EmbeddedDataDir[] = [];

const implementations: [string, (retention: number) => Backend | Promise<Backend>][] = [
  [
    'redis',
    (retention) =>
      createRedisBackend(
        configWith({
          redisUrl: redis.url,
          redisKeyPrefix: `t${randomUUID()}:`,
          messageRetention: retention,
          instanceId: 'contract',
        }),
        silent,
        { onDropped: () => {} },
      ),
  ],
  [
    'redis cluster',
    (retention) =>
      createRedisBackend(
        configWith({
          redisUrl: redisCluster.url,
          redisMode: 'cluster',
          redisKeyPrefix: `t${randomUUID()}:`,
          messageRetention: retention,
          instanceId: 'contract',
        }),
        silent,
        { onDropped: () => {} },
      ),
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

describe.each(implementations)('%s backend', (name, make) => {
  let backend: Backend;
  beforeEach(async () => {
    backend = await make(50);
    await backend.start();
  });
  afterEach(async () => {
    await backend.close();
    for (const dataDir of dataDirs.splice(0)) dataDir.remove();
  });

  const newRoom = (kind: Room['kind'] = 'public', name = `room-${randomUUID()}`): Room => ({
    id: randomUUID(),
    name,
    kind,
    createdBy: 'creator',
    createdAt: new Date().toISOString(),
  });
  const unlimited = { ratePerSec: 0, burst: 0 };
  const request = (roomId: string, clientId: string, userId = 'u1') => ({
    roomId,
    userId,
    username: `name-${userId}`,
    text: `text ${clientId}`,
    clientId,
  });

  describe('UserStore', () => {
    test('creates a user once, whatever the case of the name', async () => {
      const user = {
        id: randomUUID(),
        username: `Ann${randomUUID().slice(0, 8)}`,
        passwordHash: 'h',
        createdAt: 'now',
      };
      expect(await backend.users.create(user)).toBe('created');
      expect(
        await backend.users.create({
          ...user,
          id: randomUUID(),
          username: user.username.toUpperCase(),
        }),
      ).toBe('taken');
      expect(await backend.users.findByUsername(user.username.toLowerCase())).toEqual(user);
      expect(await backend.users.findById(user.id)).toEqual({
        id: user.id,
        username: user.username,
      });
      expect(await backend.users.findById('nobody')).toBeNull();
      expect(await backend.users.findByUsername('nobody-at-all')).toBeNull();
    });

    test('replaces a password hash', async () => {
      const user = {
        id: randomUUID(),
        username: `Rehash${randomUUID().slice(0, 8)}`,
        passwordHash: 'old',
        createdAt: 'now',
      };
      await backend.users.create(user);
      await backend.users.setPasswordHash(user.id, 'new');
      expect((await backend.users.findByUsername(user.username))?.passwordHash).toBe('new');
    });
  });

  describe('SessionStore', () => {
    test('resolves a live session and forgets a revoked one', async () => {
      await backend.sessions.create('hash-1', 'user-1', 60);
      expect(await backend.sessions.resolve('hash-1')).toBe('user-1');
      expect(await backend.sessions.revoke('hash-1')).toBe(true);
      expect(await backend.sessions.resolve('hash-1')).toBeNull();
      expect(await backend.sessions.revoke('hash-1')).toBe(false);
    });

    test('a use slides the idle expiry, never past the absolute one; a look changes nothing', async () => {
      await backend.sessions.create('hash-idle', 'user-1', 60, 30);
      const first = await backend.sessions.use('hash-idle');
      expect(first?.userId).toBe('user-1');
      expect(first!.ttlMs).toBeGreaterThan(0);
      expect(first!.ttlMs).toBeLessThanOrEqual(30_000);
      const slid = await backend.sessions.use('hash-idle', 50);
      expect(slid!.ttlMs).toBeGreaterThan(30_000);
      expect(slid!.ttlMs).toBeLessThanOrEqual(50_000);
      expect((await backend.sessions.use('hash-idle'))!.ttlMs).toBeLessThanOrEqual(50_000);
      expect((await backend.sessions.use('hash-idle', 120))!.ttlMs).toBeLessThanOrEqual(60_000);
      expect(await backend.sessions.use('unknown-hash', 50)).toBeNull();
    });

    test("revokes all of a user's sessions but the one kept, and nobody else's", async () => {
      for (const hash of ['all-1', 'all-2', 'all-3'])
        await backend.sessions.create(hash, 'u-all', 60);
      await backend.sessions.create('other-1', 'u-other', 60);
      await backend.sessions.revoke('all-3');
      expect(await backend.sessions.revokeAllOf('u-all', 'all-2')).toEqual(['all-1']);
      expect(await backend.sessions.resolve('all-1')).toBeNull();
      expect(await backend.sessions.resolve('all-2')).toBe('u-all');
      expect(await backend.sessions.resolve('other-1')).toBe('u-other');
      expect(await backend.sessions.revokeAllOf('u-all')).toEqual(['all-2']);
      expect(await backend.sessions.resolve('all-2')).toBeNull();
      expect(await backend.sessions.revokeAllOf('u-nobody')).toEqual([]);
    });
  });

  describe('RoomStore', () => {
    test('public names are unique regardless of case; private names are not', async () => {
      const name = `General-${randomUUID()}`;
      expect(await backend.rooms.create(newRoom('public', name), ['a'])).toBe('created');
      expect(await backend.rooms.create(newRoom('public', name.toLowerCase()), ['a'])).toBe(
        'name_taken',
      );
      expect(await backend.rooms.create(newRoom('private', name), ['a'])).toBe('created');
      expect(await backend.rooms.create(newRoom('private', name), ['b'])).toBe('created');
    });

    test('lists public rooms to all and private rooms to members only', async () => {
      const open = newRoom('public');
      const secret = newRoom('private');
      await backend.rooms.create(open, ['a']);
      await backend.rooms.create(secret, ['a']);
      expect(await backend.rooms.listPublic()).toContainEqual(open);
      expect((await backend.rooms.listPublic()).map((room) => room.id)).not.toContain(secret.id);
      expect(await backend.rooms.listPrivateFor('a')).toEqual([secret]);
      expect(await backend.rooms.listPrivateFor('b')).toEqual([]);
      expect(await backend.rooms.get(secret.id)).toEqual(secret);
      expect(await backend.rooms.get('missing')).toBeNull();
    });

    test('adds members once', async () => {
      const secret = newRoom('private');
      await backend.rooms.create(secret, ['a']);
      expect(await backend.rooms.isMember(secret.id, 'b')).toBe(false);
      expect(await backend.rooms.addMember(secret.id, 'b')).toBe(true);
      expect(await backend.rooms.addMember(secret.id, 'b')).toBe(false);
      expect(await backend.rooms.isMember(secret.id, 'b')).toBe(true);
      expect(await backend.rooms.listPrivateFor('b')).toEqual([secret]);
    });

    test('one DM room per pair, even when both ask at once', async () => {
      const [first, second] = await Promise.all([
        backend.rooms.getOrCreateDm(newRoom('dm'), ['x', 'y']),
        backend.rooms.getOrCreateDm(newRoom('dm'), ['y', 'x']),
      ]);
      expect(first.room.id).toBe(second.room.id);
      expect([first.created, second.created].sort()).toEqual([false, true]);
      expect(await backend.rooms.isMember(first.room.id, 'x')).toBe(true);
      expect(await backend.rooms.isMember(first.room.id, 'y')).toBe(true);
      expect(await backend.rooms.listPrivateFor('x')).toEqual([first.room]);
    });
  });

  describe('RoomStore membership (issue 14)', () => {
    test('removeMember takes the user out of the members and their list, once; the room stays', async () => {
      const secret = newRoom('private');
      await backend.rooms.create(secret, ['a', 'b']);
      expect(await backend.rooms.removeMember(secret.id, 'a')).toBe(true);
      expect(await backend.rooms.removeMember(secret.id, 'a')).toBe(false);
      expect(await backend.rooms.isMember(secret.id, 'a')).toBe(false);
      expect(await backend.rooms.listPrivateFor('a')).toEqual([]);
      expect(await backend.rooms.isMember(secret.id, 'b')).toBe(true);
      expect(await backend.rooms.removeMember(secret.id, 'b')).toBe(true);
      expect(await backend.rooms.get(secret.id)).toEqual(secret);
      expect(await backend.rooms.memberIds(secret.id, 10)).toEqual([]);
      // Added back after leaving: a member again, listed again.
      expect(await backend.rooms.addMember(secret.id, 'a')).toBe(true);
      expect(await backend.rooms.listPrivateFor('a')).toEqual([secret]);
    });

    test('memberIds: every member in id order, or `limit` of them in id order', async () => {
      const secret = newRoom('private');
      await backend.rooms.create(secret, ['m3', 'm1', 'm2']);
      await backend.rooms.addMember(secret.id, 'm0');
      expect(await backend.rooms.memberIds(secret.id, 10)).toEqual(['m0', 'm1', 'm2', 'm3']);
      expect(await backend.rooms.memberIds(secret.id, 4)).toEqual(['m0', 'm1', 'm2', 'm3']);
      const two = await backend.rooms.memberIds(secret.id, 2);
      expect(two).toHaveLength(2);
      expect(two).toEqual([...two].sort());
      expect(['m0', 'm1', 'm2', 'm3']).toEqual(expect.arrayContaining(two));
      expect(await backend.rooms.memberIds('missing', 2)).toEqual([]);
    });

    test('memberIds of a room larger than `limit` (a hash table in Redis): `limit` distinct members', async () => {
      const big = newRoom('private');
      const ids = Array.from({ length: 300 }, (_, index) => `u${String(index).padStart(3, '0')}`);
      await backend.rooms.create(big, ids);
      expect(await backend.rooms.memberIds(big.id, 300)).toEqual(ids);
      const some = await backend.rooms.memberIds(big.id, 150);
      expect(new Set(some).size).toBe(150);
      expect(some).toEqual([...some].sort());
      expect(ids).toEqual(expect.arrayContaining(some));
    });

    test('hideDm keeps one mark per user and DM; unhideDm forgets it and says whether there was one', async () => {
      const { room } = await backend.rooms.getOrCreateDm(newRoom('dm'), ['x', 'y']);
      expect(await backend.rooms.hiddenDms('x')).toEqual(new Map());
      await backend.rooms.hideDm('x', room.id, '5-0');
      await backend.rooms.hideDm('x', room.id, '7-1');
      expect(await backend.rooms.hiddenDms('x')).toEqual(new Map([[room.id, '7-1']]));
      expect(await backend.rooms.hiddenDms('y')).toEqual(new Map());
      expect(await backend.rooms.isMember(room.id, 'x')).toBe(true);
      expect(await backend.rooms.unhideDm('x', room.id)).toBe(true);
      expect(await backend.rooms.unhideDm('x', room.id)).toBe(false);
      expect(await backend.rooms.hiddenDms('x')).toEqual(new Map());
    });
  });

  describe('MessageLog', () => {
    test('appends in order, publishes exactly what it stored, and pages history', async () => {
      const relayed: Message[] = [];
      backend.messageLog.onMessage((message) => relayed.push(message));
      const roomId = randomUUID();
      // Cluster mode hears a room's feed only while watching it (a no-op elsewhere).
      await backend.interest.watchRoom(roomId);
      const stored: Message[] = [];
      for (let i = 0; i < 5; i += 1) {
        const result = await backend.messageLog.append(request(roomId, `c${i}`), unlimited);
        if (result.status !== 'stored') throw new Error(result.status);
        stored.push(result.message);
      }
      for (let i = 1; i < stored.length; i += 1) {
        expect(compareMessageIds(stored[i - 1]!.id, stored[i]!.id)).toBe(-1);
      }
      expect(stored[0]).toEqual({
        id: expect.stringMatching(/^\d+-\d+$/),
        roomId,
        userId: 'u1',
        username: 'name-u1',
        text: 'text c0',
        clientId: 'c0',
        createdAt: new Date(messageIdTime(stored[0]!.id)).toISOString(),
      });
      const all = { limit: 100 };
      // Whatever the range, every page names the oldest message the log retains.
      const oldestRetained = stored[0]!.id;
      expect(await backend.messageLog.list(roomId, { ...all, after: stored[1]!.id })).toEqual({
        messages: stored.slice(2),
        hasMore: false,
        oldestRetained,
      });
      expect(await backend.messageLog.list(roomId, { ...all, after: stored[4]!.id })).toEqual({
        messages: [],
        hasMore: false,
        oldestRetained,
      });
      expect(await backend.messageLog.list(roomId, { ...all, after: '0-0' })).toEqual({
        messages: stored,
        hasMore: false,
        oldestRetained,
      });
      expect(await backend.messageLog.list(roomId, { limit: 2 })).toEqual({
        messages: stored.slice(3),
        hasMore: true,
        oldestRetained,
      });
      expect(await backend.messageLog.list(roomId, { before: stored[3]!.id, limit: 10 })).toEqual({
        messages: stored.slice(0, 3),
        hasMore: false,
        oldestRetained,
      });
      // A room that retains nothing has no oldest id.
      expect(await backend.messageLog.list('empty-room', { limit: 10 })).toEqual({
        messages: [],
        hasMore: false,
      });
      // Both ends: the newest `limit` inside the open range, `hasMore` when older ones remain in it.
      const between = { after: stored[0]!.id, before: stored[4]!.id };
      expect(await backend.messageLog.list(roomId, { ...between, limit: 2 })).toEqual({
        messages: stored.slice(2, 4),
        hasMore: true,
        oldestRetained,
      });
      expect(await backend.messageLog.list(roomId, { ...between, limit: 3 })).toEqual({
        messages: stored.slice(1, 4),
        hasMore: false,
        oldestRetained,
      });
      expect(
        await backend.messageLog.list(roomId, {
          after: stored[3]!.id,
          before: stored[1]!.id,
          limit: 5,
        }),
      ).toEqual({ messages: [], hasMore: false, oldestRetained });
      expect(await backend.messageLog.list(roomId, { before: '0-0', limit: 5 })).toEqual({
        messages: [],
        hasMore: false,
        oldestRetained,
      });

      await waitFor(() => relayed.length >= 5);
      expect(relayed).toEqual(stored);
    });

    test("pages from the range's oldest end with from: 'oldest', with the same range rules", async () => {
      const roomId = randomUUID();
      const stored: Message[] = [];
      for (let i = 0; i < 5; i += 1) {
        const result = await backend.messageLog.append(request(roomId, `o${i}`), unlimited);
        if (result.status !== 'stored') throw new Error(result.status);
        stored.push(result.message);
      }
      const oldestRetained = stored[0]!.id;
      const oldest = { from: 'oldest' as const };
      expect(await backend.messageLog.list(roomId, { ...oldest, limit: 2 })).toEqual({
        messages: stored.slice(0, 2),
        hasMore: true,
        oldestRetained,
      });
      expect(
        await backend.messageLog.list(roomId, { ...oldest, after: stored[1]!.id, limit: 2 }),
      ).toEqual({ messages: stored.slice(2, 4), hasMore: true, oldestRetained });
      expect(
        await backend.messageLog.list(roomId, { ...oldest, after: stored[2]!.id, limit: 2 }),
      ).toEqual({ messages: stored.slice(3), hasMore: false, oldestRetained });
      // Both ends: the oldest `limit` inside the open range; `hasMore` when newer ones remain in it.
      const between = { ...oldest, after: stored[0]!.id, before: stored[4]!.id };
      expect(await backend.messageLog.list(roomId, { ...between, limit: 2 })).toEqual({
        messages: stored.slice(1, 3),
        hasMore: true,
        oldestRetained,
      });
      expect(await backend.messageLog.list(roomId, { ...between, limit: 3 })).toEqual({
        messages: stored.slice(1, 4),
        hasMore: false,
        oldestRetained,
      });
      expect(
        await backend.messageLog.list(roomId, { ...oldest, after: stored[4]!.id, limit: 3 }),
      ).toEqual({ messages: [], hasMore: false, oldestRetained });
      expect(await backend.messageLog.list(roomId, { ...oldest, before: '0-0', limit: 3 })).toEqual(
        { messages: [], hasMore: false, oldestRetained },
      );
      expect(
        await backend.messageLog.list(roomId, {
          ...oldest,
          after: stored[3]!.id,
          before: stored[1]!.id,
          limit: 3,
        }),
      ).toEqual({ messages: [], hasMore: false, oldestRetained });
      expect(await backend.messageLog.list(randomUUID(), { ...oldest, limit: 3 })).toEqual({
        messages: [],
        hasMore: false,
      });
    });

    test('a repeated (user, clientId) returns the original and publishes nothing', async () => {
      const relayed: Message[] = [];
      backend.messageLog.onMessage((message) => relayed.push(message));
      const roomId = randomUUID();
      // Cluster mode hears a room's feed only while watching it (a no-op elsewhere).
      await backend.interest.watchRoom(roomId);
      const first = await backend.messageLog.append(request(roomId, 'dup'), unlimited);
      const second = await backend.messageLog.append(
        { ...request(roomId, 'dup'), text: 'changed' },
        unlimited,
      );
      const otherUser = await backend.messageLog.append(request(roomId, 'dup', 'u2'), unlimited);
      expect(first.status).toBe('stored');
      expect(second).toEqual({
        status: 'duplicate',
        message: (first as { message: Message }).message,
      });
      expect(otherUser.status).toBe('stored');
      await waitFor(() => relayed.length >= 2);
      expect(relayed.map((message) => message.userId)).toEqual(['u1', 'u2']);
      expect((await backend.messageLog.list(roomId, { limit: 100 })).messages).toHaveLength(2);
    });

    test('the rate limit admits a burst, then refuses with a retry hint and stores nothing', async () => {
      const roomId = randomUUID();
      // One token per 100 s: no refill can happen during the test, however slow the machine.
      const limits = { ratePerSec: 0.01, burst: 3 };
      const results = [];
      for (let i = 0; i < 5; i += 1)
        results.push(await backend.messageLog.append(request(roomId, `r${i}`, 'flooder'), limits));
      expect(results.map((result) => result.status)).toEqual([
        'stored',
        'stored',
        'stored',
        'rate_limited',
        'rate_limited',
      ]);
      const refused = results[3] as { retryAfterMs: number };
      expect(refused.retryAfterMs).toBeGreaterThan(0);
      expect(refused.retryAfterMs).toBeLessThanOrEqual(100_000);
      expect((await backend.messageLog.list(roomId, { limit: 100 })).messages).toHaveLength(3);
    });

    test('keeps about `retention` messages per room', async () => {
      const roomId = randomUUID();
      for (let i = 0; i < 300; i += 1)
        await backend.messageLog.append(request(roomId, `k${i}`), unlimited);
      const page = await backend.messageLog.list(roomId, { limit: 1000 });
      const kept = page.messages;
      // Redis trims approximately (whole nodes of the stream): at least 50, and far below 300.
      expect(kept.length).toBeGreaterThanOrEqual(50);
      expect(kept.length).toBeLessThan(300);
      expect(kept.at(-1)!.clientId).toBe('k299');
      // The oldest retained id is the first kept message, also for a page that does not reach it.
      expect(page.oldestRetained).toBe(kept[0]!.id);
      const newest = await backend.messageLog.list(roomId, { limit: 1 });
      expect(newest.oldestRetained).toBe(kept[0]!.id);
      expect(newest.messages).toEqual(kept.slice(-1));
      const forward = await backend.messageLog.list(roomId, { from: 'oldest', limit: 2 });
      expect(forward).toEqual({
        messages: kept.slice(0, 2),
        hasMore: true,
        oldestRetained: kept[0]!.id,
      });
    });

    test('delivers live messages asynchronously, never inside the append call', async () => {
      const relayed: Message[] = [];
      backend.messageLog.onMessage((message) => relayed.push(message));
      const roomId = randomUUID();
      await backend.interest.watchRoom(roomId);
      const appended = backend.messageLog.append(request(roomId, 'async'), unlimited);
      expect(relayed).toEqual([]);
      const result = await appended;
      await waitFor(() => relayed.length > 0);
      expect(relayed).toEqual([(result as { message: Message }).message]);
    });
  });

  describe('EventBus', () => {
    test('delivers every event to this instance too, in publish order', async () => {
      const events: ClusterEvent[] = [];
      backend.eventBus.onEvent((event) => events.push(event));
      const sent: ClusterEvent[] = [
        { type: 'session:revoked', tokenHash: 'abc' },
        { type: 'presence', user: { id: 'u1', username: 'ann' }, online: true },
        { type: 'room:read', userId: 'u1', roomId: 'r1', messageId: '1-0' },
      ];
      // Cluster mode: a user's events travel on the user's shard channel, heard while watched.
      await backend.interest.watchUser('u1');
      for (const event of sent) await backend.eventBus.publish(event);
      await waitFor(() => events.length >= sent.length);
      // In cluster mode the order holds per channel (EVENTS, each user's), not across them.
      if (name === 'redis cluster')
        expect([...events].sort(byJson)).toEqual([...sent].sort(byJson));
      else expect(events).toEqual(sent);
    });
  });

  describe('RateLimiter', () => {
    test('admits a burst per bucket, then answers the wait, and buckets are independent', async () => {
      const bucket = `b-${randomUUID()}`;
      // One token per 100 s: no refill can happen during the test, however slow the machine.
      const policy = { ratePerSec: 0.01, burst: 3 };
      const waits = [];
      for (let i = 0; i < 4; i += 1) waits.push(await backend.rateLimiter.take(bucket, policy));
      expect(waits.slice(0, 3)).toEqual([0, 0, 0]);
      expect(waits[3]).toBeGreaterThan(0);
      expect(waits[3]).toBeLessThanOrEqual(100_000);
      expect(await backend.rateLimiter.take(`${bucket}-other`, policy)).toBe(0);
    });
  });

  describe('PresenceStore', () => {
    const ann: User = { id: `u-${randomUUID()}`, username: 'ann' };
    const bob: User = { id: `u-${randomUUID()}`, username: 'bob' };
    const ids = (users: User[]) => users.map((user) => user.id).sort();

    test('a user is online from their first connection to their last disconnection', async () => {
      expect(await backend.presence.heartbeat()).toEqual([]);
      expect(await backend.presence.connect(ann)).toBe(true);
      expect(await backend.presence.connect(bob)).toBe(true);
      expect(ids(await backend.presence.online())).toEqual(ids([ann, bob]));
      expect(await backend.presence.disconnect(ann)).toBe(true);
      expect(await backend.presence.online()).toEqual([bob]);
      expect(await backend.presence.heartbeat()).toEqual([]);
      await expect(backend.presence.expireSoon(60_000)).resolves.toBeUndefined();
    });
  });

  describe('ReadStateStore', () => {
    test('markers only move forward', async () => {
      const roomId = randomUUID();
      expect(await backend.readState.markRead('u1', roomId, '5-0')).toBe(true);
      expect(await backend.readState.markRead('u1', roomId, '5-0')).toBe(false);
      expect(await backend.readState.markRead('u1', roomId, '4-9')).toBe(false);
      expect(await backend.readState.markRead('u1', roomId, '5-1')).toBe(true);
    });

    test("counts others' messages after the marker, capped; unopened public rooms count 0", async () => {
      const room = newRoom('private');
      const lobby = newRoom('public');
      const appended: Message[] = [];
      for (const [index, userId] of ['u2', 'u1', 'u2', 'u2', 'u2'].entries()) {
        const result = await backend.messageLog.append(
          request(room.id, `m${index}`, userId),
          unlimited,
        );
        appended.push((result as { message: Message }).message);
        await backend.messageLog.append(request(lobby.id, `l${index}`, userId), unlimited);
      }
      const rooms = [room, lobby];
      expect(await backend.readState.unreadCounts('u1', rooms, 100)).toEqual(
        new Map([
          [room.id, { unread: 4, mentions: 0 }],
          [lobby.id, { unread: 0, mentions: 0 }],
        ]),
      );
      expect((await backend.readState.unreadCounts('u1', rooms, 3)).get(room.id)).toEqual({
        unread: 3,
        mentions: 0,
      });
      await backend.readState.markRead('u1', room.id, appended[2]!.id);
      await backend.readState.markRead('u1', lobby.id, '0-1');
      expect(await backend.readState.unreadCounts('u1', rooms, 100)).toEqual(
        new Map([
          [room.id, { unread: 2, mentions: 0 }],
          [lobby.id, { unread: 4, mentions: 0 }],
        ]),
      );
    });
  });

  describe('Health', () => {
    test('passes while connected', async () => {
      await expect(backend.health.check()).resolves.toBeUndefined();
    });
  });
});

/** Pub/Sub delivery has no completion event for the publisher: wait for the subscriber's effect. */
async function waitFor(condition: () => boolean): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** A total order of events by their JSON, to compare sets of them. */
function byJson(a: unknown, b: unknown): number {
  return JSON.stringify(a) < JSON.stringify(b) ? -1 : 1;
}
