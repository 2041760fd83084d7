import type { Account, Cluster, TargetName } from '../cluster';
import { nowMs, selfCpuSec, sleep } from '../proc';
import type { Settings } from '../settings';

export interface ScenarioContext {
  cluster: Cluster;
  target: TargetName;
  settings: Settings;
  accounts: Account[];
  /** Room ids created for this target: the first ones for `rooms`, the last one for `bigroom`. */
  roomIds: string[];
  /** Unique per run: prefixes clientIds so no two scenarios reuse one. */
  runTag: string;
  log(line: string): void;
}

export interface CpuWindow {
  windowSec: number;
  /** CPU seconds used during the window, per server instance. */
  instancesSec: number[];
  redisSec: number;
  /** The bench process: orchestrator and load-generator threads. */
  loadgenSec: number;
  /** RSS at the end of the window, per instance, bytes. */
  instancesRss: number[];
  redisRss: number;
}

export class CpuMeter {
  private at = 0;
  private base: ReturnType<Cluster['sample']> | undefined;
  private self = 0;

  constructor(private readonly cluster: Cluster) {}

  start(): void {
    this.at = nowMs();
    this.base = this.cluster.sample();
    this.self = selfCpuSec();
  }

  stop(): CpuWindow {
    const end = this.cluster.sample();
    const base = this.base!;
    return {
      windowSec: (nowMs() - this.at) / 1000,
      instancesSec: end.instances.map((s, i) => s.cpuSec - (base.instances[i]?.cpuSec ?? 0)),
      redisSec: end.redis.cpuSec - base.redis.cpuSec,
      loadgenSec: selfCpuSec() - this.self,
      instancesRss: end.instances.map((s) => s.rssBytes),
      redisRss: end.redis.rssBytes,
    };
  }
}

/** Waits until the servers and Redis together use less than `fraction` of one core. */
export async function waitQuiet(cluster: Cluster, maxMs: number, fraction = 0.1): Promise<number> {
  const started = nowMs();
  await sleep(300);
  for (;;) {
    const meter = new CpuMeter(cluster);
    meter.start();
    await sleep(500);
    const w = meter.stop();
    const used = w.instancesSec.reduce((a, b) => a + b, 0) + w.redisSec;
    if (used / w.windowSec < fraction || nowMs() - started > maxMs) return nowMs() - started;
  }
}

export function sum(values: number[]): number {
  return values.reduce((a, b) => a + b, 0);
}
