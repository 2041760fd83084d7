import type { RedisMode } from '@chat/testkit';
import { Cluster, type Instance } from '../cluster';
import type { LatencySummary } from '../histogram';
import { LoadPool } from '../loadgen/pool';
import type { ClientSpec } from '../loadgen/protocol';
import { nowMs, sampleProc, sleep } from '../proc';
import { sum, waitQuiet } from '../scenarios/common';

/*
 * `npm run bench -- scaling` (issue 15, "how the cost grows"): the traffic per instance is
 * held fixed and the number of instances grows (2, 4, 6), on one Redis (REDIS_MODE=single)
 * and on a Redis Cluster (REDIS_MODE=cluster). Each instance has its own users in its own
 * rooms, as a deployment that places rooms by instance has them (`crossRooms` of them span
 * two instances). Per step it reads, per instance, the Pub/Sub payloads the instance
 * received (chat_pubsub_inbound_total{kind="messages"} from its /metrics), its CPU (from
 * /proc) per delivery to its own clients, and Redis's CPU (INFO CPU, summed over the
 * masters) per message sent. Expected: on one Redis every instance hears every message,
 * so inbound per instance grows with the instance count; on the cluster's sharded
 * channels an instance hears only its rooms, so it stays flat.
 */

export interface ScalingSettings {
  modes: RedisMode[];
  instanceCounts: number[];
  /** Messages per second sent by the clients of each instance (all its rooms together). */
  ratePerInstance: number;
  clientsPerInstance: number;
  roomSize: number;
  /** Rooms per instance whose members are half on the next instance (0: every room local). */
  crossRooms: number;
  warmupMs: number;
  measureMs: number;
  drainMs: number;
  workers: number;
  textSize: number;
}

export interface ScalingRow {
  mode: RedisMode;
  instances: number;
  /** Offered, per instance. */
  ratePerInstance: number;
  /** Sends acked ok per second, all instances together. */
  ackedPerSec: number;
  deliveredPerSec: number;
  /** Room payloads received per second from Redis, per instance (mean, min, max); NaN: no metric. */
  inboundPerInstance: { mean: number; min: number; max: number };
  /** Inbound payloads per message sent anywhere: N on one Redis, about 1 (its own) when sharded. */
  inboundPerMessage: number;
  /** Instance CPU (all instances) per delivery to a client, µs. */
  instanceUsPerDelivery: number;
  /** One instance's CPU as a share of a core (mean over instances). */
  instanceCorePct: number;
  /** Redis CPU (masters) per message acked, µs; and every node's, replicas included. */
  redisUsPerMessage: number;
  redisAllNodesUsPerMessage: number;
  redisCorePct: number;
  latency: LatencySummary;
  ackErrors: number;
  ackErrorSample?: string;
  lost: number;
  error?: string;
}

/** Every (mode, instance count) step, one after the other, each on a fresh Redis. */
export async function runScaling(
  settings: ScalingSettings,
  log: (line: string) => void,
): Promise<ScalingRow[]> {
  const rows: ScalingRow[] = [];
  for (const mode of settings.modes) {
    for (const instances of settings.instanceCounts) {
      log(`-- scaling / ${mode} / ${instances} instances`);
      const started = nowMs();
      const row = await runStep(mode, instances, settings, log);
      rows.push(row);
      log(
        row.error
          ? `  ERROR: ${row.error}`
          : `  inbound ${fmt(row.inboundPerInstance.mean)} msg/s per instance (${fmt(row.inboundPerMessage, 2)} per message), ` +
              `${fmt(row.instanceUsPerDelivery)} µs instance CPU per delivery, ${fmt(row.redisUsPerMessage)} µs Redis CPU per message, ` +
              `p99 ${fmt(row.latency.p99Ms)} ms, ${row.ackErrors} error acks` +
              (row.ackErrorSample ? ` (e.g. ${row.ackErrorSample})` : ''),
      );
      log(`  (${((nowMs() - started) / 1000).toFixed(0)} s)`);
    }
  }
  return rows;
}

