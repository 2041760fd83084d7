import { AppError } from '../chat/app-error';
import type { RatePolicy } from '../chat/rate-limits';
import type { Config } from '../config';
import type { RateLimiter } from '../ports';

/**
 * Takes a token from the named cluster-wide bucket (one Redis round trip in
 * Redis mode) or throws `rate_limited` with the wait in `retryAfterMs`.
 */
export async function enforceRate(
  limiter: RateLimiter,
  bucket: string,
  policy: RatePolicy,
  what: string,
): Promise<void> {
  const waitMs = await limiter.take(bucket, policy);
  if (waitMs > 0) {
    throw new AppError(
      'rate_limited',
      `too many ${what}; retry in ${Math.ceil(waitMs / 1000)} s`,
      waitMs,
    );
  }
}

/**
 * The limiter every policy goes through, with `RATE_LIMITS` applied: `on`
 * (default) enforces every policy; `off` grants every policy at once, without
 * a round trip, except those against guessing (`RatePolicy.againstGuessing`).
 */
export function applyRateLimitsSetting(
  limiter: RateLimiter,
  setting: Config['rateLimits'],
): RateLimiter {
  if (setting === 'on') return limiter;
  return {
    take: (bucket, policy) =>
      policy.againstGuessing ? limiter.take(bucket, policy) : Promise.resolve(0),
  };
}
