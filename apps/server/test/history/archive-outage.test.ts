import { compareMessageIds, type Message } from '@chat/shared';
import { waitUntil } from '@chat/testkit';
import {
  archiveAndTrim,
  historyPage,
  pageBackToFirst,
  pageForwardFromFirst,
  testRedis,
  usePostgres,
} from '../support/archive';
import {
  connect,
  createRoom,
  http,
  join,
  registerUser,
  send,
  type ClientSocket,
} from '../support/clients';
import { TestCluster, useCluster } from '../support/cluster';

/*
 * PostgreSQL is never on the send path, and an outage of it never stops an instance: sends
 * go on, history serves what Redis retains, only what lies in the archive alone answers 503
 * `unavailable`, readiness holds (the body says the archive is down), and everything pages
 * again once it is back. A server that starts while it is down starts anyway and migrates
 * the schema in the background.
 */

const pg = usePostgres('outage');
const cluster = useCluster({
  instances: 2,
  config: pg.withDatabase({ messageRetention: 1_000_000 }),
});
const both = () => [cluster.url(0), cluster.url(1)];
const ids = (messages: Message[]) => messages.map((message) => message.id);

async function fill(socket: ClientSocket, roomId: string, count: number, label: string) {
  const stored: Message[] = [];
  for (let i = 0; i < count; i += 20) {
    const burst = [];
    for (let j = i; j < Math.min(count, i + 20); j += 1)
      burst.push(send(socket, roomId, `${label} ${j}`, `${label}-${j}`));
    stored.push(...(await Promise.all(burst)));
  }
  return stored.sort((a, b) => compareMessageIds(a.id, b.id));
}

async function readiness(baseUrl: string) {
  return http<{ status: string; archive?: string }>(baseUrl, 'GET', '/readyz');
}

/** A counter's value in /metrics' text, summed over the series whose labels include `labels`. */
async function metric(baseUrl: string, name: string, labels = ''): Promise<number> {
  const text = await (await fetch(`${baseUrl}/metrics`)).text();
  return text
    .split('\n')
    .filter((line) => line.startsWith(`${name}{`) && line.includes(labels))
    .reduce((sum, line) => sum + Number(line.split(' ').at(-1)), 0);
}