async function runStep(
  mode: RedisMode,
  instances: number,
  settings: ScalingSettings,
  log: (line: string) => void,
): Promise<ScalingRow> {
  const row: ScalingRow = {
    mode,
    instances,
    ratePerInstance: settings.ratePerInstance,
    ackedPerSec: 0,
    deliveredPerSec: 0,
    inboundPerInstance: { mean: NaN, min: NaN, max: NaN },
    inboundPerMessage: NaN,
    instanceUsPerDelivery: NaN,
    instanceCorePct: NaN,
    redisUsPerMessage: NaN,
    redisAllNodesUsPerMessage: NaN,
    redisCorePct: NaN,
    latency: { count: 0, meanMs: NaN, p50Ms: NaN, p90Ms: NaN, p99Ms: NaN, maxMs: NaN },
    ackErrors: 0,
    lost: 0,
  };
  const cluster = new Cluster('ours', mode);
  let pool: LoadPool | undefined;
  try {
    await cluster.startRedis();
    await cluster.startInstances(instances);
    const perInstance = settings.clientsPerInstance;
    const roomsPerInstance = Math.ceil(perInstance / settings.roomSize);
    const accounts = await cluster.registerUsers(perInstance * instances, 12);
    const roomIds = await cluster.createRooms(
      Array.from({ length: roomsPerInstance * instances }, (_, i) => `scale-${i}`),
      accounts,
    );
    // Client c of instance i: in room r = c / roomSize of instance i, or, for the first
    // `crossRooms` rooms, half of the members come from instance i + 1 (its second half).
    const specs: ClientSpec[] = [];
    for (let i = 0; i < instances; i++) {
      for (let c = 0; c < perInstance; c++) {
        const room = Math.floor(c / settings.roomSize);
        const cross = room < settings.crossRooms && c % settings.roomSize >= settings.roomSize / 2;
        const home = cross ? (i + instances - 1) % instances : i;
        const idx = i * perInstance + c;
        specs.push({
          idx,
          port: cluster.instances[i]!.port,
          token: accounts[idx]!.token,
          roomId: roomIds[home * roomsPerInstance + room]!,
          kind: c === 0 ? 'sio' : 'raw',
          sends: true,
        });
      }
    }
    pool = await LoadPool.start(specs, {
      workers: settings.workers,
      textSize: settings.textSize,
      checkIdOrder: true,
      clientIdPrefix: `scale-${mode}-${instances}-${Date.now().toString(36)}-`,
    });
    const connected = await pool.connect(100, true);
    if (connected.failed > 0)
      throw new Error(`${connected.failed} clients failed to connect: ${connected.errors[0]}`);
    await waitQuiet(cluster, 10_000);

    const startAt = nowMs() + 20;
    const measureFrom = startAt + settings.warmupMs;
    const measureTo = measureFrom + settings.measureMs;
    let first: Sample | undefined;
    let last: Sample | undefined;
    const sampling = (async () => {
      await sleep(Math.max(0, measureFrom - nowMs()));
      first = await sample(cluster);
      await sleep(Math.max(0, measureTo - nowMs()));
      last = await sample(cluster);
    })();
    await pool.run(settings.ratePerInstance * instances, startAt, measureFrom, measureTo);
    await sampling;
    const stats = await pool.stats();
    const lost = await drain(pool, specs, settings.drainMs);
    const a = first!;
    const b = last!;
    const seconds = (b.at - a.at) / 1000;
    const acked = stats.ackedInWindow;
    const inbound = b.inbound.map((n, i) => (n - a.inbound[i]!) / seconds);
    const instanceSec = sum(b.instanceCpu) - sum(a.instanceCpu);
    Object.assign(row, {
      ackedPerSec: acked / (settings.measureMs / 1000),
      deliveredPerSec: stats.deliveredInWindow / (settings.measureMs / 1000),
      inboundPerInstance: {
        mean: sum(inbound) / inbound.length,
        min: Math.min(...inbound),
        max: Math.max(...inbound),
      },
      inboundPerMessage: acked > 0 ? (sum(inbound) * seconds) / acked : NaN,
      instanceUsPerDelivery:
        stats.deliveredInWindow > 0 ? (instanceSec * 1e6) / stats.deliveredInWindow : NaN,
      instanceCorePct: (100 * instanceSec) / seconds / instances,
      redisUsPerMessage: acked > 0 ? ((b.redisCpu - a.redisCpu) * 1e6) / acked : NaN,
      redisAllNodesUsPerMessage:
        acked > 0 ? ((b.redisAllNodesCpu - a.redisAllNodesCpu) * 1e6) / acked : NaN,
      redisCorePct: (100 * (b.redisCpu - a.redisCpu)) / seconds,
      latency: stats.latency.summary(),
      ackErrors: stats.ackErrors,
      ackErrorSample: stats.ackErrorSamples[0],
      lost,
    } satisfies Partial<ScalingRow>);
    if (acked === 0) row.error = `no send was acked (${stats.ackErrors} error acks)`;
  } catch (error) {
    row.error = error instanceof Error ? error.message : String(error);
    log(`  ${mode} with ${instances} instances failed: ${row.error}`);
  } finally {
    await pool?.close();
    await cluster.stop();
  }
  return row;
}

