import type { RedisCommandStat } from '../cluster';
import { addCommandStats, topLevelUsec } from '../redis-time';
import { nowMs, sleep } from '../proc';
import type { ProfileWindow } from '../profile';
import type { LatencySummary } from '../histogram';
import { LoadPool } from '../loadgen/pool';
import type { ClientSpec } from '../loadgen/protocol';
import type { FanoutSettings } from '../settings';
import { CpuMeter, sum, waitQuiet, type CpuWindow, type ScenarioContext } from './common';

/*
 * rooms and bigroom: clients join their room, then every client sends at a
 * stepped total rate (open loop) and every member receives every message of
 * its room, its own included. A rate is sustainable when p99 end-to-end
 * latency stays within the limit, deliveries keep up with what was sent, and
 * nothing is lost, duplicated or reordered.
 */

export type FanoutKind = 'rooms' | 'bigroom';

export interface StepResult {
  /** Offered: messages per second the load generator was asked to send. */
  rate: number;
  sentPerSec: number;
  /** Achieved: sends acked ok per second (messages sent in the window). */
  ackedPerSec: number;
  /** Deliveries per second received while the window was open. */
  deliveredPerSec: number;
  /** Deliveries per second the acked sends call for (acked × room size). */
  expectedDeliveriesPerSec: number;
  latency: LatencySummary;
  ackLatency: LatencySummary;
  /** Deliveries still missing when the step's drain ended (0 when it drained). */
  lost: number;
  duplicates: number;
  outOfOrder: number;
  roomOrderViolations: number;
  ackErrors: number;
  disconnects: number;
  drained: boolean;
  cpu: CpuWindow;
  /**
   * The measured window, in milliseconds of the monotonic clock (process.hrtime), which is the
   * clock of V8's CPU profiles too: `--profile` summaries count only samples inside steps.
   */
  window: ProfileWindow;
  /** Server + Redis CPU per delivered message, µs. */
  cpuUsPerDelivery: number;
  /** Redis CPU per message sent (acked), µs. */
  redisUsPerMessage: number;
  /**
   * Redis command execution per acked message, µs: top-level commands' usec from INFO
   * commandstats over the measured window (redis-time.ts says which count). Undefined without
   * a single Redis (the ceiling).
   */
  redisCmdUsPerMessage?: number;
  /** INFO commandstats over the measured window, busiest first (top 8). */
  redisCommands?: RedisCommandStat[];
  /** Redis CPU as a share of one core. */
  redisCorePct: number;
  loadgenCorePct: number;
  pass: boolean;
  reason: string;
  /** This attempt failed and the rate was run again (the next step). */
  retried?: boolean;
}

export interface FanoutResult {
  scenario: FanoutKind;
  target: string;
  instances: number;
  clients: number;
  rooms: number;
  roomSize: number;
  sioClients: number;
  placement: string;
  connect: { ok: number; failed: number; errors: string[]; seconds: number };
  steps: StepResult[];
  /** The highest sustainable step, if any. */
  best: StepResult | undefined;
  /** Redis INFO commandstats summed over the steps' measured windows (ours and baseline). */
  redisCommands: RedisCommandStat[];
  totals: {
    deliveries: number;
    lost: number;
    duplicates: number;
    outOfOrder: number;
    roomOrderViolations: number;
    otherEvents: number;
    sio: { clients: number; deliveries: number; duplicates: number; outOfOrder: number };
  };
  error?: string;
}

