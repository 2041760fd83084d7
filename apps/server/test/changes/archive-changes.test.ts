import { isDeepStrictEqual } from 'node:util';
import type { Redis } from 'ioredis';
import type { HistoryResponse, Message, SearchResponse } from '@chat/shared';
import { waitUntil } from '@chat/testkit';
import { PostgresArchive } from '../../src/postgres/archive';
import { poolSqlClient } from '../../src/postgres/sql-client';
import { useArchiveStack } from '../archiver/archive-stack';
import { call, http, registerUser } from '../support/clients';

/*
 * Message changes through the archive as deployed (built servers on two instances, a real
 * archiver, PostgreSQL): the archive ends equal to history after a burst of changes; a
 * deleted message's text is gone from every Redis key and from PostgreSQL, and search never
 * finds it; the upsert keeps the newest version whatever order changes arrive in.
 */

const stack = useArchiveStack({ instances: 2 });

beforeAll(async () => {
  await stack.startArchiver();
}, 60_000);

async function ok(
  socket: Parameters<typeof call>[0],
  event: Parameters<typeof call>[1],
  payload: object,
) {
  const ack = await call(socket, event, payload);
  if (!ack.ok) throw new Error(`${event} failed: ${JSON.stringify(ack.error)}`);
  return ack as { ok: true; message?: Message };
}

async function archivedStates(roomId: string): Promise<Message[]> {
  const { rows } = await stack.db.query<{ message: Message }>(
    'SELECT message FROM messages WHERE room_id = $1 ORDER BY id_ms, id_seq',
    [roomId],
  );
  return rows.map((row) => row.message);
}

/** Every value Redis holds, whatever the key's type, as one string. */
async function everythingInRedis(client: Redis): Promise<string> {
  const parts: string[] = [];
  let cursor = '0';
  do {
    const [next, keys] = await client.scan(cursor, 'COUNT', 500);
    cursor = next;
    for (const key of keys) {
      const type = await client.type(key);
      if (type === 'string') parts.push((await client.get(key)) ?? '');
      else if (type === 'hash') parts.push(JSON.stringify(await client.hgetall(key)));
      else if (type === 'stream') parts.push(JSON.stringify(await client.xrange(key, '-', '+')));
      else if (type === 'set') parts.push(JSON.stringify(await client.smembers(key)));
      else if (type === 'zset') parts.push(JSON.stringify(await client.zrange(key, '0', '-1')));
      else if (type === 'list') parts.push(JSON.stringify(await client.lrange(key, 0, -1)));
    }
  } while (cursor !== '0');
  return parts.join('\n');
}

test('after a burst of changes from two instances the archive holds what history shows', async () => {
  const { roomId, senders } = await stack.room();
  const seeds: Message[] = [];
  for (const [i, socket] of senders.entries())
    seeds.push(
      (await ok(socket, 'message:send', { roomId, text: `seed ${i}`, clientId: `s${i}` })).message!,
    );
  await Promise.all(
    senders.map(async (socket, i) => {
      for (let round = 0; round < 5; round += 1) {
        await Promise.all([
          call(socket, 'message:send', {
            roomId,
            text: `i${i} r${round}`,
            clientId: `m${i}-${round}`,
          }),
          call(socket, 'reaction:add', {
            roomId,
            messageId: seeds[round % 2]!.id,
            emoji: `:r${round}:`,
          }),
          call(socket, 'message:edit', { roomId, messageId: seeds[i]!.id, text: `edit ${round}` }),
        ]);
      }
    }),
  );
  const { body } = await http<HistoryResponse>(
    stack.url(0),
    'GET',
    `/api/rooms/${roomId}/messages?limit=100`,
    {
      token: (await registerUser(stack.url(0))).token,
    },
  );
  expect(body.messages).toHaveLength(2 + 2 * 5);
  await waitUntil(async () => isDeepStrictEqual(await archivedStates(roomId), body.messages), {
    what: 'the archive to equal history',
    timeoutMs: 20_000,
    intervalMs: 100,
  });
});

