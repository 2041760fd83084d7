import type { User } from '@chat/shared';
import type { PresenceStore } from '../ports';
import type { RedisKeys } from './keys';
import type { ChatScripts } from './scripts';
import { redisCall } from './unavailable';

/**
 * Presence as one hash per instance (`presence:instance:{id}`: user id →
 * username) plus the sorted set `presence:instances` of heartbeat expiries.
 * A user is online while any live instance's hash holds them; no counter
 * exists that a crash could leave wrong.
 */
export class RedisPresenceStore implements PresenceStore {
  constructor(
    private readonly scripts: ChatScripts,
    private readonly keys: RedisKeys,
    private readonly options: { instanceId: string; ttlMs: number },
  ) {}

  async connect(user: User): Promise<boolean> {
    const first = await redisCall(() =>
      this.scripts.presenceConnect(
        [this.keys.presenceInstances(), this.keys.presenceInstance(this.options.instanceId)],
        [this.options.instanceId, user.id, user.username, this.keys.presenceInstancePrefix()],
      ),
    );
    return first === 1;
  }

  async disconnect(user: User): Promise<boolean> {
    const last = await redisCall(() =>
      this.scripts.presenceDisconnect(
        [this.keys.presenceInstances(), this.keys.presenceInstance(this.options.instanceId)],
        [this.options.instanceId, user.id, this.keys.presenceInstancePrefix()],
      ),
    );
    return last === 1;
  }

  async heartbeat(): Promise<User[]> {
    const flat = await redisCall(() =>
      this.scripts.presenceHeartbeat(
        [this.keys.presenceInstances()],
        [this.options.instanceId, this.options.ttlMs, this.keys.presenceInstancePrefix()],
      ),
    );
    return pairsToUsers(flat);
  }

  async expireSoon(ms: number): Promise<void> {
    await redisCall(() =>
      this.scripts.presenceHeartbeat(
        [this.keys.presenceInstances()],
        [this.options.instanceId, ms, this.keys.presenceInstancePrefix()],
      ),
    );
  }

  async online(): Promise<User[]> {
    const flat = await redisCall(() =>
      this.scripts.presenceOnline(
        [this.keys.presenceInstances()],
        [this.keys.presenceInstancePrefix()],
      ),
    );
    return pairsToUsers(flat);
  }
}

function pairsToUsers(flat: string[]): User[] {
  const users: User[] = [];
  for (let i = 0; i + 1 < flat.length; i += 2) users.push({ id: flat[i]!, username: flat[i + 1]! });
  return users;
}
