import type { MemorySample, SoakResult } from './soak';

/* The soak's verdict on memory, and its report (a Markdown table, as the other scenarios print). */

/**
 * Growth of instance 1 over the second half of the run (the first half
 * includes warm-up: JIT, pools, Redis connections). A steady leak shows as
 * a slope; noise from GC cycles averages out over tens of samples.
 */
export function witnessTrend(memory: MemorySample[]): SoakResult['witnessTrend'] {
  const half = memory.slice(Math.floor(memory.length / 2));
  const slope = (values: { x: number; y: number }[]) => {
    const points = values.filter((p) => Number.isFinite(p.y));
    if (points.length < 3) return NaN;
    const mx = points.reduce((s, p) => s + p.x, 0) / points.length;
    const my = points.reduce((s, p) => s + p.y, 0) / points.length;
    const num = points.reduce((s, p) => s + (p.x - mx) * (p.y - my), 0);
    const den = points.reduce((s, p) => s + (p.x - mx) ** 2, 0);
    return den === 0 ? NaN : (num / den) * 60;
  };
  const rssMBPerMin = slope(half.map((m) => ({ x: m.atSec, y: m.rssMB[0]! })));
  const heapMBPerMin = slope(half.map((m) => ({ x: m.atSec, y: m.witnessHeapMB })));
  return {
    rssMBPerMin: +rssMBPerMin.toFixed(2),
    heapMBPerMin: +heapMBPerMin.toFixed(2),
    // Retained heap after a full GC: a leak of even a few bytes per message (360k deliveries
    // in 10 minutes) shows as a steady slope; GC noise is gone.
    growthSuspected: heapMBPerMin > 0.5,
  };
}

export function soakReport(result: SoakResult): string {
  const lines: string[] = [];
  const s = result.settings;
  lines.push(
    `soak: ${s.clients} clients in rooms of ${s.roomSize} on 3 instances, ${s.sendRatePerClient} msg/s each, ` +
      `instance 2 or 3 restarted every ${s.restartEverySec} s, ${result.durationSec} s in all`,
  );
  lines.push('');
  lines.push('| figure | value |');
  lines.push('|---|---:|');
  const failed = Object.entries(result.failedSends)
    .map(([code, n]) => `${code} ${n}`)
    .join(', ');
  const rows: [string, string][] = [
    ['messages sent / acknowledged', `${result.sent} / ${result.acked}`],
    ['sends refused or unanswered (during restarts)', failed || '0'],
    ['history reads (errors)', `${result.historyReads} (${result.historyErrors})`],
    ['restarts', String(result.restarts.length)],
    ['client reconnects', String(result.reconnects)],
    ['deliveries expected / delivered', `${result.expectedDeliveries} / ${result.delivered}`],
    [
      'lost / duplicated / out of order',
      `${result.lost} / ${result.duplicates} / ${result.outOfOrder}`,
    ],
    [
      'instance 1 trend over the second half',
      `RSS ${result.witnessTrend.rssMBPerMin} MB/min, heap ${result.witnessTrend.heapMBPerMin} MB/min`,
    ],
  ];
  for (const [k, v] of rows) lines.push(`| ${k} | ${v} |`);
  lines.push('');
  lines.push('| time s | RSS MB inst 1 | inst 2 | inst 3 | heap MB inst 1 |');
  lines.push('|---:|---:|---:|---:|---:|');
  const every = Math.max(1, Math.round(60 / s.sampleEverySec));
  result.memory.forEach((m, i) => {
    if (i % every === 0 || i === result.memory.length - 1)
      lines.push(`| ${m.atSec.toFixed(0)} | ${m.rssMB.join(' | ')} | ${m.witnessHeapMB} |`);
  });
  lines.push('');
  const ok =
    result.lost === 0 &&
    result.duplicates === 0 &&
    result.outOfOrder === 0 &&
    !result.witnessTrend.growthSuspected;
  lines.push(
    ok
      ? 'verdict: zero loss, no duplicates, in order; no memory growth trend on instance 1'
      : 'verdict: FAILED (see lost/duplicated/out of order and the memory trend above)',
  );
  return lines.join('\n');
}
