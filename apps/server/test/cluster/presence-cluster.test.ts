import type { PresenceResponse } from '@chat/shared';
import { ServerProcess } from '@chat/testkit';
import { connect, http, registerUser } from '../support/clients';
import { useCluster } from '../support/cluster';
import { PresenceLog } from '../support/presence-log';

/*
 * Issue 15: presence with REDIS_MODE=cluster, on a real Redis Cluster (three masters with a
 * replica each): the same promises as on one Redis (presence.test.ts). A user is online while
 * they have a connection anywhere; `presence` events mark their first connection opening and
 * their last one closing, once each, cluster-wide; an instance killed with SIGKILL has its
 * users taken offline by the others once its heartbeat runs out. Only presence is exercised
 * (connections, presence events, GET /api/presence), not messages.
 */

// Short timings so the crash test is quick; the logic is the same as with the defaults.
const timings = { presenceHeartbeatMs: 200, presenceTtlMs: 1000, presenceGraceMs: 100 };

const cluster = useCluster({ instances: 2, redis: { cluster: true }, config: timings });
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
  expect(response.status).toBe(200);
  return response.body.online.map((user) => user.id);
}

test('online on one instance is seen on the other, once; offline after the last socket closes and the grace period', async () => {
  const watchers = [await watcher(0), await watcher(1)];
  const alice = await registerUser(cluster.url(0));

  const tab1 = await connect(cluster.url(0), alice.token);
  for (const w of watchers) await w.log.waitFor(alice.user.id, true);
  expect(await onlineIds(1, watchers[1]!.token)).toContain(alice.user.id);

  // A second tab on the other instance: no new event, still listed once.
  const tab2 = await connect(cluster.url(1), alice.token);
  const ids = await onlineIds(0, alice.token);
  expect(ids.filter((id) => id === alice.user.id)).toHaveLength(1);

  tab1.close();
  // A marker user comes and goes after tab 1 closed; Alice must not have gone offline before it.
  const marker = await registerUser(cluster.url(1));
  const markerSocket = await connect(cluster.url(1), marker.token);
  for (const w of watchers) await w.log.waitFor(marker.user.id, true);
  markerSocket.close();
  for (const w of watchers) await w.log.waitFor(marker.user.id, false);
  expect(await onlineIds(0, watchers[0]!.token)).toContain(alice.user.id);

  tab2.close();
  for (const w of watchers) {
    await w.log.waitFor(alice.user.id, false);
    expect(w.log.about(alice.user.id)).toEqual([true, false]);
  }
  const after = await onlineIds(1, watchers[1]!.token);
  expect(after).not.toContain(alice.user.id);
  expect(after).toEqual(expect.arrayContaining([watchers[0]!.user.id, watchers[1]!.user.id]));
});

test('the users of an instance killed with SIGKILL go offline for everyone else, but not one still connected elsewhere', async () => {
  const killed = await ServerProcess.start({
    REDIS_URL: cluster.redisCluster.url,
    REDIS_MODE: 'cluster',
    MESSAGE_RATE_PER_SEC: '0',
    PRESENCE_HEARTBEAT_MS: String(timings.presenceHeartbeatMs),
    PRESENCE_TTL_MS: String(timings.presenceTtlMs),
    PRESENCE_GRACE_MS: '0',
    INSTANCE_ID: 'doomed',
  });
  try {
    const survivors = [await watcher(0), await watcher(1)];
    const carol = await registerUser(killed.url);
    const dave = await registerUser(killed.url);
    await connect(killed.url, carol.token);
    await connect(killed.url, dave.token);
    // Dave also has a tab on a surviving instance: he must stay online.
    sockets.push(await connect(cluster.url(1), dave.token));
    for (const s of survivors) {
      await s.log.waitFor(carol.user.id, true);
      await s.log.waitFor(dave.user.id, true);
    }
    expect(await onlineIds(0, survivors[0]!.token)).toEqual(
      expect.arrayContaining([carol.user.id, dave.user.id]),
    );

    expect(await killed.stop('SIGKILL')).toBeNull();
    for (const s of survivors) await s.log.waitFor(carol.user.id, false);
    // A marker after the reap: every event the reap caused has reached the watchers before it.
    const marker = await registerUser(cluster.url(0));
    sockets.push(await connect(cluster.url(0), marker.token));
    for (const s of survivors) {
      await s.log.waitFor(marker.user.id, true);
      // Reaped once, though both survivors were reaping: one offline event each.
      expect(s.log.about(carol.user.id)).toEqual([true, false]);
      expect(s.log.about(dave.user.id)).toEqual([true]);
    }
    const online = await onlineIds(1, survivors[1]!.token);
    expect(online).not.toContain(carol.user.id);
    expect(online).toContain(dave.user.id);
  } finally {
    await killed.stop('SIGKILL');
  }
});
