import type { User } from '@chat/shared';
import { RATE_POLICIES } from '../chat/rate-limits';
import type { Backend } from '../ports';
import { enforceRate } from './rate-limits';

/**
 * GET /api/presence: who is online, read from the PresenceStore at most once
 * per `cacheMs` per instance however many clients ask (after a pub/sub resync
 * every client asks at once), and charged to the caller's rate
 * (RATE_POLICIES.presenceList). Every presence change this instance hears of,
 * and every lost stretch of EVENTS, drops the cached list, so an answer is
 * never older than the last `presence` event the instance relayed.
 */
export class OnlineList {
  private cached: { users: User[]; expiresAt: number } | undefined;
  /** The read in flight, shared by every call that arrives meanwhile. */
  private reading: Promise<User[]> | undefined;
  /** Bumped by every change: a read that started before one is not cached. */
  private generation = 0;

  constructor(
    private readonly backend: Pick<Backend, 'presence' | 'rateLimiter'>,
    /** PRESENCE_CACHE_MS; 0 reads the store on every call. */
    private readonly cacheMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Users with at least one connection on a live instance, for `user`. */
  async list(user: User): Promise<User[]> {
    await enforceRate(
      this.backend.rateLimiter,
      `presence-list:${user.id}`,
      RATE_POLICIES.presenceList,
      'presence listings',
    );
    if (this.cached && this.cached.expiresAt > this.now()) return this.cached.users;
    return (this.reading ??= this.read());
  }

  /** A user came online or went offline, or presence events may have been lost. */
  changed(): void {
    this.generation += 1;
    this.cached = undefined;
    this.reading = undefined;
  }

  private async read(): Promise<User[]> {
    const generation = this.generation;
    const reading = this.backend.presence.online();
    try {
      const users = await reading;
      if (generation === this.generation && this.cacheMs > 0)
        this.cached = { users, expiresAt: this.now() + this.cacheMs };
      return users;
    } finally {
      if (generation === this.generation) this.reading = undefined;
    }
  }
}
