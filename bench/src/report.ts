import type { TargetName } from './cluster';
import type { FanoutResult, StepResult } from './scenarios/fanout';
import type { IdleResult } from './scenarios/idle';
import type { StormResult } from './scenarios/storm';
import { fmtSpread, spreadOf, type Spread } from './spread';

export type ScenarioName = 'rooms' | 'bigroom' | 'idle' | 'connect-storm';
export const SCENARIOS: ScenarioName[] = ['rooms', 'bigroom', 'idle', 'connect-storm'];

export interface TargetResults {
  rooms?: FanoutResult;
  bigroom?: FanoutResult;
  idle?: IdleResult;
  'connect-storm'?: StormResult;
  error?: string;
}

export type AllResults = Partial<Record<TargetName, TargetResults>>;

export interface Goal {
  goal: string;
  measured: string;
  met: boolean | null;
}

const MB = 1024 * 1024;

function fmt(value: number | undefined, digits = 0): string {
  if (value === undefined || !Number.isFinite(value)) return '-';
  return value.toLocaleString('en-US', {
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  });
}

export function table(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    '| ' +
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(' | ') +
    ' |';
  const rule =
    '|' +
    widths.map((w, i) => (i === 0 ? '-'.repeat(w + 2) : '-'.repeat(w + 1) + ':')).join('|') +
    '|';
  return [line(headers), rule, ...rows.map(line)].join('\n');
}

function correctness(r: FanoutResult): string {
  const t = r.totals;
  return `${t.lost}/${t.duplicates}/${t.outOfOrder + t.roomOrderViolations}`;
}

function stepAt(r: FanoutResult | undefined, rate: number | undefined): StepResult | undefined {
  if (!r || rate === undefined) return undefined;
  return [...r.steps].reverse().find((s) => Math.round(s.rate) === Math.round(rate));
}

export function fanoutSummary(results: AllResults, scenario: 'rooms' | 'bigroom'): string {
  const rows: string[][] = [];
  for (const [target, res] of Object.entries(results)) {
    const r = res?.[scenario];
    if (!r) continue;
    const b = r.best;
    rows.push([
      target,
      String(r.instances),
      b ? fmt(b.rate) : 'none',
      b ? fmt(b.ackedPerSec) : '-',
      b ? fmt(b.deliveredPerSec) : '-',
      b ? fmt(b.latency.p50Ms, 1) : '-',
      b ? fmt(b.latency.p90Ms, 1) : '-',
      b ? fmt(b.latency.p99Ms, 1) : '-',
      b ? fmt(b.latency.maxMs, 0) : '-',
      correctness(r),
      b ? b.cpu.instancesSec.map((s) => fmt(s, 2)).join(' ') : '-',
      b ? fmt(b.cpu.redisSec, 2) : '-',
      b ? fmt(b.redisCorePct, 0) : '-',
      b ? fmt(b.cpuUsPerDelivery, 1) : '-',
      b ? b.cpu.instancesRss.map((x) => fmt(x / MB)).join(' ') : '-',
      b ? fmt(b.loadgenCorePct, 0) : '-',
    ]);
  }
  return table(
    [
      'target',
      'inst',
      'best msg/s',
      'acked/s',
      'delivered/s',
      'p50 ms',
      'p90 ms',
      'p99 ms',
      'max ms',
      'lost/dup/ooo',
      'CPU s per inst',
      'redis CPU s',
      'redis %core',
      'µs CPU/dlv',
      'RSS MB per inst',
      'loadgen %core',
    ],
    rows,
  );
}

export function stepsTable(r: FanoutResult): string {
  return table(
    [
      'offered msg/s',
      'sent/s',
      'acked/s',
      'delivered/s',
      'p50 ms',
      'p90 ms',
      'p99 ms',
      'max ms',
      'ack p99',
      'µs CPU/dlv',
      'inst %core',
      'redis %core',
      'redis µs/msg',
      'redis cmd µs/msg',
      'loadgen %core',
      'result',
    ],
    // By rate, so the table reads as the curve; attempts at one rate stay in run order.
    [...r.steps]
      .sort((a, b) => a.rate - b.rate)
      .map((s) => [
        fmt(s.rate),
        fmt(s.sentPerSec),
        fmt(s.ackedPerSec),
        fmt(s.deliveredPerSec),
        fmt(s.latency.p50Ms, 1),
        fmt(s.latency.p90Ms, 1),
        fmt(s.latency.p99Ms, 1),
        fmt(s.latency.maxMs, 0),
        fmt(s.ackLatency.p99Ms, 1),
        fmt(s.cpuUsPerDelivery, 1),
        s.cpu.instancesSec.map((x) => fmt((100 * x) / s.cpu.windowSec)).join(' '),
        fmt(s.redisCorePct),
        fmt(s.redisUsPerMessage, 1),
        fmt(s.redisCmdUsPerMessage, 1),
        fmt(s.loadgenCorePct),
        s.pass ? 'ok' : `${s.retried ? 'fail, retried' : 'FAIL'}: ${s.reason}`,
      ]),
  );
}

