import type { PresenceResponse } from '@chat/shared';
import { connect, http, registerUser } from './support/clients';
import { ServerProcess } from '@chat/testkit';
import { useCluster } from './support/cluster';
import { PresenceLog } from './support/presence-log';

/*
 * Presence across instances: a user is online while they have a connection
 * anywhere; `presence` events mark their first connection opening and their
 * last one closing, cluster-wide; an instance killed with SIGKILL has its
 * users taken offline by the others once its heartbeat runs out.
 */

// Short timings so the crash test is quick; the logic is the same as with the defaults.
const timings = { presenceHeartbeatMs: 200, presenceTtlMs: 1000, presenceGraceMs: 0 };

const cluster = useCluster({ instances: 2, config: timings });
const { sockets } = cluster;

async function watcher(instance: number) {
  const session = await registerUser(cluster.url(instance));
  const socket = await connect(cluster.url(instance), session.token);
  sockets.push(socket);
  return { ...session, log: new PresenceLog(socket) };
}

async function onlineIds(instance: number, token: string): Promise<string[]> {
  const response = await http<PresenceResponse>(cluster.url(instance), 'GET', '/api/presence', {
    token,
  });
  return response.body.online.map((user) => user.id);
}

test('two tabs on two instances: online once, stays online when one closes, offline when both do', async () => {
  const watchers = [await watcher(0), await watcher(1)];
  const alice = await registerUser(cluster.url(0));

  const tab1 = await connect(cluster.url(0), alice.token);
  for (const w of watchers) await w.log.waitFor(alice.user.id, true);
  const tab2 = await connect(cluster.url(1), alice.token);
  expect(await onlineIds(1, alice.token)).toContain(alice.user.id);

  tab1.close();
  // A marker user comes and goes after tab 1 closed; Alice must not have gone offline before it.
  const marker = await registerUser(cluster.url(1));
  const markerSocket = await connect(cluster.url(1), marker.token);
  for (const w of watchers) await w.log.waitFor(marker.user.id, true);
  expect(await onlineIds(0, alice.token)).toContain(alice.user.id);

  tab2.close();
  for (const w of watchers) {
    await w.log.waitFor(alice.user.id, false);
    expect(w.log.about(alice.user.id)).toEqual([true, false]);
  }
  expect(await onlineIds(0, marker.token)).not.toContain(alice.user.id);
  markerSocket.close();
});

test('GET /api/presence needs a token and lists users once', async () => {
  expect((await http(cluster.url(0), 'GET', '/api/presence')).status).toBe(401);
  const bob = await registerUser(cluster.url(0));
  const a = await connect(cluster.url(0), bob.token);
  const b = await connect(cluster.url(1), bob.token);
  sockets.push(a, b);
  const ids = await onlineIds(0, bob.token);
  expect(ids.filter((id) => id === bob.user.id)).toHaveLength(1);
});

test('the users of an instance killed with SIGKILL go offline for everyone else', async () => {
  const killed = await ServerProcess.start({
    REDIS_URL: cluster.redis.url,
    MESSAGE_RATE_PER_SEC: '0',
    PRESENCE_HEARTBEAT_MS: String(timings.presenceHeartbeatMs),
    PRESENCE_TTL_MS: String(timings.presenceTtlMs),
    PRESENCE_GRACE_MS: '0',
    INSTANCE_ID: 'doomed',
  });
  try {
    const survivor = await watcher(0);
    const carol = await registerUser(killed.url);
    const dave = await registerUser(killed.url);
    await connect(killed.url, carol.token);
    await connect(killed.url, dave.token);
    // Dave also has a tab on a surviving instance: he must stay online.
    const daveElsewhere = await connect(cluster.url(1), dave.token);
    sockets.push(daveElsewhere);
    await survivor.log.waitFor(carol.user.id, true);
    await survivor.log.waitFor(dave.user.id, true);

    expect(await killed.stop('SIGKILL')).toBeNull();
    await survivor.log.waitFor(carol.user.id, false);
    expect(survivor.log.about(dave.user.id)).toEqual([true]);
    const online = await onlineIds(0, survivor.token);
    expect(online).not.toContain(carol.user.id);
    expect(online).toContain(dave.user.id);
  } finally {
    await killed.stop('SIGKILL');
  }
});
