import { takeToken, type BucketState } from '../chat/token-bucket';
import type { RateLimiter } from '../ports';

export class EmbeddedRateLimiter implements RateLimiter {
  private readonly buckets = new Map<string, BucketState>();

  constructor(private readonly now: () => number = Date.now) {}

  take(bucket: string, ratePerSec: number, burst: number): Promise<number> {
    const result = takeToken(this.buckets.get(bucket), this.now(), ratePerSec, burst);
    this.buckets.set(bucket, result.state);
    // Forget full buckets so the map only holds users who are being limited.
    if (result.state.tokens >= burst - 1 && result.allowed) this.buckets.delete(bucket);
    return Promise.resolve(result.allowed ? 0 : result.retryAfterMs);
  }
}
