import { randomUUID } from 'node:crypto';
import { Cluster } from 'ioredis';
import pino from 'pino';
import type { User } from '@chat/shared';
import { configWith } from '../../src/config';
import type { Backend } from '../../src/ports';
import { createRedisBackend } from '../../src/redis/backend';
import { redisKeys } from '../../src/redis/keys';
import { RedisCluster, waitUntil } from '@chat/testkit';

/*
 * Issue 15: the PresenceStore on a real Redis Cluster (REDIS_MODE=cluster), several instances'
 * backends side by side. Every script and command it sends names one key, so the cluster
 * itself would refuse (CROSSSLOT) any that spanned slots. An instance "killed" here closes
 * its connections without a word (no expireSoon), which is all Redis sees of a SIGKILL.
 */

const silent = pino({ level: 'silent' });
let redisCluster: RedisCluster;
/** A plain client of the test's, to look at and tamper with the keys. */
let inspect: Cluster;
let prefix: string;
const open: Backend[] = [];

beforeAll(async () => {
  redisCluster = await RedisCluster.start();
  inspect = new Cluster(
    redisCluster.url.split(',').map((url) => {
      const { hostname, port } = new URL(url);
      return { host: hostname, port: Number(port) };
    }),
  );
});
afterAll(async () => {
  inspect.disconnect();
  await redisCluster.destroy();
});
beforeEach(() => {
  prefix = `t${randomUUID()}:`;
});
afterEach(async () => {
  await Promise.all(open.splice(0).map((backend) => backend.close()));
});

async function instance(instanceId: string, presenceTtlMs = 60_000): Promise<Backend> {
  const backend = createRedisBackend(
    configWith({
      redisUrl: redisCluster.url,
      redisMode: 'cluster',
      redisKeyPrefix: prefix,
      instanceId,
      presenceTtlMs,
    }),
    silent,
    { onDropped: () => {} },
  );
  await backend.start();
  open.push(backend);
  return backend;
}

/** Stops an instance the way SIGKILL does as far as Redis can tell: no goodbye, no heartbeat. */
async function kill(backend: Backend): Promise<void> {
  open.splice(open.indexOf(backend), 1);
  await backend.close();
}

const user = (name: string): User => ({ id: `u-${randomUUID()}`, username: name });
const ids = (users: User[]) => users.map((u) => u.id).sort();

test('online from the first connection on any instance to the last disconnection anywhere', async () => {
  const [a, b] = [await instance('a'), await instance('b')];
  await a.presence.heartbeat();
  await b.presence.heartbeat();
  const ann = user('ann');
  expect(await a.presence.connect(ann)).toBe(true);
  expect(await b.presence.connect(ann)).toBe(false);
  expect(ids(await a.presence.online())).toEqual([ann.id]);
  expect(await b.presence.online()).toEqual([ann]);

  expect(await a.presence.disconnect(ann)).toBe(false);
  expect(await a.presence.online()).toEqual([ann]);
  expect(await b.presence.disconnect(ann)).toBe(true);
  expect(await a.presence.online()).toEqual([]);
  // Nothing left behind: the user's hash is gone once empty.
  expect(await inspect.exists(redisKeys(prefix, 'cluster').presenceUser(ann.id))).toBe(0);
});

test("a killed instance's users go offline once, whichever of the reapers gets there; a user also connected elsewhere stays online", async () => {
  const [a, b] = [await instance('a'), await instance('b')];
  const doomed = await instance('doomed', 300);
  for (const backend of [a, b, doomed]) expect(await backend.presence.heartbeat()).toEqual([]);
  const carol = user('carol');
  const dave = user('dave');
  expect(await doomed.presence.connect(carol)).toBe(true);
  expect(await doomed.presence.connect(dave)).toBe(true);
  expect(await a.presence.connect(dave)).toBe(false);
  expect(ids(await b.presence.online())).toEqual(ids([carol, dave]));

  await kill(doomed);
  // Both survivors reap at the same time, again and again, until Carol is announced.
  const announced: User[] = [];
  await waitUntil(
    async () => {
      const reaped = await Promise.all([a.presence.heartbeat(), b.presence.heartbeat()]);
      announced.push(...reaped.flat());
      return announced.length > 0;
    },
    { what: 'the dead instance reaped' },
  );
  for (const backend of [a, b]) expect(await backend.presence.heartbeat()).toEqual([]);
  expect(announced).toEqual([carol]);
  expect(await a.presence.online()).toEqual([dave]);

  // Reaped completely: no trace of the dead instance is left for another reaper.
  const keys = redisKeys(prefix, 'cluster');
  expect(await inspect.zscore(keys.presenceInstances(), 'doomed')).toBeNull();
  expect(await inspect.exists(keys.presenceInstance('doomed'))).toBe(0);
  expect(await inspect.exists(keys.presenceReaper('doomed'))).toBe(0);
  expect(await inspect.hkeys(keys.presenceUser(dave.id))).toEqual(['a']);
});

test('a reaper that died midway is replaced once its claim is gone, and announces only what is left', async () => {
  const keys = redisKeys(prefix, 'cluster');
  const survivor = await instance('survivor');
  const doomed = await instance('doomed', 300);
  await survivor.presence.heartbeat();
  await doomed.presence.heartbeat();
  const [erin, frank, gina] = [user('erin'), user('frank'), user('gina')];
  for (const u of [erin, frank, gina]) expect(await doomed.presence.connect(u)).toBe(true);
  await kill(doomed);

  // Another reaper claimed the dead instance, cleared Erin (and announced her), then died.
  await inspect.set(keys.presenceReaper('doomed'), 'gone-reaper');
  await inspect.hdel(keys.presenceUser(erin.id), 'doomed');
  await waitUntil(async () => (await survivor.presence.online()).length === 0, {
    what: 'the instance to expire',
  });
  // While the claim stands, nobody else walks the instance.
  expect(await survivor.presence.heartbeat()).toEqual([]);
  expect(await inspect.zscore(keys.presenceInstances(), 'doomed')).not.toBeNull();

  await inspect.del(keys.presenceReaper('doomed')); // the claim ran out
  expect(ids(await survivor.presence.heartbeat())).toEqual(ids([frank, gina]));
  expect(await survivor.presence.heartbeat()).toEqual([]);
});

test('a connection while the only other one is on a dead, unreaped instance changes nothing; the reap then stays silent', async () => {
  const survivor = await instance('survivor');
  const doomed = await instance('doomed', 300);
  await survivor.presence.heartbeat();
  await doomed.presence.heartbeat();
  const hank = user('hank');
  expect(await doomed.presence.connect(hank)).toBe(true);
  await kill(doomed);
  // Hank reconnects to the survivor before anyone reaped the dead instance: he never went
  // offline for anyone, so neither his reconnection nor the reap announces anything.
  expect(await survivor.presence.connect(hank)).toBe(false);
  const announced: User[] = [];
  await waitUntil(
    async () => {
      announced.push(...(await survivor.presence.heartbeat()));
      const instances = redisKeys(prefix, 'cluster').presenceInstances();
      return (await inspect.zscore(instances, 'doomed')) === null;
    },
    { what: 'the dead instance reaped' },
  );
  expect(announced).toEqual([]);
  expect(await survivor.presence.online()).toEqual([hank]);
  expect(await survivor.presence.disconnect(hank)).toBe(true);
});