export function idleTable(results: AllResults): string {
  const rows: string[][] = [];
  for (const [target, res] of Object.entries(results)) {
    const r = res?.idle;
    if (!r) continue;
    rows.push([
      target,
      fmt(r.connect.ok),
      fmt(r.users),
      fmt(r.rssPerConnBytes / 1024, 1),
      fmt(r.heapPerConnBytes / 1024, 1),
      r.perInstance.map((p) => fmt(p.rssAfterBytes / MB)).join(' '),
      fmt(r.idleCorePct, 2),
      fmt((100 * r.idle.redisSec) / r.idle.windowSec, 2),
      fmt(r.connect.seconds, 1),
    ]);
  }
  return table(
    [
      'target',
      'connections',
      'users',
      'RSS KB/conn',
      'heap KB/conn',
      'RSS MB per inst',
      'idle CPU %core (all inst)',
      'redis %core',
      'connect s',
    ],
    rows,
  );
}

export function stormTable(results: AllResults): string {
  const rows: string[][] = [];
  for (const [target, res] of Object.entries(results)) {
    const r = res?.['connect-storm'];
    if (!r) continue;
    rows.push([
      r.usersOnline ? `${target} (users online)` : target,
      fmt(r.connections),
      fmt(r.concurrency),
      fmt(r.ok),
      fmt(r.failed),
      fmt(r.connectionsPerSec),
      fmt(r.connectTime.p50Ms, 1),
      fmt(r.connectTime.p90Ms, 1),
      fmt(r.connectTime.p99Ms, 1),
      fmt(r.connectTime.maxMs, 0),
      fmt(r.cpuUsPerConnection, 0),
      r.cpu.instancesSec.map((x) => fmt(x, 2)).join(' '),
      fmt(r.cpu.redisSec, 2),
      r.cpu.instancesRss.map((x) => fmt(x / MB)).join(' '),
      fmt(r.cpu.loadgenSec, 2),
    ]);
  }
  return table(
    [
      'target',
      'connections',
      'in flight',
      'ok',
      'failed',
      'conn/s',
      'p50 ms',
      'p90 ms',
      'p99 ms',
      'max ms',
      'µs CPU/conn',
      'CPU s per inst',
      'redis CPU s',
      'RSS MB per inst',
      'loadgen CPU s',
    ],
    rows,
  );
}

function ratio(a: number | undefined, b: number | undefined): number | undefined {
  if (a === undefined || b === undefined || !Number.isFinite(a) || !Number.isFinite(b) || b === 0)
    return undefined;
  return a / b;
}

/** The fixed rooms rates (msgs/s) issue 16 states CPU per delivery and Redis time at. */
export const GOAL_RATES = [1000, 2000] as const;

type Pick = (results: AllResults) => number | undefined;

/** `pick` over every repetition: median and min–max. */
function over(reps: AllResults[], pick: Pick): Spread | undefined {
  return spreadOf(reps.map(pick));
}

/** The per-repetition ratio a / b (a ratio within one run, never of medians). */
function ratioOf(a: Pick, b: Pick): Pick {
  return (r) => ratio(a(r), b(r));
}

const roomsBestDelivered =
  (t: TargetName): Pick =>
  (r) =>
    r[t]?.rooms?.best?.deliveredPerSec;
const baseBestRate =
  (name: 'rooms' | 'bigroom'): Pick =>
  (r) =>
    r.baseline?.[name]?.best?.rate;
/** Ours at the baseline's best rate of the same repetition; the baseline at its best. */
const atBaseBest =
  (t: TargetName, name: 'rooms' | 'bigroom', value: (s: StepResult) => number): Pick =>
  (r) => {
    const base = r.baseline?.[name]?.best;
    if (!base) return undefined;
    const step = t === 'baseline' ? base : stepAt(r[t]?.[name], base.rate);
    return step ? value(step) : undefined;
  };
