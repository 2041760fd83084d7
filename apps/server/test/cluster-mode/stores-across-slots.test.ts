import { randomUUID } from 'node:crypto';
import { Cluster } from 'ioredis';
import pino from 'pino';
import type { Message, Room } from '@chat/shared';
import { configWith } from '../../src/config';
import type { Backend } from '../../src/ports';
import { createRedisBackend } from '../../src/redis/backend';
import { redisKeys, type RedisKeys } from '../../src/redis/keys';
import { roomPartition } from '../../src/redis/room-partition';
import { RedisCluster, RedisServer } from '@chat/testkit';

/*
 * Issue 15, cluster mode (docs/ARCHITECTURE.md "Cluster mode: stores across slots"): a store
 * write that spans slots is two or three steps, ordered so that a crash between them is
 * harmless. Each test here writes the state such a crash leaves (with a plain cluster client,
 * as the crashed instance would have) and shows what the next caller sees; and the races the
 * single-mode scripts settled atomically still end with one winner.
 */

const silent = pino({ level: 'silent' });
let redisCluster: RedisCluster;
let redis: RedisServer;
let raw: Cluster;
let backend: Backend;
let keys: RedisKeys;
let prefix: string;

beforeAll(async () => {
  [redisCluster, redis] = await Promise.all([RedisCluster.start(), RedisServer.start()]);
  const [host, port] = new URL(redisCluster.url.split(',')[0]!).host.split(':');
  raw = new Cluster([{ host: host!, port: Number(port) }]);
});
afterAll(async () => {
  raw.disconnect();
  await Promise.all([redisCluster.destroy(), redis.destroy()]);
});

beforeEach(async () => {
  prefix = `t${randomUUID()}:`;
  keys = redisKeys(prefix, 'cluster');
  backend = clusterBackend();
  await backend.start();
});
afterEach(async () => {
  await backend.close();
});

function clusterBackend(): Backend {
  return createRedisBackend(
    configWith({
      redisUrl: redisCluster.url,
      redisMode: 'cluster',
      redisKeyPrefix: prefix,
      instanceId: 'stores',
    }),
    silent,
    { onDropped: () => {} },
  );
}

const newRoom = (kind: Room['kind'], name = `room-${randomUUID()}`): Room => ({
  id: randomUUID(),
  name,
  kind,
  createdBy: 'creator',
  createdAt: new Date().toISOString(),
});

describe('users', () => {
  test('a user hash without its name (a crash before the reservation) is invisible, and the name stays free', async () => {
    const orphan = { id: randomUUID(), username: `Orphan${randomUUID().slice(0, 8)}` };
    await raw.hset(keys.user(orphan.id), { ...orphan, passwordHash: 'h', createdAt: 'then' });
    expect(await backend.users.findByUsername(orphan.username)).toBeNull();
    const user = {
      id: randomUUID(),
      username: orphan.username,
      passwordHash: 'h2',
      createdAt: 'now',
    };
    expect(await backend.users.create(user)).toBe('created');
    expect(await backend.users.findByUsername(orphan.username)).toEqual(user);
  });

  test('ten registrations of one name at once: one is created, the others leave no user behind', async () => {
    const username = `Race${randomUUID().slice(0, 8)}`;
    const users = Array.from({ length: 10 }, (_, index) => ({
      id: randomUUID(),
      username: index % 2 ? username.toUpperCase() : username,
      passwordHash: `h${index}`,
      createdAt: 'now',
    }));
    const outcomes = await Promise.all(users.map((user) => backend.users.create(user)));
    expect(outcomes.filter((outcome) => outcome === 'created')).toHaveLength(1);
    const winner = users[outcomes.indexOf('created')]!;
    expect(await backend.users.findByUsername(username)).toEqual(winner);
    for (const loser of users.filter((user) => user !== winner))
      expect(await backend.users.findById(loser.id)).toBeNull();
  });

  test('a create retried with the same id after it succeeded answers taken and keeps the user', async () => {
    const user = {
      id: randomUUID(),
      username: `Retry${randomUUID().slice(0, 8)}`,
      passwordHash: 'h',
      createdAt: 'now',
    };
    expect(await backend.users.create(user)).toBe('created');
    expect(await backend.users.create(user)).toBe('taken');
    expect(await backend.users.findByUsername(user.username)).toEqual(user);
  });
});

