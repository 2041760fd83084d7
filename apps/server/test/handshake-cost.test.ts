import { Redis } from 'ioredis';
import { RedisServer } from '@chat/testkit';
import { connect, registerUser, type ClientSocket } from './support/clients';
import { TestCluster } from './support/cluster';
import { PresenceLog } from './support/presence-log';
import { RoundTripProxy } from './support/round-trip-proxy';

/*
 * Issue 16: what one authenticated socket costs Redis (REDIS_MODE=single), from its first
 * HTTP request to its client's `connect`, counted, not timed: commands with INFO
 * commandstats (a script's own calls included) on the suite's fresh redis-server, sequential
 * round trips at a proxy between the server and it (support/round-trip-proxy.ts). A user's
 * first socket also marks them online (presence script, then the `presence` PUBLISH), which
 * is counted until a watcher hears it; a later socket costs the handshake alone.
 */

let redis: RedisServer;
let proxy: RoundTripProxy;
let cluster: TestCluster;
let stats: Redis;
const sockets: ClientSocket[] = [];

beforeAll(async () => {
  redis = await RedisServer.start();
  proxy = await RoundTripProxy.start(redis.port);
  // No heartbeat during a count: the one at start-up is the only one.
  cluster = await TestCluster.start(1, proxy.url, {
    presenceHeartbeatMs: 3_600_000,
    presenceTtlMs: 7_200_000,
  });
  stats = new Redis(redis.port, '127.0.0.1');
});

afterAll(async () => {
  for (const socket of sockets) socket.close();
  stats.disconnect();
  await cluster.stop();
  await proxy.close();
  await redis.destroy();
});

/** Commands Redis ran since the last reset, by name (the counting connection's own left out). */
async function commandsSinceReset(): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const line of (await stats.info('commandstats')).split('\n')) {
    const match = /^cmdstat_([^:]+):calls=(\d+)/.exec(line.trim());
    if (match && match[1] !== 'info' && !match[1]!.startsWith('config'))
      counts[match[1]!] = Number(match[2]);
  }
  return counts;
}

async function resetCounts(): Promise<void> {
  await stats.config('RESETSTAT');
  proxy.take();
}

async function measure(
  connected: () => Promise<unknown>,
): Promise<{ commands: number; roundTrips: number; byCommand: Record<string, number> }> {
  await resetCounts();
  await connected();
  const byCommand = await commandsSinceReset();
  const commands = Object.values(byCommand).reduce((sum, calls) => sum + calls, 0);
  return { commands, roundTrips: proxy.take(), byCommand };
}

test("a user's first socket costs 4 round trips and 11 commands, a later one 2 and 6", async () => {
  const url = cluster.url(0);
  // A watcher whose own connection loads every script the handshake runs (EVALSHA then hits).
  const watcher = await registerUser(url);
  const watcherSocket = await connect(url, watcher.token);
  sockets.push(watcherSocket);
  const presence = new PresenceLog(watcherSocket);
  await presence.waitFor(watcher.user.id, true);
  const alice = await registerUser(url);

  const first = await measure(async () => {
    sockets.push(await connect(url, alice.token));
    await presence.waitFor(alice.user.id, true);
  });
  const later = await measure(async () => sockets.push(await connect(url, alice.token)));

  // The handshake: the session script, then the user's hash and hidden-DM marks together
  // (issue 16; they were one round trip after the other). 6 commands: EVALSHA use-session.lua
  // (GET, TIME, PEXPIRE inside) and two HGETALLs.
  expect(later).toMatchObject({ roundTrips: 2, commands: 6 });
  // Then, for a first socket only, after `connect`: EVALSHA presence-connect.lua (HSET, TIME,
  // ZRANGEBYSCORE inside) and, since it answered "first", the PUBLISH of the `presence` event.
  expect(first).toMatchObject({ roundTrips: 4, commands: 11 });
});
