import { Redis } from 'ioredis';
import type { PresenceEvent } from '@chat/shared';
import {
  connect,
  createRoom,
  http,
  Inbox,
  join,
  registerUser,
  send,
  type ClientSocket,
} from '../support/clients';
import {
  freePort,
  ProcessCluster,
  RedisServer,
  ServerProcess,
  waitUntil,
  type Nginx,
} from '@chat/testkit';
import type { ResilientClient } from '../support/resilient-client';
import { resilientRoom, Traffic } from '../support/traffic';

/*
 * Faults, with real processes: three server instances behind a real nginx on
 * one real Redis (AOF), while clients on every instance exchange messages
 * without pause. Each scenario ends with the same check: every acked message
 * reached every client exactly once, in room order, nothing missing after
 * the clients rejoined with `after`.
 */

const FAST = {
  MESSAGE_RATE_PER_SEC: '0',
  PRESENCE_HEARTBEAT_MS: '300',
  PRESENCE_TTL_MS: '2000',
  PRESENCE_GRACE_MS: '0',
  REDIS_COMMAND_TIMEOUT_MS: '500',
  CHAT_DEBUG_HOOKS: 'true',
  // The traffic sends as fast as acks return (hundreds a second), as no real
  // client may: the per-user and per-connection limits are tested elsewhere.
  SOCKET_EVENTS_PER_SEC: '0',
};

interface Stack {
  cluster: ProcessCluster;
  redis: RedisServer;
  servers: ServerProcess[];
  nginx: Nginx;
  instanceIds: string[];
  /** Clients a test opened, closed before the stack stops. */
  clients: ResilientClient[];
}

async function startStack(): Promise<Stack> {
  const instanceIds = ['fault-0', 'fault-1', 'fault-2'];
  const cluster = await ProcessCluster.start({
    instances: instanceIds.length,
    redis: { appendOnly: true },
    env: (index) => ({ ...FAST, INSTANCE_ID: instanceIds[index] }),
    nginx: {},
    killOnDestroy: true,
  });
  const { redis, servers, nginx } = cluster;
  return { cluster, redis, servers, nginx, instanceIds, clients: [] };
}

async function stopStack(stack: Stack): Promise<void> {
  for (const client of stack.clients) client.close();
  await stack.cluster.destroy();
}

/** One resilient client per instance, through nginx, closed with the stack. */
async function clientsOnEveryInstance(stack: Stack) {
  const room = await resilientRoom(stack.nginx.url, 3);
  stack.clients.push(...room.clients);
  return room;
}

/** Lets the traffic run until `count` more messages were acked in total. */
async function trafficFor(clients: ResilientClient[], count: number): Promise<void> {
  const start = clients.reduce((sum, client) => sum + client.acked.length, 0);
  await waitUntil(
    () => clients.reduce((sum, client) => sum + client.acked.length, 0) >= start + count,
    {
      what: `${count} more acked messages`,
      intervalMs: 10,
    },
  );
}

