import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { io } from 'socket.io-client';
import {
  ProcessCluster,
  ServerProcess,
  waitUntil,
  type Nginx,
  type RedisServer,
} from '@chat/testkit';
import type { Message } from '@chat/shared';
import { createRoom, http, registerUser, type ClientSocket } from '../support/clients';
import { addressesOnDistinctInstances, agentFrom, instanceBehind } from '../support/source-address';
import { resilientRoom, Traffic } from '../support/traffic';

/*
 * The scale-out path as users run it: real server processes, a real nginx
 * with the shipped config, a real Redis. Clients on different instances
 * chat through the balancer over websocket and over polling; a rolling
 * restart of every instance under continuous traffic loses no acked message.
 */

const root = path.join(__dirname, '..', '..', '..', '..');

/** A socket.io client through the balancer from one loopback address. */
function clientFrom(
  url: string,
  token: string,
  address: string,
  transport: 'websocket' | 'polling',
) {
  const socket: ClientSocket = io(url, {
    auth: { token },
    transports: [transport],
    forceNew: true,
    reconnection: false,
    ...({ agent: agentFrom(address) } as object),
  });
  return new Promise<ClientSocket>((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', reject);
  });
}

describe('npm run cluster', () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'chat-cluster-'));
  let cluster: ReturnType<typeof spawn>;
  let output = '';
  let balancer: string;

  beforeAll(async () => {
    const env: NodeJS.ProcessEnv = { ...process.env };
    delete env.REDIS_URL;
    cluster = spawn(
      process.execPath,
      [
        path.join(root, 'scripts/cluster.mjs'),
        '--instances',
        '3',
        '--base-port',
        '0',
        '--lb-port',
        '0',
        '--no-web',
        '--data-dir',
        dataDir,
      ],
      { env, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    cluster.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    await new Promise<void>((resolve, reject) => {
      cluster.stdout!.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes('cluster ready')) resolve();
      });
      cluster.once('exit', (code) => reject(new Error(`cluster exited with ${code}: ${output}`)));
    });
    balancer = `http://127.0.0.1:${/behind http:\/\/localhost:(\d+)/.exec(output)![1]}`;
  }, 90_000);

  afterAll(async () => {
    if (cluster.exitCode === null) cluster.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  });

  test('prints a table of what runs where', () => {
    expect(output).toMatch(/redis\s+redis:\/\/127\.0\.0\.1:\d+/);
    expect(output.match(/server-\d\s+http:\/\/127\.0\.0\.1:\d+/g)).toHaveLength(3);
    expect(output).toMatch(/nginx\s+http:\/\/localhost:\d+/);
  });

  test('a websocket client and a polling client on different instances chat through nginx', async () => {
    const [addressA, addressB] = await addressesOnDistinctInstances(balancer, 2);
    expect(await instanceBehind(balancer, addressA!)).not.toBe(
      await instanceBehind(balancer, addressB!),
    );
    const alice = await registerUser(balancer);
    const bob = await registerUser(balancer);
    const roomId = await createRoom(balancer, alice.token);
    const aliceSocket = await clientFrom(balancer, alice.token, addressA!, 'websocket');
    const bobSocket = await clientFrom(balancer, bob.token, addressB!, 'polling');
    for (const socket of [aliceSocket, bobSocket]) {
      expect(await socket.timeout(5000).emitWithAck('room:join', { roomId })).toMatchObject({
        ok: true,
      });
    }
    const toBob = new Promise<Message>((resolve) => bobSocket.once('message:new', resolve));
    const toAlice = new Promise<Message>((resolve) => aliceSocket.once('message:new', resolve));
    await aliceSocket
      .timeout(5000)
      .emitWithAck('message:send', { roomId, text: 'over websocket', clientId: 'a1' });
    expect((await toBob).text).toBe('over websocket');
    const toAliceAgain = new Promise<Message>((resolve) => {
      aliceSocket.on(
        'message:new',
        (message) => message.text === 'over polling' && resolve(message),
      );
    });
    await bobSocket
      .timeout(5000)
      .emitWithAck('message:send', { roomId, text: 'over polling', clientId: 'b1' });
    expect((await toAlice).text).toBe('over websocket');
    expect((await toAliceAgain).userId).toBe(bob.user.id);
    aliceSocket.close();
    bobSocket.close();
  });

  test('stops everything it started on SIGTERM', async () => {
    const exited = new Promise<number | null>((resolve) => cluster.once('exit', resolve));
    cluster.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(output).toContain('cluster stopped');
    await expect(fetch(`${balancer}/healthz`)).rejects.toThrow();
  });
});

describe('rolling restart under traffic', () => {
  let cluster: ProcessCluster;
  let redis: RedisServer;
  let nginx: Nginx;
  let ports: number[];
  let servers: ServerProcess[];
  // The clients send as fast as acks return: no message or per-connection event limit.
  const limits = { MESSAGE_RATE_PER_SEC: '0', SOCKET_EVENTS_PER_SEC: '0', PRESENCE_GRACE_MS: '0' };
  const env = () => ({ REDIS_URL: redis.url, ...limits });

  beforeAll(async () => {
    cluster = await ProcessCluster.start({
      instances: 3,
      redis: { appendOnly: true },
      env: (i) => ({ ...limits, INSTANCE_ID: `rolling-${i}` }),
      nginx: {},
      killOnDestroy: true,
    });
    ({ redis, nginx, servers } = cluster);
    ports = servers.map((server) => server.port);
  }, 60_000);

  afterAll(async () => {
    await cluster.destroy();
  });

  test('SIGTERM each instance in turn: every acked message reaches both clients once, in order', async () => {
    const { clients, users, roomId } = await resilientRoom(nginx.url, 2);
    const traffic = new Traffic(clients);
    traffic.start();
    for (let i = 0; i < servers.length; i += 1) {
      expect(await servers[i]!.stop('SIGTERM')).toBe(0);
      servers[i] = await ServerProcess.start({ ...env(), INSTANCE_ID: `rolling-${i}-b` }, ports[i]);
    }
    const acked = await traffic.stopAndVerify();
    expect(acked.length).toBeGreaterThan(10);
    for (const client of clients) client.close();
    // Passive health checks may still mark a just-restarted instance as failed
    // (fail_timeout); a client retries, so the test waits until the balancer routes again.
    await waitUntil(async () => (await fetch(`${nginx.url}/readyz`)).ok, {
      what: 'the balancer to route to a ready instance',
    });
    const history = await http<{ messages: Message[] }>(
      nginx.url,
      'GET',
      `/api/rooms/${roomId}/messages?limit=100`,
      {
        token: users[0]!.token,
      },
    );
    expect(history.body.messages.slice(-Math.min(100, acked.length))).toEqual(acked.slice(-100));
  }, 120_000);
});
