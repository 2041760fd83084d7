import type { PresenceResponse, RoomsResponse } from '@chat/shared';
import { call, connect, createRoom, http, registerUser } from '../support/clients';
import { useCluster, type ClusterFixture } from '../support/cluster';

/*
 * Regression: the expensive calls had no bound. GET /api/rooms answered every public room in one
 * response, GET /api/presence read every online user from Redis on every call (every client
 * calls it on every reconnect), and room:join (a room read and an access check each) was limited
 * only by the flood guard. Now rooms come in pages (ROOMS_PAGE_MAX, `cursor`/`nextCursor`), the
 * online list is read once per instance and reused until a presence change (PRESENCE_CACHE_MS),
 * and each of the three is rate limited per user (429 / rate_limited with the wait).
 */

/** Fires `count` GETs at once; the statuses, and the Retry-After of the first 429. */
async function burst(url: string, path: string, token: string, count: number) {
  const responses = await Promise.all(
    Array.from({ length: count }, () =>
      fetch(`${url}${path}`, { headers: { authorization: `Bearer ${token}` } }),
    ),
  );
  const limited = responses.find((response) => response.status === 429);
  const body = limited ? ((await limited.json()) as { error: { code: string } }) : undefined;
  return {
    statuses: responses.map((response) => response.status),
    retryAfter: limited?.headers.get('retry-after'),
    code: body?.error.code,
  };
}

/** Every page of GET /api/rooms, following nextCursor. */
async function allPages(cluster: ClusterFixture, token: string, query = '') {
  const pages: RoomsResponse[] = [];
  let cursor: string | undefined;
  do {
    const params = new URLSearchParams(query);
    if (cursor) params.set('cursor', cursor);
    const { status, body } = await http<RoomsResponse>(
      cluster.url(pages.length),
      'GET',
      `/api/rooms?${params}`,
      { token },
    );
    expect(status).toBe(200);
    pages.push(body);
    cursor = body.nextCursor;
  } while (cursor !== undefined && pages.length < 50);
  return pages;
}

describe.each([
  ['redis', {}],
  // Issue 15: the rooms' hashes in many slots, read concurrently.
  ['redis cluster', { cluster: true }],
  ['embedded', false],
] as const)('GET /api/rooms pages (%s)', (_name, redis) => {
  const cluster = useCluster({
    instances: redis === false ? 1 : 2,
    redis,
    config: { roomsPageMax: 3 },
  });

  test('pages of at most ROOMS_PAGE_MAX rooms, public then own, together every room once', async () => {
    const owner = await registerUser(cluster.url(0));
    const other = await registerUser(cluster.url(1));
    const publicIds = [];
    for (let i = 0; i < 5; i += 1) publicIds.push(await createRoom(cluster.url(i), owner.token));
    const ownIds = [
      await createRoom(cluster.url(0), owner.token, undefined, 'private'),
      await createRoom(cluster.url(1), owner.token, undefined, 'private'),
    ];
    const foreign = await createRoom(cluster.url(0), other.token, undefined, 'private');

    const pages = await allPages(cluster, owner.token);
    const ids = pages.flatMap((page) => page.rooms.map((room) => room.id));
    expect(pages.map((page) => page.rooms.length)).toEqual([3, 3, 1]);
    expect(ids).toEqual([...publicIds, ...ownIds]);
    expect(ids).not.toContain(foreign);
    // A larger limit still gets ROOMS_PAGE_MAX; a smaller one is honoured.
    expect((await allPages(cluster, owner.token, 'limit=1000'))[0]!.rooms).toHaveLength(3);
    const ones = await allPages(cluster, owner.token, 'limit=1');
    expect(ones.flatMap((page) => page.rooms.map((room) => room.id))).toEqual(ids);
    // A cursor the server did not issue is invalid input.
    const bad = await http(cluster.url(0), 'GET', '/api/rooms?cursor=zz', { token: owner.token });
    expect(bad).toEqual({
      status: 400,
      body: { error: { code: 'invalid_input', message: expect.any(String) } },
    });
  });
});

describe('rates and the online list', () => {
  const cluster = useCluster({ instances: 2 });

  test('GET /api/rooms and GET /api/presence are rate limited per user: 429 rate_limited with Retry-After', async () => {
    const user = await registerUser(cluster.url(0));
    for (const path of ['/api/rooms', '/api/presence']) {
      const { statuses, retryAfter, code } = await burst(cluster.url(0), path, user.token, 130);
      expect(statuses.filter((status) => status === 200).length).toBeGreaterThanOrEqual(100);
      expect(statuses).toContain(429);
      expect({ code, retryAfter }).toEqual({
        code: 'rate_limited',
        retryAfter: expect.stringMatching(/^\d+$/),
      });
    }
    // Another user is not affected.
    const other = await registerUser(cluster.url(1));
    expect(
      (await http(cluster.url(0), 'GET', '/api/presence', { token: other.token })).status,
    ).toBe(200);
  });

  test('room:join is rate limited per user, whatever the socket: rate_limited with retryAfterMs', async () => {
    const user = await registerUser(cluster.url(0));
    const roomId = await createRoom(cluster.url(0), user.token);
    const sockets = [
      await connect(cluster.url(0), user.token),
      await connect(cluster.url(1), user.token),
    ];
    cluster.sockets.push(...sockets);
    const acks = await Promise.all(
      Array.from({ length: 400 }, (_, i) => call(sockets[i % 2]!, 'room:join', { roomId })),
    );
    const ok = acks.filter((ack) => ack.ok).length;
    expect(ok).toBeGreaterThanOrEqual(300);
    expect(ok).toBeLessThan(400);
    expect(acks.find((ack) => !ack.ok)).toEqual({
      ok: false,
      error: {
        code: 'rate_limited',
        message: expect.any(String),
        retryAfterMs: expect.any(Number),
      },
    });
  });

  test('the online list is read once per instance for many callers, and a presence change is seen at once', async () => {
    const store = cluster.servers[0]!.backend.presence;
    const read = store.online.bind(store);
    let reads = 0;
    store.online = () => {
      reads += 1;
      return read();
    };
    try {
      const users = await Promise.all(
        Array.from({ length: 5 }, () => registerUser(cluster.url(0))),
      );
      const watcher = await connect(cluster.url(0), users[0]!.token);
      cluster.sockets.push(watcher);
      const list = (token: string) =>
        http<PresenceResponse>(cluster.url(0), 'GET', '/api/presence', { token });
      await list(users[0]!.token);
      const before = reads;
      const answers = await Promise.all(
        users.flatMap((user) => [list(user.token), list(user.token)]),
      );
      expect(answers.every((answer) => answer.status === 200)).toBe(true);
      expect(reads - before).toBeLessThanOrEqual(1);

      // A user comes online on the other instance: the next answer has them.
      const newcomer = await registerUser(cluster.url(1));
      const online = new Promise<void>((resolve) =>
        watcher.on(
          'presence',
          (event) => event.user.id === newcomer.user.id && event.online && resolve(),
        ),
      );
      cluster.sockets.push(await connect(cluster.url(1), newcomer.token));
      await online;
      const ids = (await list(users[1]!.token)).body.online.map((user) => user.id);
      expect(ids).toContain(newcomer.user.id);
    } finally {
      store.online = read;
    }
  });
});
