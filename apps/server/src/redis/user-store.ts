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
    if (this.keys.mode === 'cluster') return this.createAcrossSlots(user);
    const created = await redisCall(() =>
      this.scripts.createUser(
        [this.keys.username(user.username), this.keys.user(user.id)],
        [user.id, user.username, user.passwordHash, user.createdAt],
      ),
    );
    return created === 1 ? 'created' : 'taken';
  }

  /**
   * Cluster mode: the name key (its own slot) and the user hash (the user's slot) cannot be
   * written in one script. The user hash goes first, then the name is reserved with SET NX:
   * the reservation is the commit point, so a name that resolves always has its user. A crash
   * between the two leaves a user hash no name leads to (a fresh id nobody was given: no
   * session, no room, never listed), which is harmless; losing the race deletes that hash.
   */
  private async createAcrossSlots(user: StoredUser): Promise<'created' | 'taken'> {
    const userKey = this.keys.user(user.id);
    await redisCall(() =>
      this.redis.hset(userKey, {
        id: user.id,
        username: user.username,
        passwordHash: user.passwordHash,
        createdAt: user.createdAt,
      }),
    );
    // SET NX GET (Redis 7): null when reserved now, else the id holding the name.
    const holder = await redisCall(() =>
      this.redis.set(this.keys.username(user.username), user.id, 'NX', 'GET'),
    );
    if (holder === null) return 'created';
    // The same id holds it already (a retried create): that hash is the user's, keep it.
    if (holder !== user.id) await redisCall(() => this.redis.del(userKey));
    return 'taken';
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
