import { takeToken, type BucketState } from '../chat/token-bucket';

/**
 * Per-connection bound on incoming events of any kind (known or not): a
 * connection sending faster than `ratePerSec` for longer than its burst is
 * flooding and gets closed. Kept in memory: it protects this instance's CPU,
 * so it must cost nothing per event.
 */
export class EventFloodGuard {
  private state: BucketState | undefined;

  constructor(
    private readonly ratePerSec: number,
    private readonly burst: number,
  ) {}

  /** False once the connection is over its budget. */
  admit(now = Date.now()): boolean {
    if (this.ratePerSec <= 0) return true;
    const result = takeToken(this.state, now, this.ratePerSec, this.burst);
    this.state = result.state;
    return result.allowed;
  }
}
