/**
 * Fixed-bucket latency histogram, log-linear: 0.1 ms to 10 s in 5 decades,
 * each decade split into 900 equal buckets (three significant digits, so a
 * reported quantile is at most 1% above the true value), plus one underflow
 * and one overflow bucket. Recording is O(1) with no allocation, and two
 * histograms merge by adding their counts, so each load-generator worker keeps
 * its own and the main thread sums them.
 */
export const MIN_MS = 0.1;
const DECADES = 5;
const PER_DECADE = 900;
export const BUCKETS = DECADES * PER_DECADE + 2;

export function bucketOf(ms: number): number {
  if (!(ms >= MIN_MS)) return 0;
  let base = MIN_MS;
  for (let decade = 0; decade < DECADES; decade++) {
    const top = base * 10;
    if (ms < top) {
      const k = Math.floor((ms - base) / (base / 100));
      return 1 + decade * PER_DECADE + Math.min(k, PER_DECADE - 1);
    }
    base = top;
  }
  return BUCKETS - 1;
}

/** The upper edge of a bucket, in ms (what a quantile in that bucket is reported as). */
export function bucketUpperMs(index: number): number {
  if (index <= 0) return MIN_MS;
  if (index >= BUCKETS - 1) return Infinity;
  const decade = Math.floor((index - 1) / PER_DECADE);
  const k = (index - 1) % PER_DECADE;
  const base = MIN_MS * 10 ** decade;
  return base + ((k + 1) * base) / 100;
}

export interface HistogramData {
  counts: number[] | Float64Array;
  total: number;
  sum: number;
  max: number;
}

export interface LatencySummary {
  count: number;
  meanMs: number;
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  maxMs: number;
}

export class Histogram implements HistogramData {
  counts = new Float64Array(BUCKETS);
  total = 0;
  sum = 0;
  max = 0;

  record(ms: number): void {
    this.counts[bucketOf(ms)]! += 1;
    this.total += 1;
    this.sum += ms;
    if (ms > this.max) this.max = ms;
  }

  merge(other: HistogramData): void {
    for (let i = 0; i < BUCKETS; i++) this.counts[i]! += other.counts[i] ?? 0;
    this.total += other.total;
    this.sum += other.sum;
    if (other.max > this.max) this.max = other.max;
  }

  reset(): void {
    this.counts.fill(0);
    this.total = 0;
    this.sum = 0;
    this.max = 0;
  }

  /** The value at quantile q (0..1): the upper edge of its bucket, never above the max seen. */
  quantile(q: number): number {
    if (this.total === 0) return 0;
    const rank = Math.max(1, Math.ceil(q * this.total));
    let seen = 0;
    for (let i = 0; i < BUCKETS; i++) {
      seen += this.counts[i]!;
      if (seen >= rank) return Math.min(bucketUpperMs(i), this.max);
    }
    return this.max;
  }

  summary(): LatencySummary {
    return {
      count: this.total,
      meanMs: this.total > 0 ? this.sum / this.total : 0,
      p50Ms: this.quantile(0.5),
      p90Ms: this.quantile(0.9),
      p99Ms: this.quantile(0.99),
      maxMs: this.max,
    };
  }

  toData(): HistogramData {
    return { counts: this.counts, total: this.total, sum: this.sum, max: this.max };
  }

  static from(data: HistogramData): Histogram {
    const h = new Histogram();
    h.merge(data);
    return h;
  }
}