describe('with three instances behind nginx', () => {
  let stack: Stack;
  beforeEach(async () => {
    stack = await startStack();
  }, 60_000);
  afterEach(async () => {
    await stopStack(stack);
  });

  test('1. SIGKILL an instance: its clients move and recover everything, the others never notice', async () => {
    const { clients, instances } = await clientsOnEveryInstance(stack);
    const victimIndex = stack.instanceIds.indexOf(instances[0]!);
    const victim = stack.servers[victimIndex]!;
    // A user connected straight to the victim, with no reconnection: presence must drop them.
    const loner = await registerUser(victim.url);
    const lonerSocket = await connect(victim.url, loner.token);
    const observer = await registerUser(stack.nginx.url);
    const observerSocket = await connect(stack.servers[(victimIndex + 1) % 3]!.url, observer.token);
    const wentOffline = new Promise<PresenceEvent>((resolve) =>
      observerSocket.on(
        'presence',
        (event) => event.user.id === loner.user.id && !event.online && resolve(event),
      ),
    );

    const traffic = new Traffic(clients);
    traffic.start();
    await trafficFor(clients, 20);
    expect(await victim.stop('SIGKILL')).toBeNull();
    await trafficFor(clients, 40);
    await traffic.stopAndVerify();

    expect(clients[0]!.disconnects).toBeGreaterThanOrEqual(1);
    expect(clients[1]!.disconnects).toBe(0);
    expect(clients[2]!.disconnects).toBe(0);
    await wentOffline; // PRESENCE_TTL_MS=2000 here; with the defaults it is at most 20 s.
    lonerSocket.close();
    observerSocket.close();
  }, 90_000);

  test('2. restart Redis (AOF) mid-stream: no acked message lost, errors instead of false acks, then resumes', async () => {
    const { clients } = await clientsOnEveryInstance(stack);
    const traffic = new Traffic(clients);
    traffic.start();
    await trafficFor(clients, 20);
    await stack.redis.stop();
    // While it is down, sends fail (and the clients keep retrying with the same clientIds).
    await waitUntil(() => clients.some((client) => client.failedSends > 0), {
      what: 'a failed send',
    });
    await stack.redis.launch();
    await trafficFor(clients, 30);
    const acked = await traffic.stopAndVerify();
    const history = await http<{ messages: { id: string }[] }>(
      stack.nginx.url,
      'GET',
      `/api/rooms/${acked[0]!.roomId}/messages?limit=100`,
      { token: (await registerUser(stack.nginx.url)).token },
    );
    // The stored history is what every client received (the first message, then the traffic).
    expect(acked.length).toBeGreaterThan(0);
    expect(history.body.messages.map((m) => m.id)).toEqual(
      clients[0]!.received.slice(-100).map((m) => m.id),
    );
  }, 90_000);

  test('3. pause Redis (SIGSTOP) then resume: timeouts surface as errors, memory stays bounded, recovery is automatic', async () => {
    const { clients } = await clientsOnEveryInstance(stack);
    const rss = async () =>
      Number(
        /^chat_process_process_resident_memory_bytes(?:\{[^}]*\})? (\d+)$/m.exec(
          await (await fetch(`${stack.servers[0]!.url}/metrics`)).text(),
        )![1],
      );
    const rssBefore = await rss();
    const traffic = new Traffic(clients);
    traffic.start();
    await trafficFor(clients, 20);
    const redisPid = stack.redis.pid;
    process.kill(redisPid, 'SIGSTOP');
    try {
      await waitUntil(() => clients.every((client) => client.failedSends > 0), {
        what: 'every client to see a timeout',
      });
      expect((await http(stack.servers[1]!.url, 'GET', '/readyz')).status).toBe(503);
    } finally {
      process.kill(redisPid, 'SIGCONT');
    }
    await trafficFor(clients, 30);
    await traffic.stopAndVerify();
    // Nothing queued up while Redis was frozen: sends failed fast instead of piling up.
    expect((await rss()) - rssBefore).toBeLessThan(64 * 1024 * 1024);
  }, 90_000);

  test('5. an instance whose event loop stalls does not stop the others', async () => {
    const { clients, instances } = await clientsOnEveryInstance(stack);
    const stalled = stack.instanceIds.indexOf(instances[0]!);
    const others = clients.slice(1);
    let stallOver = false;
    const stall = http(stack.servers[stalled]!.url, 'POST', '/debug/stall', {
      body: { ms: 5000 },
    }).then(() => {
      stallOver = true;
    });
    // While instance `stalled` is frozen, the clients on the other two keep talking.
    const traffic = new Traffic(others);
    traffic.start();
    await trafficFor(others, 20);
    expect(stallOver).toBe(false);
    await stall;
    await traffic.stopAndVerify();
    // And the stalled instance's client catches up afterwards.
    await clients[0]!.waitForCount(others[0]!.received.length);
    expect(clients[0]!.received.map((m) => m.id)).toEqual(others[0]!.received.map((m) => m.id));
  }, 90_000);
});

test('4. a slow consumer is closed; the rest of the room gets everything', async () => {
  const redis = await RedisServer.start();
  const server = await ServerProcess.start({
    ...FAST,
    REDIS_URL: redis.url,
    MAX_SOCKET_BUFFER_BYTES: String(256 * 1024),
  });
  try {
    const alice = await registerUser(server.url);
    const bob = await registerUser(server.url);
    const sloth = await registerUser(server.url);
    const roomId = await createRoom(server.url, alice.token);
    const aliceSocket = await connect(server.url, alice.token);
    const bobSocket = await connect(server.url, bob.token);
    const slothSocket = await connect(server.url, sloth.token);
    for (const socket of [aliceSocket, bobSocket, slothSocket]) await join(socket, roomId);
    const slothClosed = new Promise<string>((resolve) =>
      slothSocket.once('disconnect', (reason) => resolve(reason)),
    );
    // The sloth stops reading its TCP socket entirely.
    const engine = slothSocket.io.engine as unknown as {
      transport: { ws: { _socket: { pause(): void; resume(): void } } };
    };
    engine.transport.ws._socket.pause();

    const inbox = new Inbox(bobSocket);
    const text = 'x'.repeat(4000);
    const total = 3000; // ~12 MB through a reader that reads nothing
    for (let i = 0; i < total; i += 100) {
      await Promise.all(
        Array.from({ length: 100 }, (_, j) => send(aliceSocket, roomId, text, `slow-${i + j}`)),
      );
    }
    expect((await inbox.waitFor(total)).length).toBe(total);
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    expect(metrics).toMatch(/^chat_slow_consumers_closed_total(?:\{[^}]*\})? 1$/m);
    engine.transport.ws._socket.resume();
    // A transport close, so a Socket.IO client reconnects by itself and catches up.
    expect(await slothClosed).toBe('transport close');
    for (const socket of [aliceSocket, bobSocket]) socket.close();
  } finally {
    await server.stop('SIGKILL');
    await redis.destroy();
  }
}, 90_000);

