import type { RatePolicy } from '../chat/rate-limits';
import { bucketCapacity, takeToken, type BucketState } from '../chat/token-bucket';
import type { RateLimiter } from '../ports';

/** How often buckets that have refilled are forgotten. */
const SWEEP_INTERVAL_MS = 60_000;

export class EmbeddedRateLimiter implements RateLimiter {
  private readonly buckets = new Map<string, BucketState & { ratePerSec: number; burst: number }>();
  private lastSweepMs: number;

  constructor(private readonly now: () => number = Date.now) {
    this.lastSweepMs = now();
  }

  take(bucket: string, { ratePerSec, burst }: RatePolicy): Promise<number> {
    const now = this.now();
    this.sweep(now);
    const result = takeToken(this.buckets.get(bucket), now, ratePerSec, burst);
    this.buckets.set(bucket, { ...result.state, ratePerSec, burst });
    return Promise.resolve(result.allowed ? 0 : result.retryAfterMs);
  }

  /**
   * Forgets buckets that have refilled by now (a missing bucket is a full one), so the map
   * only holds recent users. A bucket must be kept until then: forgetting it right after a
   * take would hand out a fresh burst on every call.
   */
  private sweep(now: number): void {
    if (now - this.lastSweepMs < SWEEP_INTERVAL_MS) return;
    this.lastSweepMs = now;
    for (const [key, state] of this.buckets) {
      const full = bucketCapacity(state.burst);
      if (state.tokens + ((now - state.updatedAtMs) * state.ratePerSec) / 1000 >= full)
        this.buckets.delete(key);
    }
  }
}