export async function runFanout(
  ctx: ScenarioContext,
  kind: FanoutKind,
  extraRates: number[] = [],
): Promise<FanoutResult> {
  const { cluster, settings, target } = ctx;
  const fs: FanoutSettings = kind === 'rooms' ? settings.rooms : settings.bigroom;
  // The ceiling has no broker: its processes share nothing, so rooms are
  // partitioned over them (one room lives on one process), and the big room
  // needs a single process.
  const partitioned = target === 'ceiling';
  const instances = target === 'ceiling' && kind === 'bigroom' ? 1 : settings.instances;
  const roomCount = Math.ceil(fs.clients / fs.roomSize);
  const roomIds =
    kind === 'rooms' ? ctx.roomIds.slice(0, roomCount) : [ctx.roomIds[ctx.roomIds.length - 1]!];

  await cluster.startInstances(instances);
  const specs: ClientSpec[] = [];
  const members = new Map<string, number>();
  for (let i = 0; i < fs.clients; i++) {
    const room = kind === 'rooms' ? Math.floor(i / fs.roomSize) : 0;
    const roomId = roomIds[room]!;
    const instance = partitioned ? room % instances : i % instances;
    specs.push({
      idx: i,
      port: cluster.instances[instance]!.port,
      token: ctx.accounts[i % ctx.accounts.length]!.token,
      roomId,
      kind: i % fs.sioEvery === fs.sioEvery - 1 ? 'sio' : 'raw',
      sends: true,
    });
    members.set(roomId, (members.get(roomId) ?? 0) + 1);
  }
  const roomSizeOf = specs.map((spec) => members.get(spec.roomId!)!);
  const result: FanoutResult = {
    scenario: kind,
    target,
    instances,
    clients: fs.clients,
    rooms: roomCount,
    roomSize: Math.min(fs.roomSize, fs.clients),
    sioClients: specs.filter((s) => s.kind === 'sio').length,
    placement: partitioned
      ? `rooms partitioned over ${instances} process(es), no cross-talk`
      : `client i on instance i mod ${instances}: every room spans all instances`,
    connect: { ok: 0, failed: 0, errors: [], seconds: 0 },
    steps: [],
    best: undefined,
    redisCommands: [],
    totals: {
      deliveries: 0,
      lost: 0,
      duplicates: 0,
      outOfOrder: 0,
      roomOrderViolations: 0,
      otherEvents: 0,
      sio: { clients: 0, deliveries: 0, duplicates: 0, outOfOrder: 0 },
    },
  };

  const pool = await LoadPool.start(specs, {
    workers: settings.workers,
    textSize: settings.textSize,
    checkIdOrder: target !== 'baseline',
    clientIdPrefix: `${ctx.runTag}${kind === 'rooms' ? 'r' : 'b'}-`,
  });
  try {
    const connected = await pool.connect(100, true);
    result.connect = {
      ok: connected.ok,
      failed: connected.failed,
      errors: connected.errors,
      seconds: connected.durationMs / 1000,
    };
    if (connected.failed > 0) {
      result.error = `${connected.failed} clients failed to connect: ${connected.errors.join('; ')}`;
      return result;
    }
    ctx.log(
      `  ${connected.ok} clients connected and joined in ${result.connect.seconds.toFixed(1)} s`,
    );
    await waitQuiet(cluster, 15_000);

    const expectedDeliveries = (acked: Float64Array) => {
      let n = 0;
      for (let i = 0; i < acked.length; i++) n += acked[i]! * (roomSizeOf[i] ?? 0);
      return n;
    };
    /** Waits for every acked message to reach every member; returns what is still missing. */
    const drain = async (maxMs: number) => {
      const deadline = nowMs() + maxMs;
      for (;;) {
        const totals = await pool.totals();
        const missing = expectedDeliveries(totals.acked) - sum(Array.from(totals.unique));
        if ((missing <= 0 && totals.outstanding === 0) || nowMs() > deadline) {
          return { missing: Math.max(0, missing), outstanding: totals.outstanding };
        }
        await sleep(50);
      }
    };

    let previous = { duplicates: 0, outOfOrder: 0, roomOrderViolations: 0, disconnects: 0 };
    const runStep = async (rate: number): Promise<StepResult> => {
      const { warmupMs, measureMs, drainMs } = settings.step;
      const startAt = nowMs() + 20;
      const measureFrom = startAt + warmupMs;
      const measureTo = measureFrom + measureMs;
      const meter = new CpuMeter(cluster);
      // Command statistics cover the same window as CPU: zeroed when it opens, read when it closes.
      let statsReset: Promise<void> | undefined;
      let commands: Promise<RedisCommandStat[]> | undefined;
      const startTimer = setTimeout(() => {
        meter.start();
        statsReset = cluster.resetRedisStats();
      }, measureFrom - nowMs());
      let cpu: CpuWindow | undefined;
      const stopTimer = setTimeout(() => {
        cpu = meter.stop();
        commands = statsReset!.then(() => cluster.redisCommandStats());
      }, measureTo - nowMs());
      await pool.run(rate, startAt, measureFrom, measureTo);
      while (cpu === undefined) await sleep(5);
      clearTimeout(startTimer);
      clearTimeout(stopTimer);
      const windowCommands = await commands!;
      addCommandStats(result.redisCommands, windowCommands);
      const drained = await drain(drainMs);
      const stats = await pool.stats();
      const seconds = measureMs / 1000;
      const lost = drained.missing;
      const step: StepResult = {
        rate,
        sentPerSec: stats.sentInWindow / seconds,
        ackedPerSec: stats.ackedInWindow / seconds,
        deliveredPerSec: stats.deliveredInWindow / seconds,
        expectedDeliveriesPerSec: 0,
        latency: stats.latency.summary(),
        ackLatency: stats.ackLatency.summary(),
        lost,
        duplicates: stats.duplicates - previous.duplicates,
        outOfOrder: stats.outOfOrder - previous.outOfOrder,
        roomOrderViolations: stats.roomOrderViolations - previous.roomOrderViolations,
        ackErrors: stats.ackErrors,
        disconnects: stats.disconnects - previous.disconnects,
        drained: drained.missing === 0 && drained.outstanding === 0,
        cpu,
        window: { fromMs: measureFrom, toMs: measureTo },
        cpuUsPerDelivery: 0,
        redisUsPerMessage: stats.ackedInWindow > 0 ? (cpu.redisSec * 1e6) / stats.ackedInWindow : 0,
        redisCmdUsPerMessage:
          cluster.redis && stats.ackedInWindow > 0
            ? topLevelUsec(windowCommands, target) / stats.ackedInWindow
            : undefined,
        redisCommands: windowCommands.slice(0, 8),
        redisCorePct: (100 * cpu.redisSec) / cpu.windowSec,
        loadgenCorePct: (100 * cpu.loadgenSec) / cpu.windowSec,
        pass: false,
        reason: '',
      };
      step.expectedDeliveriesPerSec =
        kind === 'rooms' ? step.ackedPerSec * fs.roomSize : step.ackedPerSec * fs.clients;
      const serverCpu = sum(cpu.instancesSec) + cpu.redisSec;
      step.cpuUsPerDelivery =
        stats.deliveredInWindow > 0 ? (serverCpu * 1e6) / stats.deliveredInWindow : 0;
      previous = {
        duplicates: stats.duplicates,
        outOfOrder: stats.outOfOrder,
        roomOrderViolations: stats.roomOrderViolations,
        disconnects: stats.disconnects,
      };
      const reasons: string[] = [];
      if (step.latency.p99Ms > settings.p99LimitMs)
        reasons.push(`p99 ${step.latency.p99Ms.toFixed(0)} ms > ${settings.p99LimitMs}`);
      if (!step.drained) reasons.push(`not drained in ${drainMs / 1000} s`);
      if (step.sentPerSec < 0.9 * rate) reasons.push('load generator fell behind');
      if (step.ackedPerSec < 0.95 * step.sentPerSec) reasons.push('acks fell short');
      if (step.deliveredPerSec < 0.95 * step.expectedDeliveriesPerSec)
        reasons.push('deliveries fell short');
      if (step.lost + step.duplicates + step.outOfOrder + step.roomOrderViolations > 0)
        reasons.push('lost/duplicated/reordered');
      if (step.ackErrors > 0) reasons.push(`${step.ackErrors} error acks`);
      if (step.disconnects > 0) reasons.push(`${step.disconnects} disconnects`);
      step.pass = reasons.length === 0;
      step.reason = reasons.join('; ');
      if (stats.ackErrorSamples.length > 0)
        ctx.log(`    error acks, e.g. ${stats.ackErrorSamples[0]}`);
      return step;
    };

    const record = async (rate: number) => {
      const step = await runStep(rate);
      result.steps.push(step);
      ctx.log(
        `  ${String(Math.round(rate)).padStart(6)} msg/s → ${Math.round(step.deliveredPerSec)
          .toString()
          .padStart(
            7,
          )} deliveries/s  p50 ${step.latency.p50Ms.toFixed(1)}  p99 ${step.latency.p99Ms.toFixed(1)}  max ${step.latency.maxMs.toFixed(0)} ms  cpu ${step.cpuUsPerDelivery.toFixed(1)} µs/dlv${step.redisCmdUsPerMessage === undefined ? '' : `  redis cmd ${step.redisCmdUsPerMessage.toFixed(1)} µs/msg`}  ${step.pass ? 'ok' : `FAIL (${step.reason})`}`,
      );
      return step;
    };

    // Priming: a short unmeasured run at the first rate, so that the first
    // measured step does not pay for JIT compilation and buffer growth.
    {
      const rate = settings.rates?.[0] ?? fs.startRate;
      const startAt = nowMs() + 20;
      const end = startAt + settings.step.warmupMs * 2;
      await pool.run(rate, startAt, end, end);
      await drain(settings.step.drainMs);
      await waitQuiet(cluster, 5000);
    }

    const ran = new Set<number>();
    const doRate = async (rate: number) => {
      const r = Math.max(1, Math.round(rate));
      ran.add(r);
      let step = await record(r);
      for (let attempt = 0; attempt < settings.step.retries && !step.pass; attempt++) {
        step.retried = true;
        await waitQuiet(cluster, 10_000);
        step = await record(r);
      }
      return step;
    };
    if (settings.rates) {
      for (const rate of settings.rates) {
        const step = await doRate(rate);
        if (!step.drained) break;
      }
    } else {
      let lastPass: number | undefined;
      let firstFail: number | undefined;
      let rate = fs.startRate;
      for (let i = 0; i < settings.step.maxSteps; i++) {
        const step = await doRate(rate);
        if (step.pass) {
          lastPass = rate;
          rate *= 2;
        } else {
          firstFail = rate;
          break;
        }
      }
      for (let i = 0; i < settings.step.bisections && firstFail !== undefined; i++) {
        if (lastPass === undefined) {
          // Even the first rate failed: search downwards.
          rate = firstFail / 2;
        } else {
          rate = (lastPass + firstFail) / 2;
        }
        const step = await doRate(rate);
        if (!step.drained && !step.pass && lastPass === undefined) break;
        if (step.pass) lastPass = rate;
        else firstFail = rate;
      }
    }
    // The fixed, unsaturated rates (CPU per delivery compares there), unless --rates chose the
    // rates; and the baseline's best rate, so that ours/baseline latency compares at one rate.
    const more = [...(settings.rates ? [] : fs.fixedRates), ...extraRates];
    for (const rate of more) if (!ran.has(Math.round(rate))) await doRate(rate);

    const final = await drain(10_000);
    const stats = await pool.stats();
    result.totals = {
      deliveries: stats.deliveries,
      lost: final.missing,
      duplicates: stats.duplicates,
      outOfOrder: stats.outOfOrder,
      roomOrderViolations: stats.roomOrderViolations,
      otherEvents: stats.otherEvents,
      sio: stats.sio,
    };
    result.redisCommands = result.redisCommands.slice(0, 8);
    if (result.redisCommands.length > 0)
      ctx.log(
        `  redis commands: ${result.redisCommands
          .slice(0, 5)
          .map((c) => `${c.command} ${c.calls} calls ${c.usecPerCall.toFixed(1)} µs/call`)
          .join(', ')}`,
      );
    result.best = result.steps
      .filter((s) => s.pass)
      .reduce<StepResult | undefined>(
        (best, s) => (!best || s.rate > best.rate ? s : best),
        undefined,
      );
    return result;
  } finally {
    await pool.close();
    await cluster.stopInstances();
  }
}
