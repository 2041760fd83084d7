/**
 * A token bucket: `ratePerSec` tokens a second, at most `burst` (and at
 * least one) saved up.
 * Pure logic; the embedded stores keep buckets in a Map, and redis/lua/append.lua
 * implements the same arithmetic inside Redis so that limits hold cluster-wide.
 */
export interface BucketState {
  tokens: number;
  updatedAtMs: number;
}

export interface TakeResult {
  allowed: boolean;
  /** When not allowed: how long until one token is available. */
  retryAfterMs: number;
  state: BucketState;
}

/**
 * What a bucket holds when full: `burst`, but never less than the one token a
 * take needs (a rate below 0.5/s with a burst of twice the rate would
 * otherwise refuse every take, forever).
 */
export function bucketCapacity(burst: number): number {
  return Math.max(1, burst);
}

export function takeToken(
  state: BucketState | undefined,
  nowMs: number,
  ratePerSec: number,
  burst: number,
): TakeResult {
  const capacity = bucketCapacity(burst);
  const previous = state ?? { tokens: capacity, updatedAtMs: nowMs };
  const elapsed = Math.max(0, nowMs - previous.updatedAtMs);
  const tokens = Math.min(capacity, previous.tokens + (elapsed * ratePerSec) / 1000);
  if (tokens < 1) {
    return {
      allowed: false,
      retryAfterMs: Math.ceil(((1 - tokens) * 1000) / ratePerSec),
      state: { tokens, updatedAtMs: nowMs },
    };
  }
  return { allowed: true, retryAfterMs: 0, state: { tokens: tokens - 1, updatedAtMs: nowMs } };
}