interface Sample {
  at: number;
  /** chat_pubsub_inbound_total{kind="messages"} per instance (NaN where it has none). */
  inbound: number[];
  instanceCpu: number[];
  redisCpu: number;
  redisAllNodesCpu: number;
}

async function sample(cluster: Cluster): Promise<Sample> {
  const [inbound, redisCpu, redisAllNodesCpu] = await Promise.all([
    Promise.all(cluster.instances.map(inboundMessages)),
    cluster.redisCpuSec(),
    cluster.redisCpuSec(true),
  ]);
  return {
    at: nowMs(),
    inbound,
    instanceCpu: cluster.instances.map((instance) => sampleProc(instance.proc.pid).cpuSec),
    redisCpu,
    redisAllNodesCpu,
  };
}

/** The room payloads an instance received from Redis so far, from its /metrics. */
async function inboundMessages(instance: Instance): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${instance.port}/metrics`)).text();
  let total = NaN;
  for (const match of text.matchAll(/^chat_pubsub_inbound_total\{([^}]*)\} (\S+)$/gm))
    if (match[1]!.includes('kind="messages"'))
      total = (Number.isNaN(total) ? 0 : total) + Number(match[2]);
  return total;
}

/** Waits for every acked message to reach every member of its room; returns what is missing. */
async function drain(pool: LoadPool, specs: ClientSpec[], maxMs: number): Promise<number> {
  const members = new Map<string, number>();
  for (const spec of specs) members.set(spec.roomId!, (members.get(spec.roomId!) ?? 0) + 1);
  const deadline = nowMs() + maxMs;
  for (;;) {
    const totals = await pool.totals();
    let expected = 0;
    for (const spec of specs) expected += totals.acked[spec.idx]! * members.get(spec.roomId!)!;
    const missing = expected - sum(Array.from(totals.unique));
    if ((missing <= 0 && totals.outstanding === 0) || nowMs() > deadline)
      return Math.max(0, missing);
    await sleep(50);
  }
}

function fmt(value: number, digits = 0): string {
  return Number.isFinite(value) ? value.toFixed(digits) : 'n/a';
}

/** The table of docs/BENCHMARKS.md "Scaling": one row per mode and instance count. */
export function scalingTable(rows: ScalingRow[]): string {
  const header = [
    'mode',
    'instances',
    'msg/s per instance (offered)',
    'acked msg/s (all)',
    'inbound msg/s per instance (min–max)',
    'inbound per message',
    'instance CPU µs per delivery',
    'instance CPU % of a core',
    'Redis CPU µs per message (masters; all nodes)',
    'p99 ms',
    'errors',
  ];
  const lines = [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`];
  for (const r of rows) {
    const errors = r.error
      ? r.error.replace(/\|/g, '/').slice(0, 120)
      : `${r.ackErrors} error acks, ${r.lost} lost`;
    lines.push(
      `| ${[
        r.mode,
        r.instances,
        r.ratePerInstance,
        fmt(r.ackedPerSec),
        `${fmt(r.inboundPerInstance.mean)} (${fmt(r.inboundPerInstance.min)}–${fmt(r.inboundPerInstance.max)})`,
        fmt(r.inboundPerMessage, 2),
        fmt(r.instanceUsPerDelivery, 1),
        fmt(r.instanceCorePct, 1),
        `${fmt(r.redisUsPerMessage, 1)}; ${fmt(r.redisAllNodesUsPerMessage, 1)}`,
        fmt(r.latency.p99Ms, 1),
        errors,
      ].join(' | ')} |`,
    );
  }
  return lines.join('\n');
}
