import type { RedisClient } from './connection';
import type { User } from '@chat/shared';
import type { StoredUser, UserStore } from '../ports';
import type { RedisKeys } from './keys';
import type { ChatScripts } from './scripts';
import { redisCall } from './unavailable';

/** Users as hashes `user:{id}`, with `username:{lowercase}` → id for unique, case-insensitive names. */
export class RedisUserStore implements UserStore {
  constructor(
    private readonly redis: RedisClient,
    private readonly scripts: ChatScripts,
    private readonly keys: RedisKeys,
  ) {}

  async create(user: StoredUser): Promise<'created' | 'taken'> {
    const created = await redisCall(() =>
      this.scripts.createUser(
        [this.keys.username(user.username), this.keys.user(user.id)],
        [user.id, user.username, user.passwordHash, user.createdAt],
      ),
    );
    return created === 1 ? 'created' : 'taken';
  }

  async findByUsername(username: string): Promise<StoredUser | null> {
    const id = await redisCall(() => this.redis.get(this.keys.username(username)));
    return id ? this.load(id) : null;
  }

  async findById(id: string): Promise<User | null> {
    const user = await this.load(id);
    return user ? { id: user.id, username: user.username } : null;
  }

  async setPasswordHash(userId: string, passwordHash: string): Promise<void> {
    await redisCall(() => this.redis.hset(this.keys.user(userId), 'passwordHash', passwordHash));
  }

  private async load(id: string): Promise<StoredUser | null> {
    const hash = await redisCall(() => this.redis.hgetall(this.keys.user(id)));
    if (!hash.id || !hash.username || !hash.passwordHash) return null;
    return {
      id: hash.id,
      username: hash.username,
      passwordHash: hash.passwordHash,
      createdAt: hash.createdAt ?? '',
    };
  }
}