test("a deleted message's text is gone from Redis and PostgreSQL, and search never finds it", async () => {
  const { roomId, senders } = await stack.room();
  const [author, other] = senders as [Parameters<typeof call>[0], Parameters<typeof call>[0]];
  const secret = `zanzibarsecret${Date.now()}`;
  const original = (
    await ok(author, 'message:send', { roomId, text: `first ${secret}`, clientId: 'secret-1' })
  ).message!;
  await ok(other, 'reaction:add', { roomId, messageId: original.id, emoji: '🔥' });
  await ok(author, 'message:edit', { roomId, messageId: original.id, text: `edited ${secret}x` });
  const reply = (
    await ok(other, 'message:send', {
      roomId,
      text: 'a reply',
      clientId: 'r-1',
      replyTo: original.id,
    })
  ).message!;
  expect(reply.replyTo!.text).toContain(secret);
  await waitUntil(async () => (await archivedStates(roomId)).length === 2, {
    what: 'both archived',
  });

  await ok(author, 'message:delete', { roomId, messageId: original.id });
  const feed = stack.keys.archiveFeed();
  await waitUntil(
    async () => {
      const rows = await archivedStates(roomId);
      return (
        rows[0]?.deleted === true &&
        rows[1]?.replyTo?.deleted === true &&
        (await stack.client.xlen(feed)) === 0
      );
    },
    { what: 'the delete archived and the feed trimmed', timeoutMs: 20_000, intervalMs: 100 },
  );

  expect(await everythingInRedis(stack.client)).not.toContain(secret);
  const { rows } = await stack.db.query<{ dump: string }>(
    'SELECT message::text AS dump FROM messages WHERE room_id = $1',
    [roomId],
  );
  expect(rows).toHaveLength(2);
  for (const row of rows) expect(row.dump).not.toContain(secret);
  const [tombstone, followed] = await archivedStates(roomId);
  expect(tombstone).toEqual({ ...original, text: '', deleted: true });
  expect(followed!.replyTo).toEqual({ ...reply.replyTo, text: '', deleted: true });

  const reader = await registerUser(stack.url(1));
  const found = await http<SearchResponse>(
    stack.url(1),
    'GET',
    `/api/search?q=${secret}&roomId=${roomId}`,
    {
      token: reader.token,
    },
  );
  expect(found.status).toBe(200);
  expect(found.body.messages).toEqual([]);
});

test('the archive keeps the newest version when changes arrive out of order or again', async () => {
  const archive = new PostgresArchive(poolSqlClient(stack.db));
  const roomId = `versions-${Date.now()}`;
  const base: Message = {
    id: '1700000000000-0',
    roomId,
    userId: 'u',
    username: 'ann',
    text: 'v0',
    clientId: 'c',
    createdAt: new Date(1700000000000).toISOString(),
  };
  const at = (text: string) => ({ ...base, text, editedAt: base.createdAt });
  expect(await archive.writeChanges([{ message: at('v2'), version: '1700000000005-1' }])).toBe(1);
  // Older, then the same again, then the original insert: none overwrites v2.
  expect(await archive.writeChanges([{ message: at('v1'), version: '1700000000005-0' }])).toBe(0);
  expect(await archive.writeChanges([{ message: at('v2'), version: '1700000000005-1' }])).toBe(0);
  expect(await archive.writeBatch([base])).toBe(0);
  expect((await archivedStates(roomId))[0]!.text).toBe('v2');
  // In one batch, the newest of each message wins, whatever the order.
  expect(
    await archive.writeChanges([
      { message: at('v4'), version: '1700000000009-0' },
      { message: at('v3'), version: '1700000000008-0' },
    ]),
  ).toBe(1);
  expect((await archivedStates(roomId))[0]!.text).toBe('v4');
});