describe('sessions', () => {
  test('an index entry without its session (a crash before the session) revokes nothing and breaks nothing', async () => {
    await raw.zadd(keys.userSessions('u-crash'), Date.now() + 60_000, 'never-written');
    await backend.sessions.create('written', 'u-crash', 60);
    expect(await backend.sessions.revokeAllOf('u-crash')).toEqual(['written']);
    expect(await backend.sessions.resolve('written')).toBeNull();
  });

  test('every live session is indexed under its user before it can be used', async () => {
    await Promise.all(
      ['s1', 's2', 's3'].map((hash) =>
        backend.sessions.create(`${hash}-${keys.mode}`, 'u-idx', 60),
      ),
    );
    const indexed = await raw.zrange(keys.userSessions('u-idx'), '0', '-1');
    expect(indexed.sort()).toEqual(['s1-cluster', 's2-cluster', 's3-cluster']);
    expect(await backend.sessions.revokeAllOf('u-idx')).toHaveLength(3);
    expect(await raw.zcard(keys.userSessions('u-idx'))).toBe(0);
  });
});

describe('public rooms', () => {
  test('a named room missing from the public list (a crash before the list) is listed by the next create of its name', async () => {
    const room = newRoom('public');
    await raw.hset(keys.room(room.id), { ...room });
    await raw.set(keys.publicRoomName(room.name), room.id);
    expect(await backend.rooms.listPublic()).toEqual([]);
    expect(await backend.rooms.create(newRoom('public', room.name.toUpperCase()), ['a'])).toBe(
      'name_taken',
    );
    expect(await backend.rooms.listPublic()).toEqual([room]);
  });

  test('five creates of one name at once: one room, listed once; the losers leave no room behind', async () => {
    const name = `Lobby-${randomUUID()}`;
    const rooms = Array.from({ length: 5 }, () => newRoom('public', name));
    const outcomes = await Promise.all(rooms.map((room) => backend.rooms.create(room, ['a'])));
    expect(outcomes.filter((outcome) => outcome === 'created')).toHaveLength(1);
    const winner = rooms[outcomes.indexOf('created')]!;
    expect(await backend.rooms.listPublic()).toEqual([winner]);
    for (const loser of rooms.filter((room) => room !== winner)) {
      expect(await backend.rooms.get(loser.id)).toBeNull();
      expect(await backend.rooms.isMember(loser.id, 'a')).toBe(false);
    }
  });
});

describe('DMs', () => {
  test('a pair pointing to a room not written yet (a crash after the claim) gets it written by the next caller', async () => {
    const claimed = newRoom('dm');
    await raw.set(keys.dm('p', 'q'), claimed.id);
    const { room, created } = await backend.rooms.getOrCreateDm(newRoom('dm'), ['q', 'p']);
    expect(created).toBe(false);
    expect(room.id).toBe(claimed.id);
    expect(await backend.rooms.get(claimed.id)).toEqual(room);
    expect(await backend.rooms.isMember(claimed.id, 'p')).toBe(true);
    expect(await backend.rooms.isMember(claimed.id, 'q')).toBe(true);
    expect(await backend.rooms.listPrivateFor('p')).toEqual([room]);
    expect(await backend.rooms.listPrivateFor('q')).toEqual([room]);
  });

  test('six callers of one pair at once on two instances: one room, created once, the same for all', async () => {
    const other = clusterBackend();
    await other.start();
    try {
      const answers = await Promise.all(
        Array.from({ length: 6 }, (_, index) =>
          (index % 2 ? other : backend).rooms.getOrCreateDm(
            newRoom('dm'),
            index % 3 ? ['m', 'n'] : ['n', 'm'],
          ),
        ),
      );
      expect(answers.filter((answer) => answer.created)).toHaveLength(1);
      expect(new Set(answers.map((answer) => JSON.stringify(answer.room))).size).toBe(1);
      expect(await backend.rooms.listPrivateFor('m')).toEqual([answers[0]!.room]);
      expect(await backend.rooms.memberIds(answers[0]!.room.id, 10)).toEqual(['m', 'n']);
    } finally {
      await other.close();
    }
  });
});