const atRate =
  (t: TargetName, rate: number, value: (s: StepResult) => number | undefined): Pick =>
  (r) => {
    const step = stepAt(r[t]?.rooms, rate);
    return step ? value(step) : undefined;
  };
const atBest =
  (t: TargetName, name: 'rooms' | 'bigroom', value: (s: StepResult) => number): Pick =>
  (r) => {
    const best = r[t]?.[name]?.best;
    return best ? value(best) : undefined;
  };

/** Says, when there are several runs, that figures are medians, so that no one reads one run's. */
function medians(reps: AllResults[]): string {
  return reps.length > 1 ? `the median of ${reps.length} runs, min–max in brackets` : '';
}

interface RatioGoal {
  goal: string;
  ours: Pick;
  other: Pick;
  /** Ratio bound; met when the median ratio is at most (atLeast: at least) it. */
  limit: number;
  atLeast?: boolean;
  percent?: boolean;
  /** Units and digits of the two figures, e.g. ' µs', 1. */
  unit: string;
  digits: number;
  /** What the other figure is, e.g. 'baseline'. */
  otherName: string;
  /** Prefix of the measured text, e.g. 'at 1,000 msg/s: '. */
  where?: string;
  needs: string;
}

function ratioGoal(reps: AllResults[], g: RatioGoal): Goal {
  const r = over(reps, ratioOf(g.ours, g.other));
  if (!r) return { goal: g.goal, measured: `not measured (needs ${g.needs})`, met: null };
  const shown = g.percent
    ? fmtSpread({ median: 100 * r.median, min: 100 * r.min, max: 100 * r.max, n: r.n }, 0, '%')
    : fmtSpread(r, 2, '×');
  const figures = `ours ${fmtSpread(over(reps, g.ours), g.digits)}${g.unit}, ${g.otherName} ${fmtSpread(over(reps, g.other), g.digits)}${g.unit}`;
  return {
    goal: g.goal,
    measured: `${g.where ?? ''}${shown}; ${figures}`,
    met: g.atLeast ? r.median >= g.limit : r.median <= g.limit,
  };
}

