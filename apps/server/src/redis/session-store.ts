import type { Redis } from 'ioredis';
import type { SessionStore } from '../ports';
import type { RedisKeys } from './keys';
import { redisCall } from './unavailable';

/** Sessions as `session:{sha256(token)}` → user id, expiring with the token. */
export class RedisSessionStore implements SessionStore {
  constructor(
    private readonly redis: Redis,
    private readonly keys: RedisKeys,
  ) {}

  async create(tokenHash: string, userId: string, ttlSec: number): Promise<void> {
    await redisCall(() => this.redis.set(this.keys.session(tokenHash), userId, 'EX', ttlSec));
  }

  resolve(tokenHash: string): Promise<string | null> {
    return redisCall(() => this.redis.get(this.keys.session(tokenHash)));
  }

  async revoke(tokenHash: string): Promise<boolean> {
    const removed = await redisCall(() => this.redis.del(this.keys.session(tokenHash)));
    return removed > 0;
  }
}