test('6. clocks an hour apart on two instances do not reorder a room', async () => {
  const redis = await RedisServer.start();
  const ahead = await ServerProcess.start({ ...FAST, REDIS_URL: redis.url }, undefined, {
    wrapper: ['faketime', '-f', '+1h'],
  });
  const behind = await ServerProcess.start({ ...FAST, REDIS_URL: redis.url }, undefined, {
    wrapper: ['faketime', '-f', '-1h'],
  });
  const sockets: ClientSocket[] = [];
  try {
    const alice = await registerUser(ahead.url);
    const bob = await registerUser(behind.url);
    const roomId = await createRoom(ahead.url, alice.token);
    const a = await connect(ahead.url, alice.token);
    const b = await connect(behind.url, bob.token);
    sockets.push(a, b);
    await join(a, roomId);
    await join(b, roomId);
    const inbox = new Inbox(a);
    const sent = [];
    for (let i = 0; i < 20; i += 1) sent.push(await send(i % 2 === 0 ? a : b, roomId, `turn ${i}`));
    const received = await inbox.waitFor(20);
    expect(received.map((m) => m.text)).toEqual(sent.map((m) => m.text));
    const times = received.map((m) => Date.parse(m.createdAt));
    expect(times).toEqual([...times].sort((x, y) => x - y));
    // Message times come from Redis, not from either skewed instance.
    expect(Math.abs(times.at(-1)! - Date.now())).toBeLessThan(10 * 60 * 1000);
  } finally {
    for (const socket of sockets) socket.close();
    await ahead.stop('SIGKILL');
    await behind.stop('SIGKILL');
    await redis.destroy();
  }
}, 60_000);

test('7. Redis unreachable at start-up: a clear message and exit code 1, never half-serving', async () => {
  const closedPort = await freePort();
  const error = await ServerProcess.start({
    REDIS_URL: `redis://127.0.0.1:${closedPort}`,
    REDIS_CONNECT_TIMEOUT_MS: '1000',
  }).then(
    () => new Error('it started'),
    (reason: Error) => reason,
  );
  expect(error.message).toMatch(/exited with 1/);
  expect(error.message).toContain(`could not reach redis at redis://127.0.0.1:${closedPort}`);
  expect(error.message).not.toContain('"msg":"listening"');
});

test('8. garbage on MESSAGES and EVENTS is dropped, counted, and disconnects nobody', async () => {
  const redis = await RedisServer.start();
  const servers = [
    await ServerProcess.start({ ...FAST, REDIS_URL: redis.url }),
    await ServerProcess.start({ ...FAST, REDIS_URL: redis.url }),
  ];
  try {
    const alice = await registerUser(servers[0]!.url);
    const bob = await registerUser(servers[1]!.url);
    const roomId = await createRoom(servers[0]!.url, alice.token);
    const a = await connect(servers[0]!.url, alice.token);
    const b = await connect(servers[1]!.url, bob.token);
    await join(a, roomId);
    await join(b, roomId);
    const inbox = new Inbox(b);
    const publisher = new Redis(redis.url);
    const garbage = [
      'not json at all',
      '{"origin":"x","message":{"id":"1-0","roomId":"' + roomId + '"}}',
      '{"order":"created","sku":42}',
      JSON.stringify({ origin: 'x', message: { id: 5, roomId, text: [] } }),
      '\u0000\u0001binary',
    ];
    for (const payload of garbage) await publisher.publish('MESSAGES', payload);
    await publisher.publish('EVENTS', '{"type":"presence","user":"nobody"}');
    await publisher.quit();
    const after = await send(a, roomId, 'still fine');
    expect(await inbox.waitFor(1)).toEqual([after]);
    expect(a.connected && b.connected).toBe(true);
    for (const server of servers) {
      const metrics = await (await fetch(`${server.url}/metrics`)).text();
      expect(metrics).toMatch(/chat_pubsub_dropped_total\{[^}]*channel="MESSAGES"[^}]*\} 5/);
      expect(metrics).toMatch(/chat_pubsub_dropped_total\{[^}]*channel="EVENTS"[^}]*\} 1/);
      expect(server.output.match(/dropped a pub\/sub payload/g)).toHaveLength(6);
    }
    a.close();
    b.close();
  } finally {
    await Promise.all(servers.map((server) => server.stop('SIGKILL')));
    await redis.destroy();
  }
});
