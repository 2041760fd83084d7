import { spawn } from 'node:child_process';
import path from 'node:path';
import { Redis } from 'ioredis';
import { RedisServer } from '@chat/testkit';
import { connect, createRoom, join, registerUser, send } from '../support/clients';
import { TestCluster } from '../support/cluster';

/*
 * `npm run monitor` shows the cluster's traffic readably: each chat message
 * with its room, user, text, publishing instance and lag; each event; and
 * anything foreign on the channels, without crashing.
 */

const entry = path.join(__dirname, '..', '..', 'dist', 'cli', 'monitor.js');

test('prints messages, events and foreign payloads as they cross Redis', async () => {
  const redis = await RedisServer.start();
  const cluster = await TestCluster.start(2, redis.url);
  const monitor = spawn(process.execPath, [entry], {
    env: { ...process.env, REDIS_URL: redis.url },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  const waitForOutput = (pattern: RegExp) =>
    new Promise<void>((resolve) => {
      const check = () => pattern.test(stdout) && resolve();
      monitor.stdout!.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
        check();
      });
      check();
    });
  await new Promise<void>((resolve) => monitor.stderr!.once('data', () => resolve()));
  try {
    const alice = await registerUser(cluster.url(0));
    const roomId = await createRoom(cluster.url(0), alice.token, `Monitored${process.pid}`);
    const socket = await connect(cluster.url(1), alice.token);
    await join(socket, roomId);
    const message = await send(socket, roomId, 'hello monitor');
    await waitForOutput(/hello monitor/);
    const messageLine = stdout.split('\n').find((line) => line.includes('hello monitor'))!;
    expect(messageLine).toContain(alice.user.username);
    expect(messageLine).toContain(roomId.slice(0, 8));
    expect(messageLine).toContain('from test-1');
    expect(messageLine).toContain(message.id);
    expect(messageLine).toMatch(/lag \d+ ms/);
    expect(stdout).toMatch(/room:created\s+public room "Monitored\d+"/);

    const publisher = new Redis(redis.url);
    await publisher.publish('MESSAGES', '{"event":"order.created"}');
    await publisher.quit();
    await waitForOutput(/not a chat message/);
    socket.close();
  } finally {
    monitor.kill('SIGTERM');
    await cluster.stop();
    await redis.destroy();
  }
});
