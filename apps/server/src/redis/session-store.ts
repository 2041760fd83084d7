import type { RedisClient } from './connection';
import type { LiveSession, SessionStore } from '../ports';
import type { RedisKeys } from './keys';
import type { ChatScripts } from './scripts';
import { redisCall } from './unavailable';

/**
 * Sessions as `session:{sha256(token)}` → `<user id> <absolute expiry ms>`,
 * expiring at the idle expiry (slid by lua/use-session.lua), never after the
 * absolute one; `user:{id}:sessions` indexes a user's sessions by absolute
 * expiry, for revoking them all.
 */
export class RedisSessionStore implements SessionStore {
  constructor(
    private readonly redis: RedisClient,
    private readonly scripts: ChatScripts,
    private readonly keys: RedisKeys,
  ) {}

  async create(tokenHash: string, userId: string, ttlSec: number, idleSec = ttlSec): Promise<void> {
    if (this.keys.mode === 'cluster')
      return this.createAcrossSlots(tokenHash, userId, ttlSec, idleSec);
    await redisCall(() =>
      this.scripts.createSession(
        [this.keys.session(tokenHash), this.keys.userSessions(userId)],
        [userId, tokenHash, ttlSec * 1000, idleSec * 1000],
      ),
    );
  }

  /**
   * Cluster mode: the index (the user's slot) and the session (the token's slot) in two steps,
   * the index first, so that a live session is never unindexed and "log out everywhere" finds
   * every one. A crash between them leaves an index entry without a session: revokeAllOf
   * deletes nothing for it, and it is dropped once its absolute expiry passes. The absolute
   * expiry is the index node's clock, checked later by the session node's (lua/use-session.lua):
   * nodes' clocks agree to NTP's milliseconds, which is all it can move an expiry by.
   */
  private async createAcrossSlots(
    tokenHash: string,
    userId: string,
    ttlSec: number,
    idleSec: number,
  ): Promise<void> {
    const absolute = await redisCall(() =>
      this.scripts.indexSession([this.keys.userSessions(userId)], [tokenHash, ttlSec * 1000]),
    );
    await redisCall(() =>
      this.redis.set(
        this.keys.session(tokenHash),
        `${userId} ${absolute}`,
        'PX',
        Math.min(ttlSec, idleSec) * 1000,
      ),
    );
  }

  async resolve(tokenHash: string): Promise<string | null> {
    return (await this.use(tokenHash))?.userId ?? null;
  }

  async use(tokenHash: string, idleSec?: number): Promise<LiveSession | null> {
    const reply = await redisCall(() =>
      this.scripts.useSession([this.keys.session(tokenHash)], [(idleSec ?? 0) * 1000]),
    );
    return reply ? { userId: reply[0], ttlMs: Number(reply[1]) } : null;
  }

  async revoke(tokenHash: string): Promise<boolean> {
    const removed = await redisCall(() => this.redis.del(this.keys.session(tokenHash)));
    return removed > 0;
  }

  async revokeAllOf(userId: string, keepTokenHash?: string): Promise<string[]> {
    const index = this.keys.userSessions(userId);
    const hashes = (await redisCall(() => this.redis.zrange(index, '0', '-1'))).filter(
      (hash) => hash !== keepTokenHash,
    );
    if (hashes.length === 0) return [];
    if (this.keys.mode === 'cluster') return this.revokeAcrossSlots(index, hashes);
    // One DEL per key (they may live on different cluster slots), in one round trip.
    const pipeline = this.redis.pipeline();
    for (const hash of hashes) pipeline.del(this.keys.session(hash));
    pipeline.zrem(index, hashes);
    const replies = (await redisCall(() => pipeline.exec())) ?? [];
    return hashes.filter((_hash, i) => replies[i]?.[1] === 1);
  }

  /**
   * Cluster mode: each session is in its token's slot, so one DEL each, concurrently (no
   * cross-slot pipeline), then the index loses the ones deleted. Entries whose DEL found
   * nothing stay: a session being created right now is indexed before it is written
   * (createAcrossSlots), and removing its entry would leave it unindexed; it may survive this
   * call, as one created just after it would, and the next revokeAllOf finds it. The others
   * (revoked one by one, expired) are dropped by their absolute expiry.
   */
  private async revokeAcrossSlots(index: string, hashes: string[]): Promise<string[]> {
    const removed = await redisCall(() =>
      Promise.all(hashes.map((hash) => this.redis.del(this.keys.session(hash)))),
    );
    const revoked = hashes.filter((_hash, i) => removed[i] === 1);
    if (revoked.length > 0) await redisCall(() => this.redis.zrem(index, revoked));
    return revoked;
  }
}