test('PostgreSQL stopped: sends go on, history serves Redis, the older page answers 503; all of it pages once it is back', async () => {
  const alice = await cluster.userOn(0);
  const roomId = await createRoom(cluster.url(0), alice.token);
  await join(alice.socket, roomId);
  const archived = await fill(alice.socket, roomId, 120, 'early');
  const redis = cluster.closeAfterAll(testRedis(cluster.redis.url));
  await archiveAndTrim(cluster.servers[0]!.backend, redis, roomId, 50);
  expect((await readiness(cluster.url(1))).body).toEqual({ status: 'ready', archive: 'ready' });

  await pg.server.stop();
  const during = await fill(alice.socket, roomId, 10, 'during');
  const inRedis = [...archived.slice(-50), ...during];

  // The newest page: all Redis has, and `hasMore`, as the archive might hold older ones.
  const newest = await historyPage(cluster.url(1), alice.token, roomId, { limit: 100 });
  expect(newest).toEqual({ messages: inRedis, hasMore: true });
  // A full page from Redis whose older neighbours only the archive could tell: hasMore.
  const full = await historyPage(cluster.url(1), alice.token, roomId, { limit: 60 });
  expect(full).toEqual({ messages: inRedis, hasMore: true });
  // What lies in the archive alone: 503, the retryable error, never a false empty page.
  for (const query of [`before=${inRedis[0]!.id}&limit=10`, 'from=oldest&limit=10']) {
    const older = await http(cluster.url(0), 'GET', `/api/rooms/${roomId}/messages?${query}`, {
      token: alice.token,
    });
    expect(older).toEqual({
      status: 503,
      body: { error: { code: 'unavailable', message: expect.any(String) } },
    });
  }
  // Forward paging inside Redis's window needs no archive.
  const inside = await historyPage(cluster.url(0), alice.token, roomId, {
    from: 'oldest',
    after: inRedis[0]!.id,
    limit: 5,
  });
  expect(inside).toEqual({ messages: inRedis.slice(1, 6), hasMore: true });
  // Search has no fallback: 503 while the archive is away.
  const search = await http(cluster.url(1), 'GET', '/api/search?q=early', { token: alice.token });
  expect(search).toEqual({
    status: 503,
    body: { error: { code: 'unavailable', message: expect.any(String) } },
  });
  expect(await metric(cluster.url(1), 'chat_archive_read_errors_total', 'op="search"')).toBe(1);
  // Ready all the same (the balancer keeps the instance), and the body says why history is short.
  expect(await readiness(cluster.url(0))).toEqual({
    status: 200,
    body: { status: 'ready', archive: 'unavailable' },
  });
  expect(
    await metric(cluster.url(0), 'chat_archive_read_errors_total', 'op="list"'),
  ).toBeGreaterThan(0);
  expect(await metric(cluster.url(0), 'chat_archive_available')).toBe(0);

  await pg.server.launch();
  for (const url of both())
    await waitUntil(async () => (await readiness(url)).body.archive === 'ready', {
      what: 'the archive to answer again',
    });
  const everything = [...archived, ...during];
  expect(ids(await pageBackToFirst(both(), alice.token, roomId, 7))).toEqual(ids(everything));
  expect(ids(await pageForwardFromFirst(both(), alice.token, roomId, 50))).toEqual(ids(everything));
  const found = await http<{ messages: Message[] }>(
    cluster.url(1),
    'GET',
    '/api/search?q=early&limit=50',
    {
      token: alice.token,
    },
  );
  expect(ids(found.body.messages)).toEqual(ids([...archived].reverse().slice(0, 50)));
  expect(
    await metric(cluster.url(0), 'chat_archive_read_seconds_count', 'op="list"'),
  ).toBeGreaterThan(0);
});

test('a server that starts while PostgreSQL is down serves, logs one error, and migrates once it is back', async () => {
  const lateUrl = await pg.server.createDatabase('late_schema');
  await pg.server.stop();
  const late = await TestCluster.start(
    1,
    cluster.redis.url,
    { databaseUrl: lateUrl, messageRetention: 1_000_000, instanceId: 'late' },
    { captureLogs: true },
  );
  try {
    const url = late.url(0);
    expect(await readiness(url)).toEqual({
      status: 200,
      body: { status: 'ready', archive: 'unavailable' },
    });
    const user = await registerUser(url);
    const roomId = await createRoom(url, user.token);
    const socket = await connect(url, user.token);
    try {
      await join(socket, roomId);
      const sent = await send(socket, roomId, 'while the archive is away');
      const page = await historyPage(url, user.token, roomId, { limit: 10 });
      expect(page).toEqual({ messages: [sent], hasMore: true });
    } finally {
      socket.close();
    }
    const errors = late.logLines
      .map((line) => JSON.parse(line) as { level: number; msg: string; database?: string })
      .filter((line) => line.msg.startsWith('archive unavailable'));
    expect(errors).toHaveLength(1);
    expect(errors[0]!.level).toBe(50);

    await pg.server.launch();
    await waitUntil(async () => (await readiness(url)).body.archive === 'ready', {
      what: 'the background migration',
    });
    const ready = late.logLines
      .map((line) => JSON.parse(line) as { msg: string; applied?: string[] })
      .find((line) => line.msg === 'archive ready');
    expect(ready?.applied).toEqual(['0001-messages', '0002-versions']);
    const page = await historyPage(url, user.token, roomId, { limit: 10 });
    expect(page.hasMore).toBe(false);
  } finally {
    await late.stop();
  }
});
