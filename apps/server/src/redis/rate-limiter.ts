import type { RatePolicy } from '../chat/rate-limits';
import type { RateLimiter } from '../ports';
import type { RedisKeys } from './keys';
import type { ChatScripts } from './scripts';
import { redisCall } from './unavailable';

/** Cluster-wide token buckets `ratelimit:{bucket}` (lua/rate-limit.lua). */
export class RedisRateLimiter implements RateLimiter {
  constructor(
    private readonly scripts: ChatScripts,
    private readonly keys: RedisKeys,
  ) {}

  take(bucket: string, { ratePerSec, burst }: RatePolicy): Promise<number> {
    return redisCall(() =>
      this.scripts.rateLimit([this.keys.rateLimit(bucket)], [ratePerSec, burst]),
    );
  }
}
