import { AppError } from '../chat/app-error';
import type { RatePolicy } from '../chat/rate-limits';
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
  const waitMs = await limiter.take(bucket, policy.ratePerSec, policy.burst);
  if (waitMs > 0) {
    throw new AppError(
      'rate_limited',
      `too many ${what}; retry in ${Math.ceil(waitMs / 1000)} s`,
      waitMs,
    );
  }
}