describe('members', () => {
  test('a member missing from their list (a crash between the steps) is listed when added again, and that counts as added', async () => {
    const secret = newRoom('private');
    await backend.rooms.create(secret, ['a']);
    await raw.sadd(keys.roomMembers(secret.id), 'b');
    expect(await backend.rooms.listPrivateFor('b')).toEqual([]);
    expect(await backend.rooms.addMember(secret.id, 'b')).toBe(true);
    expect(await backend.rooms.listPrivateFor('b')).toEqual([secret]);
    expect(await backend.rooms.addMember(secret.id, 'b')).toBe(false);
  });

  test('a room still listed after its member left (a crash between the steps) is unlisted by leaving again', async () => {
    const secret = newRoom('private');
    await backend.rooms.create(secret, ['a']);
    await raw.srem(keys.roomMembers(secret.id), 'a');
    expect(await backend.rooms.removeMember(secret.id, 'a')).toBe(true);
    expect(await backend.rooms.listPrivateFor('a')).toEqual([]);
    expect(await backend.rooms.removeMember(secret.id, 'a')).toBe(false);
  });

  test("a private room's members see it listed, across many rooms in many slots", async () => {
    // A millisecond apart: the lists order by creation time.
    const rooms = Array.from({ length: 40 }, (_, index) => ({
      ...newRoom('private'),
      createdAt: new Date(Date.UTC(2026, 0, 1) + index).toISOString(),
    }));
    for (const room of rooms) await backend.rooms.create(room, ['lister', `other-${room.id}`]);
    expect(await backend.rooms.listPrivateFor('lister')).toEqual(rooms);
    expect(await backend.rooms.listPrivateFor('lister', { limit: 7 })).toEqual(rooms.slice(0, 7));
  });
});

describe('unread counts across room partitions', () => {
  /**
   * The same rooms, messages and markers on single mode's one script and on cluster mode's
   * HMGET plus one script per partition: the same counts, in the order asked.
   */
  test('equal to single mode for 30 rooms in different partitions, with markers, mentions and unopened public rooms', async () => {
    const single = createRedisBackend(
      configWith({
        redisUrl: redis.url,
        redisKeyPrefix: `t${randomUUID()}:`,
        instanceId: 'single',
      }),
      silent,
      { onDropped: () => {} },
    );
    await single.start();
    try {
      const rooms = Array.from({ length: 30 }, (_, index) =>
        newRoom(index % 3 === 0 ? 'public' : 'private'),
      );
      expect(new Set(rooms.map((room) => roomPartition(room.id))).size).toBeGreaterThan(20);
      const counts = [];
      for (const each of [single, backend]) {
        for (const [index, room] of rooms.entries()) {
          const sent: Message[] = [];
          for (let n = 0; n < index % 7; n += 1) {
            const result = await each.messageLog.append(
              {
                roomId: room.id,
                userId: n % 3 === 2 ? 'reader' : 'writer',
                username: 'w',
                text: `m${n}`,
                clientId: `c${n}`,
                mentions: n % 2 ? ['reader'] : [],
              },
              { ratePerSec: 0, burst: 0 },
            );
            sent.push((result as { message: Message }).message);
          }
          if (index % 4 === 1 && sent[1])
            await each.readState.markRead('reader', room.id, sent[1].id);
          if (index % 6 === 0 && sent[0])
            await each.readState.markRead('reader', room.id, sent[0].id);
        }
        counts.push([...(await each.readState.unreadCounts('reader', rooms, 4)).entries()]);
      }
      expect(counts[1]).toEqual(counts[0]);
      expect(counts[0]!.map(([id]) => id)).toEqual(rooms.map((room) => room.id));
      // Not all zero: the comparison compares something.
      expect(counts[0]!.some(([, count]) => count.unread > 0 && count.mentions > 0)).toBe(true);
    } finally {
      await single.close();
    }
  });
});
