import { LoadPool } from '../loadgen/pool';
import type { ClientSpec } from '../loadgen/protocol';
import { sampleProc, sleep } from '../proc';
import { CpuMeter, waitQuiet, type CpuWindow, type ScenarioContext } from './common';

/*
 * idle: thousands of authenticated connections that do nothing. Memory per
 * connection (RSS and V8 heap, after minus before, per instance) and the CPU
 * an instance spends on them while nothing happens.
 */

export interface IdleResult {
  scenario: 'idle';
  target: string;
  instances: number;
  connections: number;
  users: number;
  connect: { ok: number; failed: number; errors: string[]; seconds: number };
  perInstance: {
    connections: number;
    rssBeforeBytes: number;
    rssAfterBytes: number;
    heapBeforeBytes: number;
    heapAfterBytes: number;
  }[];
  rssPerConnBytes: number;
  heapPerConnBytes: number;
  idle: CpuWindow;
  /** Server CPU while idle, as a share of one core, summed over instances. */
  idleCorePct: number;
  error?: string;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? NaN;
}

async function memory(ctx: ScenarioContext): Promise<{ rss: number; heap: number }[]> {
  const samples: { rss: number; heap: number }[][] = [];
  for (let s = 0; s < 3; s++) {
    await ctx.cluster.collectGarbage();
    samples.push(
      await Promise.all(
        ctx.cluster.instances.map(async (instance) => ({
          rss: sampleProc(instance.proc.pid).rssBytes,
          heap: await ctx.cluster.heapBytes(instance),
        })),
      ),
    );
  }
  return ctx.cluster.instances.map((_, i) => ({
    rss: median(samples.map((row) => row[i]!.rss)),
    heap: median(samples.map((row) => row[i]!.heap)),
  }));
}

export async function runIdle(ctx: ScenarioContext): Promise<IdleResult> {
  const { cluster, settings } = ctx;
  const n = settings.instances;
  const count = settings.idle.connections;
  await cluster.startInstances(n, true);
  await waitQuiet(cluster, 5000);
  const before = await memory(ctx);

  // Users are reused round-robin: connection i uses user i mod users, so the
  // first `users` connections are distinct users and the rest are their
  // further tabs and devices (a token may open many sockets).
  const specs: ClientSpec[] = Array.from({ length: count }, (_, i) => ({
    idx: i,
    port: cluster.instances[i % n]!.port,
    token: ctx.accounts[i % ctx.accounts.length]!.token,
    kind: i % 500 === 499 ? 'sio' : 'raw',
    sends: false,
  }));
  const pool = await LoadPool.start(specs, {
    workers: settings.workers,
    textSize: settings.textSize,
    checkIdOrder: false,
    clientIdPrefix: `${ctx.runTag}i-`,
  });
  const result: IdleResult = {
    scenario: 'idle',
    target: ctx.target,
    instances: n,
    connections: count,
    users: Math.min(count, ctx.accounts.length),
    connect: { ok: 0, failed: 0, errors: [], seconds: 0 },
    perInstance: [],
    rssPerConnBytes: NaN,
    heapPerConnBytes: NaN,
    idle: {
      windowSec: 0,
      instancesSec: [],
      redisSec: 0,
      loadgenSec: 0,
      instancesRss: [],
      redisRss: 0,
    },
    idleCorePct: NaN,
  };
  try {
    const connected = await pool.connect(200, false);
    result.connect = {
      ok: connected.ok,
      failed: connected.failed,
      errors: connected.errors,
      seconds: connected.durationMs / 1000,
    };
    ctx.log(
      `  ${connected.ok} idle connections in ${result.connect.seconds.toFixed(1)} s` +
        (connected.failed > 0 ? `, ${connected.failed} FAILED: ${connected.errors[0]}` : ''),
    );
    if (connected.failed > 0) result.error = `${connected.failed} connections failed`;
    await waitQuiet(cluster, 20_000);
    await sleep(1000);
    const after = await memory(ctx);
    const meter = new CpuMeter(cluster);
    meter.start();
    await sleep(settings.idle.windowMs);
    result.idle = meter.stop();
    const perInstanceConns = cluster.instances.map(
      (_, i) => specs.filter((s) => s.idx % n === i).length,
    );
    result.perInstance = cluster.instances.map((_, i) => ({
      connections: perInstanceConns[i]!,
      rssBeforeBytes: before[i]!.rss,
      rssAfterBytes: after[i]!.rss,
      heapBeforeBytes: before[i]!.heap,
      heapAfterBytes: after[i]!.heap,
    }));
    const total = (pick: (p: IdleResult['perInstance'][number]) => number) =>
      result.perInstance.reduce((acc, p) => acc + pick(p), 0);
    result.rssPerConnBytes = total((p) => p.rssAfterBytes - p.rssBeforeBytes) / connected.ok;
    result.heapPerConnBytes = total((p) => p.heapAfterBytes - p.heapBeforeBytes) / connected.ok;
    result.idleCorePct =
      (100 * result.idle.instancesSec.reduce((a, b) => a + b, 0)) / result.idle.windowSec;
    return result;
  } finally {
    await pool.close();
    await cluster.stopInstances();
  }
}
