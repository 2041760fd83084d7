import type { Cluster } from '../cluster';
import { nowMs, sleep } from '../proc';
import { SoakClient } from './soak-client';
import { witnessTrend } from './soak-report';

/*
 * The soak (`npm run bench -- soak --minutes 10`): steady mixed traffic on
 * three instances of ours (messages, typing, history reads) while instances
 * 2 and 3 take turns being restarted the way a deploy restarts them.
 * Instance 1 is never restarted: its memory over the whole run is the leak
 * witness. At the end every client must hold every acknowledged message of
 * its room exactly once, in order.
 */

export interface SoakSettings {
  minutes: number;
  clients: number;
  roomSize: number;
  /** Messages per second each client sends. */
  sendRatePerClient: number;
  restartEverySec: number;
  sampleEverySec: number;
}

export interface MemorySample {
  atSec: number;
  rssMB: number[];
  /** Instance 1's V8 heap in use right after a full GC: what it retains. */
  witnessHeapMB: number;
}

export interface SoakResult {
  settings: SoakSettings;
  durationSec: number;
  restarts: { atSec: number; instance: number; tookSec: number }[];
  sent: number;
  acked: number;
  /** Sends answered with an error or not answered (during restarts), by code. */
  failedSends: Record<string, number>;
  historyReads: number;
  historyErrors: number;
  expectedDeliveries: number;
  delivered: number;
  lost: number;
  duplicates: number;
  outOfOrder: number;
  reconnects: number;
  memory: MemorySample[];
  /** Least-squares slope of instance 1's RSS and heap over the run's second half. */
  witnessTrend: { rssMBPerMin: number; heapMBPerMin: number; growthSuspected: boolean };
}

export async function runSoak(
  cluster: Cluster,
  accounts: { userId: string; username: string; token: string }[],
  roomIds: string[],
  settings: SoakSettings,
  log: (line: string) => void,
): Promise<SoakResult> {
  const instances = cluster.instances.length;
  const clients = Array.from({ length: settings.clients }, (_, i) => {
    const port = cluster.instances[i % instances]!.port;
    const roomId = roomIds[Math.floor(i / settings.roomSize) % roomIds.length]!;
    return new SoakClient(`http://127.0.0.1:${port}`, accounts[i % accounts.length]!, roomId);
  });
  await Promise.all(clients.map((client) => client.ready()));
  log(`  ${clients.length} clients joined ${new Set(clients.map((c) => c.roomId)).size} rooms`);

  const ackedByRoom = new Map<string, Set<string>>();
  const failedSends: Record<string, number> = {};
  let sent = 0;
  let acked = 0;
  let historyReads = 0;
  let historyErrors = 0;
  const started = nowMs();
  const elapsedSec = () => (nowMs() - started) / 1000;
  const endAt = started + settings.minutes * 60_000;
  let sending = true;

  const senders = clients.map(async (client, index) => {
    const intervalMs = 1000 / settings.sendRatePerClient;
    await sleep((index / clients.length) * intervalMs); // spread the clients over the interval
    let n = 0;
    while (sending) {
      n += 1;
      if (n % 5 === 0) client.typing(true);
      const outcome = await client.send(`soak ${index}/${n}`, `soak-${index}-${n}`);
      sent += 1;
      if ('id' in outcome) {
        acked += 1;
        let ids = ackedByRoom.get(client.roomId);
        if (!ids) ackedByRoom.set(client.roomId, (ids = new Set()));
        ids.add(outcome.id);
      } else {
        failedSends[outcome.error] = (failedSends[outcome.error] ?? 0) + 1;
      }
      if (n % 20 === 0) {
        historyReads += 1;
        if (!(await readHistory(cluster, index % instances, client))) historyErrors += 1;
      }
      await sleep(intervalMs);
    }
  });

  const memory: MemorySample[] = [];
  const sampler = (async () => {
    while (nowMs() < endAt) {
      memory.push(await sampleMemory(cluster, elapsedSec()));
      await sleep(settings.sampleEverySec * 1000);
    }
  })();

  const restarts: SoakResult['restarts'] = [];
  let turn = 0;
  while (nowMs() + settings.restartEverySec * 1000 < endAt) {
    await sleep(settings.restartEverySec * 1000);
    const instance = 1 + (turn % Math.max(1, instances - 1));
    turn += 1;
    const at = elapsedSec();
    await cluster.restartInstance(instance);
    restarts.push({
      atSec: +at.toFixed(1),
      instance: instance + 1,
      tookSec: +(elapsedSec() - at).toFixed(1),
    });
    log(
      `  ${at.toFixed(0)} s: restarted instance ${instance + 1} (${(elapsedSec() - at).toFixed(1)} s)`,
    );
  }
  await sleep(Math.max(0, endAt - nowMs()));
  sending = false;
  await Promise.all(senders);
  await sampler;

  // Every client rejoins with `after` when it reconnects; give the last ones time to catch up.
  const missing = () =>
    clients.reduce((sum, client) => {
      let count = 0;
      for (const id of ackedByRoom.get(client.roomId) ?? [])
        if (!client.received.has(id)) count += 1;
      return sum + count;
    }, 0);
  const drainUntil = nowMs() + 30_000;
  while (missing() > 0 && nowMs() < drainUntil) await sleep(200);

  let expectedDeliveries = 0;
  let delivered = 0;
  for (const client of clients) {
    const ids = ackedByRoom.get(client.roomId) ?? new Set();
    expectedDeliveries += ids.size;
    for (const id of ids) if (client.received.has(id)) delivered += 1;
  }
  const result: SoakResult = {
    settings,
    durationSec: +elapsedSec().toFixed(1),
    restarts,
    sent,
    acked,
    failedSends,
    historyReads,
    historyErrors,
    expectedDeliveries,
    delivered,
    lost: expectedDeliveries - delivered,
    duplicates: clients.reduce((sum, c) => sum + c.duplicates, 0),
    outOfOrder: clients.reduce((sum, c) => sum + c.outOfOrder, 0),
    reconnects: clients.reduce((sum, c) => sum + c.reconnects, 0),
    memory,
    witnessTrend: witnessTrend(memory),
  };
  for (const client of clients) client.close();
  return result;
}

async function readHistory(
  cluster: Cluster,
  instance: number,
  client: SoakClient,
): Promise<boolean> {
  const port = cluster.instances[instance]?.port;
  if (port === undefined) return false;
  try {
    const response = await fetch(
      `http://127.0.0.1:${port}/api/rooms/${client.roomId}/messages?limit=20`,
      { headers: { authorization: `Bearer ${client.account.token}` } },
    );
    await response.arrayBuffer();
    return response.ok;
  } catch {
    return false; // the instance is restarting
  }
}

async function sampleMemory(cluster: Cluster, atSec: number): Promise<MemorySample> {
  const { instances } = cluster.sample();
  let witnessHeapMB = NaN;
  try {
    await cluster.collectGarbage([0]); // only instance 1 keeps the gc hook across restarts
    witnessHeapMB = (await cluster.heapBytes(cluster.instances[0]!)) / 2 ** 20;
  } catch {
    // left NaN
  }
  return {
    atSec: +atSec.toFixed(1),
    rssMB: instances.map((sample) => +(sample.rssBytes / 2 ** 20).toFixed(1)),
    witnessHeapMB: +witnessHeapMB.toFixed(1),
  };
}
