import { randomUUID } from 'node:crypto';
import type { Message, RoomResponse, SearchResponse } from '@chat/shared';
import { archiveAndTrim, testRedis, usePostgres } from '../support/archive';
import { createRoom, http, join, send } from '../support/clients';
import { useCluster } from '../support/cluster';

/*
 * GET /api/search over HTTP (protocol v1.1), on two instances with a real PostgreSQL archive:
 * words and prefixes regardless of case in any script, only in rooms the caller may read,
 * paged by `before`; the protocol's errors for everything else. The archiver's stand-in
 * (support/archive.ts) moves the messages into PostgreSQL.
 */

const pg = usePostgres('search');
const cluster = useCluster({
  instances: 2,
  config: pg.withDatabase({ messageRetention: 1_000_000 }),
});

type Session = Awaited<ReturnType<typeof cluster.userOn>>;
let alice: Session;
let bob: Session;
let carol: Session;
let publicRoom: string;
let privateRoom: string;
let dmRoom: string;
let pagedRoom: string;
const sent = new Map<string, Message>();

beforeAll(async () => {
  [alice, bob, carol] = [await cluster.userOn(0), await cluster.userOn(1), await cluster.userOn(0)];
  publicRoom = await createRoom(cluster.url(0), alice.token);
  privateRoom = await createRoom(cluster.url(0), alice.token, undefined, 'private');
  pagedRoom = await createRoom(cluster.url(1), bob.token);
  const dm = await http<RoomResponse>(cluster.url(0), 'POST', '/api/dms', {
    token: alice.token,
    body: { username: carol.user.username },
  });
  dmRoom = dm.body.room.id;
  const texts: [string, string[]][] = [
    [
      publicRoom,
      [
        'Hello World',
        'hello there',
        'HELLO again',
        'worldwide news',
        'Привет мир',
        'Καλημέρα κόσμε',
        'nothing to see',
      ],
    ],
    [privateRoom, ['hello secret plan']],
    [dmRoom, ['hello dm secret']],
  ];
  for (const [roomId, list] of texts) {
    await join(alice.socket, roomId);
    for (const text of list) sent.set(text, await send(alice.socket, roomId, text));
  }
  await join(bob.socket, pagedRoom);
  for (let i = 0; i < 25; i += 1)
    sent.set(`page item ${i}`, await send(bob.socket, pagedRoom, `page item ${i}`));
  const redis = cluster.closeAfterAll(testRedis(cluster.redis.url));
  for (const roomId of [publicRoom, privateRoom, dmRoom, pagedRoom])
    await archiveAndTrim(cluster.servers[0]!.backend, redis, roomId, 1_000_000);
});

function search(token: string | undefined, query: Record<string, string | number>, instance = 1) {
  const params = new URLSearchParams(
    Object.entries(query).map(([key, value]): [string, string] => [key, String(value)]),
  );
  return http<SearchResponse>(cluster.url(instance), 'GET', `/api/search?${params.toString()}`, {
    token,
  });
}

/** The texts a search finds, newest first; fails on anything but 200. */
async function found(token: string, query: Record<string, string | number>): Promise<string[]> {
  const response = await search(token, query);
  if (response.status !== 200)
    throw new Error(`${response.status} ${JSON.stringify(response.body)}`);
  return response.body.messages.map((message) => message.text);
}

test('finds a word, a prefix of a word, regardless of case, newest first', async () => {
  expect(await found(bob.token, { q: 'news' })).toEqual(['worldwide news']);
  expect(await found(bob.token, { q: 'wor' })).toEqual(['worldwide news', 'Hello World']);
  expect(await found(bob.token, { q: 'hELLo' })).toEqual([
    'HELLO again',
    'hello there',
    'Hello World',
  ]);
  // Every word must match.
  expect(await found(bob.token, { q: 'hello wor' })).toEqual(['Hello World']);
  const [hit] = (await search(bob.token, { q: 'news' })).body.messages;
  expect(hit).toEqual(sent.get('worldwide news'));
});

test('finds words in other scripts, by word and prefix, regardless of case', async () => {
  expect(await found(bob.token, { q: 'привет' })).toEqual(['Привет мир']);
  expect(await found(bob.token, { q: 'МИР' })).toEqual(['Привет мир']);
  expect(await found(bob.token, { q: 'καλημ' })).toEqual(['Καλημέρα κόσμε']);
  expect(await found(bob.token, { q: 'ΚΌΣΜΕ' })).toEqual(['Καλημέρα κόσμε']);
});

test('never across a private room or a DM the caller is not in; members find theirs', async () => {
  expect(await found(bob.token, { q: 'secret' })).toEqual([]);
  expect(await found(carol.token, { q: 'secret' })).toEqual(['hello dm secret']);
  expect(await found(alice.token, { q: 'secret' })).toEqual([
    'hello dm secret',
    'hello secret plan',
  ]);
  expect(await found(alice.token, { q: 'hello' })).toHaveLength(5);
  expect(await found(bob.token, { q: 'hello' })).toHaveLength(3);
});

