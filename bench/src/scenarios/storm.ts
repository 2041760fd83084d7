import type { LatencySummary } from '../histogram';
import { LoadPool } from '../loadgen/pool';
import { nowMs } from '../proc';
import type { ProfileWindow } from '../profile';
import type { ClientSpec } from '../loadgen/protocol';
import { CpuMeter, waitQuiet, type CpuWindow, type ScenarioContext } from './common';

/*
 * connect-storm: connect + authenticate + join a room, as fast as the
 * servers take it (a fixed number of attempts in flight). Connections per
 * second and the time of each one, from opening the TCP connection to the
 * join ack.
 */

export interface StormResult {
  scenario: 'connect-storm';
  target: string;
  /** Every user already had a connection open (no presence broadcasts). */
  usersOnline: boolean;
  instances: number;
  connections: number;
  concurrency: number;
  ok: number;
  failed: number;
  errors: string[];
  seconds: number;
  connectionsPerSec: number;
  connectTime: LatencySummary;
  cpu: CpuWindow;
  /** The storm's window on the monotonic clock, as a rooms step's: `--profile` counts only it. */
  window: ProfileWindow;
  /** Server + Redis CPU per connection, µs. */
  cpuUsPerConnection: number;
}

export async function runStorm(ctx: ScenarioContext): Promise<StormResult> {
  const { cluster, settings } = ctx;
  const n = settings.instances;
  const { connections, concurrency } = settings.storm;
  await cluster.startInstances(n);
  await waitQuiet(cluster, 5000);
  const rooms = ctx.roomIds.slice(0, Math.max(1, ctx.roomIds.length - 1));
  const specs: ClientSpec[] = Array.from({ length: connections }, (_, i) => ({
    idx: i,
    port: cluster.instances[i % n]!.port,
    token: ctx.accounts[i % ctx.accounts.length]!.token,
    roomId: rooms[i % rooms.length]!,
    kind: i % 300 === 299 ? 'sio' : 'raw',
    sends: false,
  }));
  // --storm-online: one idle connection per user first, so no connection of
  // the storm is a user's first (ours then publishes no presence events).
  const anchors = settings.storm.usersOnline
    ? await LoadPool.start(
        ctx.accounts.map((account, i) => ({
          idx: i,
          port: cluster.instances[i % n]!.port,
          token: account.token,
          kind: 'raw' as const,
          sends: false,
        })),
        { workers: 1, textSize: settings.textSize, checkIdOrder: false, clientIdPrefix: 'a-' },
      )
    : undefined;
  if (anchors) {
    await anchors.connect(100, false);
    await waitQuiet(cluster, 10_000);
  }
  const pool = await LoadPool.start(specs, {
    workers: settings.workers,
    textSize: settings.textSize,
    checkIdOrder: false,
    clientIdPrefix: `${ctx.runTag}s-`,
  });
  try {
    const meter = new CpuMeter(cluster);
    meter.start();
    const fromMs = nowMs();
    const connected = await pool.connect(concurrency, true);
    const toMs = nowMs();
    const cpu = meter.stop();
    const seconds = connected.durationMs / 1000;
    const serverCpu = cpu.instancesSec.reduce((a, b) => a + b, 0) + cpu.redisSec;
    return {
      scenario: 'connect-storm',
      target: ctx.target,
      usersOnline: settings.storm.usersOnline === true,
      instances: n,
      connections,
      concurrency,
      ok: connected.ok,
      failed: connected.failed,
      errors: connected.errors,
      seconds,
      connectionsPerSec: seconds > 0 ? connected.ok / seconds : 0,
      connectTime: connected.connectTime.summary(),
      cpu,
      window: { fromMs, toMs },
      cpuUsPerConnection: connected.ok > 0 ? (serverCpu * 1e6) / connected.ok : 0,
    };
  } finally {
    await pool.close();
    await anchors?.close();
    await cluster.stopInstances();
  }
}