/** Issue 16's targets, from every repetition: each row on the medians, with their spread. */
export function goals(reps: AllResults[]): Goal[] {
  const out: Goal[] = [];
  const cpu = (s: StepResult) => s.cpuUsPerDelivery;
  for (const rate of GOAL_RATES) {
    out.push(
      ratioGoal(reps, {
        goal: `rooms: server + Redis CPU per delivery at ${fmt(rate)} msg/s ≤ 0.5× the baseline's`,
        ours: atRate('ours', rate, cpu),
        other: atRate('baseline', rate, cpu),
        limit: 0.5,
        unit: ' µs',
        digits: 1,
        otherName: 'baseline',
        needs: `ours and --baseline with a ${fmt(rate)} msg/s rooms step`,
      }),
    );
  }
  const redisRate = GOAL_RATES[1];
  const redis = over(
    reps,
    atRate('ours', redisRate, (s) => s.redisCmdUsPerMessage),
  );
  out.push({
    goal: `Redis time per message ≤ 15 µs (commandstats, ours at ${fmt(redisRate)} msg/s)`,
    measured: redis
      ? `${fmtSpread(redis, 1)} µs (baseline ${fmtSpread(
          over(
            reps,
            atRate('baseline', redisRate, (s) => s.redisCmdUsPerMessage),
          ),
          1,
        )} µs)`
      : `not measured (needs a ${fmt(redisRate)} msg/s rooms step of ours)`,
    met: redis ? redis.median <= 15 : null,
  });
  out.push(
    ratioGoal(reps, {
      goal: "rooms: highest sustainable delivered msgs/s ≥ 3× the baseline's",
      ours: roomsBestDelivered('ours'),
      other: roomsBestDelivered('baseline'),
      limit: 3,
      atLeast: true,
      unit: '/s',
      digits: 0,
      otherName: 'baseline',
      needs: 'ours and --baseline',
    }),
  );
  out.push(
    ratioGoal(reps, {
      goal: "rooms: highest sustainable delivered msgs/s ≥ 50% of the ceiling's",
      ours: roomsBestDelivered('ours'),
      other: roomsBestDelivered('ceiling'),
      limit: 0.5,
      atLeast: true,
      percent: true,
      unit: '/s',
      digits: 0,
      otherName: 'ceiling',
      needs: 'ours and --ceiling',
    }),
  );
  const p99 = (s: StepResult) => s.latency.p99Ms;
  out.push(
    ratioGoal(reps, {
      goal: "rooms: p99 at the baseline's highest sustainable rate ≤ 0.3× the baseline's",
      ours: atBaseBest('ours', 'rooms', p99),
      other: atBaseBest('baseline', 'rooms', p99),
      limit: 0.3,
      unit: ' ms',
      digits: 1,
      otherName: 'baseline',
      where: `at ${fmtSpread(over(reps, baseBestRate('rooms')))} msg/s: `,
      needs: 'ours and --baseline',
    }),
  );
  const idle = (t: TargetName, field: 'rssPerConnBytes' | 'heapPerConnBytes'): Pick => {
    return (r) => {
      const v = r[t]?.idle?.[field];
      return v === undefined ? undefined : v / 1024;
    };
  };
  for (const [field, name] of [
    ['rssPerConnBytes', 'RSS'],
    ['heapPerConnBytes', 'heap'],
  ] as const) {
    out.push(
      ratioGoal(reps, {
        goal: `idle: ${name} per authenticated connection ≤ 0.6× the baseline's`,
        ours: idle('ours', field),
        other: idle('baseline', field),
        limit: 0.6,
        unit: ' KB',
        digits: 1,
        otherName: 'baseline',
        needs: 'ours and --baseline',
      }),
    );
  }
  const storm =
    (t: TargetName): Pick =>
    (r) =>
      r[t]?.['connect-storm']?.connectionsPerSec;
  out.push(
    ratioGoal(reps, {
      goal: "connect-storm: connections/s ≥ 1× the baseline's",
      ours: storm('ours'),
      other: storm('baseline'),
      limit: 1,
      atLeast: true,
      unit: '/s',
      digits: 0,
      otherName: 'baseline',
      needs: 'ours and --baseline',
    }),
  );
  for (const target of ['ours', 'baseline', 'ceiling'] as const) {
    let bad = 0;
    let steps = 0;
    let badSteps = 0;
    const parts: string[] = [];
    for (const name of ['rooms', 'bigroom'] as const) {
      const runs = reps.map((r) => r[target]?.[name]).filter((r) => r !== undefined);
      if (runs.length === 0) continue;
      const t = { deliveries: 0, lost: 0, duplicates: 0, reordered: 0 };
      for (const run of runs) {
        t.deliveries += run.totals.deliveries;
        t.lost += run.totals.lost;
        t.duplicates += run.totals.duplicates;
        t.reordered += run.totals.outOfOrder + run.totals.roomOrderViolations;
        for (const s of run.steps) {
          steps += 1;
          if (s.duplicates + s.outOfOrder + s.roomOrderViolations > 0) badSteps += 1;
        }
      }
      bad += t.lost + t.duplicates + t.reordered;
      parts.push(
        `${name} ${fmt(t.deliveries)} deliveries: ${t.lost} lost, ${t.duplicates} dup, ${t.reordered} out of order`,
      );
    }
    if (parts.length === 0) continue;
    out.push({
      goal: `${target}: zero lost, duplicated or reordered deliveries in every step`,
      measured: `${parts.join('; ')}; ${badSteps} of ${steps} steps with any${reps.length > 1 ? ` (all ${reps.length} runs)` : ''}`,
      met: bad === 0 && badSteps === 0,
    });
  }
  return out;
}

export function goalsTable(list: Goal[], reps: AllResults[] = []): string {
  const note = medians(reps);
  return (
    (note ? `Each row is on ${note}.\n\n` : '') +
    table(
      ['target', 'measured', 'met'],
      list.map((g) => [g.goal, g.measured, g.met === null ? 'n/a' : g.met ? 'met' : 'NOT met']),
    )
  );
}

interface Figure {
  label: string;
  /** The figure of one target in one repetition; undefined: not shown for that target. */
  of: (t: TargetName) => Pick | undefined;
  digits: number;
  /** Show the % of ceiling column. */
  ofCeiling?: boolean;
  /** No ours/baseline column (the load generator's share is context, not a comparison). */
  noRatio?: boolean;
}