test('roomId narrows to one room, with history’s access rule: 403 not a member, 404 unknown', async () => {
  expect(await found(alice.token, { q: 'hello', roomId: publicRoom })).toEqual([
    'HELLO again',
    'hello there',
    'Hello World',
  ]);
  expect(await found(alice.token, { q: 'secret', roomId: privateRoom })).toEqual([
    'hello secret plan',
  ]);
  for (const roomId of [privateRoom, dmRoom]) {
    const refused = await search(bob.token, { q: 'secret', roomId });
    expect(refused.status).toBe(403);
    expect(refused.body).toEqual({ error: { code: 'forbidden', message: expect.any(String) } });
  }
  for (const roomId of [randomUUID(), 'not-a-room-id']) {
    const unknown = await search(bob.token, { q: 'secret', roomId });
    expect(unknown.status).toBe(404);
    expect(unknown.body).toEqual({ error: { code: 'not_found', message: expect.any(String) } });
  }
});

test('pages with `before`: newest first, each match once, hasMore until the last page', async () => {
  const pages: SearchResponse[] = [];
  let before: string | undefined;
  do {
    const response = await search(carol.token, {
      q: 'page item',
      limit: 10,
      ...(before && { before }),
    });
    expect(response.status).toBe(200);
    pages.push(response.body);
    before = response.body.messages.at(-1)?.id;
  } while (pages.at(-1)!.hasMore);
  expect(pages.map((page) => page.messages.length)).toEqual([10, 10, 5]);
  const texts = pages.flatMap((page) => page.messages.map((message) => message.text));
  expect(texts).toEqual(Array.from({ length: 25 }, (_, i) => `page item ${24 - i}`));
});

test('tsquery syntax is only separators: a query of operators finds nothing and does not fail', async () => {
  expect(await search(bob.token, { q: '& | ! :*' })).toEqual({
    status: 200,
    body: { messages: [], hasMore: false },
  });
  expect(await found(bob.token, { q: "hello & !world:* | '" })).toEqual(['Hello World']);
  expect(await found(bob.token, { q: '(news) <-> \\' })).toEqual(['worldwide news']);
});

test('400 for a bad query, 401 without a session', async () => {
  const bad: Record<string, string | number>[] = [
    { q: '' },
    { q: '   ' },
    { q: 'a'.repeat(201) },
    { q: 'hello', limit: 0 },
    { q: 'hello', limit: 51 },
    { q: 'hello', before: 'not-an-id' },
  ];
  for (const query of bad) {
    const response = await search(bob.token, query);
    expect(response.status).toBe(400);
    expect(response.body).toEqual({
      error: { code: 'invalid_input', message: expect.any(String) },
    });
  }
  expect((await search(bob.token, { q: 'a'.repeat(200) })).status).toBe(200);
  const anonymous = await search(undefined, { q: 'hello' });
  expect(anonymous.status).toBe(401);
  expect(anonymous.body).toEqual({ error: { code: 'unauthorized', message: expect.any(String) } });
});

test('rate limited per user, with Retry-After', async () => {
  const dave = await cluster.userOn(1);
  const statuses = await Promise.all(
    Array.from({ length: 60 }, () =>
      fetch(`${cluster.url(1)}/api/search?q=hello`, {
        headers: { authorization: `Bearer ${dave.token}` },
      }),
    ),
  );
  const limited = statuses.filter((response) => response.status === 429);
  expect(limited.length).toBeGreaterThan(0);
  expect(Number(limited[0]!.headers.get('retry-after'))).toBeGreaterThan(0);
  expect(statuses.filter((response) => response.status === 200).length).toBeGreaterThan(0);
  await Promise.all(statuses.map((response) => response.text()));
  // Another user is not charged for it.
  expect((await search(carol.token, { q: 'hello' })).status).toBe(200);
});

describe('without DATABASE_URL (and with RATE_LIMITS=off)', () => {
  const bare = useCluster({ instances: 1, config: { rateLimits: 'off' } });

  test('answers 503 unavailable, and RATE_LIMITS=off lifts the search limit too', async () => {
    const erin = await bare.userOn(0);
    const responses = await Promise.all(
      Array.from({ length: 40 }, () =>
        http(bare.url(0), 'GET', '/api/search?q=hello', { token: erin.token }),
      ),
    );
    for (const response of responses)
      expect(response).toEqual({
        status: 503,
        body: { error: { code: 'unavailable', message: expect.any(String) } },
      });
    // History is what Redis retains, as in v1.
    const roomId = await createRoom(bare.url(0), erin.token);
    await join(erin.socket, roomId);
    const message = await send(erin.socket, roomId, 'no archive here');
    const history = await http(bare.url(0), 'GET', `/api/rooms/${roomId}/messages`, {
      token: erin.token,
    });
    expect(history.body).toEqual({ messages: [message], hasMore: false });
  });
});
