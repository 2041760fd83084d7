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
    await redisCall(() =>
      this.scripts.createSession(
        [this.keys.session(tokenHash), this.keys.userSessions(userId)],
        [userId, tokenHash, ttlSec * 1000, idleSec * 1000],
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
    // One DEL per key (they may live on different cluster slots), in one round trip.
    const pipeline = this.redis.pipeline();
    for (const hash of hashes) pipeline.del(this.keys.session(hash));
    pipeline.zrem(index, hashes);
    const replies = (await redisCall(() => pipeline.exec())) ?? [];
    return hashes.filter((_hash, i) => replies[i]?.[1] === 1);
  }
}