/** The headline figures of every target, medians over the repetitions with their spread. */
export function ratiosTable(reps: AllResults[]): string {
  const figures: Figure[] = [];
  const cpu = (s: StepResult) => s.cpuUsPerDelivery;
  for (const name of ['rooms', 'bigroom'] as const) {
    figures.push({
      label: `${name}: best msg/s`,
      of: (t) => atBest(t, name, (s) => s.rate),
      digits: 0,
    });
    figures.push({
      label: `${name}: best delivered/s`,
      of: (t) => atBest(t, name, (s) => s.deliveredPerSec),
      digits: 0,
      ofCeiling: true,
    });
    figures.push({
      label: `${name}: p99 ms at baseline's best rate`,
      of: (t) => (t === 'ceiling' ? undefined : atBaseBest(t, name, (s) => s.latency.p99Ms)),
      digits: 1,
    });
    figures.push({
      label: `${name}: µs CPU/dlv at baseline's best rate`,
      of: (t) => (t === 'ceiling' ? undefined : atBaseBest(t, name, cpu)),
      digits: 1,
    });
    figures.push({
      label: `${name}: µs CPU/dlv, each at its best`,
      of: (t) => atBest(t, name, cpu),
      digits: 1,
    });
    if (name === 'rooms') {
      for (const rate of GOAL_RATES) {
        figures.push({
          label: `rooms: µs CPU/dlv at ${fmt(rate)} msg/s`,
          of: (t) => atRate(t, rate, cpu),
          digits: 1,
        });
        figures.push({
          label: `rooms: redis cmd µs/msg at ${fmt(rate)} msg/s`,
          of: (t) => (t === 'ceiling' ? undefined : atRate(t, rate, (s) => s.redisCmdUsPerMessage)),
          digits: 1,
        });
        figures.push({
          label: `rooms: loadgen %core at ${fmt(rate)} msg/s`,
          of: (t) => atRate(t, rate, (s) => s.loadgenCorePct),
          digits: 0,
          noRatio: true,
        });
      }
    }
    figures.push({
      label: `${name}: loadgen %core at best rate`,
      of: (t) => atBest(t, name, (s) => s.loadgenCorePct),
      digits: 0,
      noRatio: true,
    });
  }
  const idle =
    (field: 'rssPerConnBytes' | 'heapPerConnBytes') =>
    (t: TargetName): Pick =>
    (r) => {
      const v = r[t]?.idle?.[field];
      return v === undefined ? undefined : v / 1024;
    };
  figures.push({ label: 'idle: RSS KB/connection', of: idle('rssPerConnBytes'), digits: 1 });
  figures.push({ label: 'idle: heap KB/connection', of: idle('heapPerConnBytes'), digits: 1 });
  const storm =
    (value: (s: StormResult) => number) =>
    (t: TargetName): Pick | undefined =>
      t === 'ceiling'
        ? undefined
        : (r) => {
            const s = r[t]?.['connect-storm'];
            return s ? value(s) : undefined;
          };
  figures.push({
    label: 'connect-storm: connections/s',
    of: storm((s) => s.connectionsPerSec),
    digits: 0,
  });
  figures.push({
    label: 'connect-storm: p99 connect ms',
    of: storm((s) => s.connectTime.p99Ms),
    digits: 1,
  });
  figures.push({
    label: 'connect-storm: loadgen %core',
    of: storm((s) => (100 * s.cpu.loadgenSec) / s.cpu.windowSec),
    digits: 0,
    noRatio: true,
  });

  const rows = figures.map((f) => {
    const ours = f.of('ours');
    const base = f.of('baseline');
    const ceil = f.of('ceiling');
    return [
      f.label,
      ours ? fmtSpread(over(reps, ours), f.digits) : '-',
      base ? fmtSpread(over(reps, base), f.digits) : '-',
      ceil ? fmtSpread(over(reps, ceil), f.digits) : '-',
      ours && base && !f.noRatio ? fmtSpread(over(reps, ratioOf(ours, base)), 2) : '-',
      ours && ceil && f.ofCeiling
        ? fmtSpread(
            over(reps, (r) => percent(ratioOf(ours, ceil)(r))),
            0,
            '%',
          )
        : '-',
    ];
  });
  const note = medians(reps);
  return (
    (note ? `Every figure is ${note}.\n\n` : '') +
    table(['figure', 'ours', 'baseline', 'ceiling', 'ours/baseline', '% of ceiling'], rows)
  );
}

function percent(x: number | undefined): number | undefined {
  return x === undefined ? undefined : 100 * x;
}
