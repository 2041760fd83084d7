import type { User } from '@chat/shared';
import type { PresenceStore } from '../ports';
import type { RedisClient } from './connection';
import type { RedisKeys } from './keys';
import type { ChatScripts } from './scripts';
import { redisCall } from './unavailable';

/** Users of a dead instance reaped at once (one script each, in their own slots). */
const REAP_BATCH = 100;

/**
 * Presence in REDIS_MODE=cluster (docs/ARCHITECTURE.md "Cluster mode: presence"): every
 * script or command touches one key, so nothing spans slots.
 *
 * - `presence:user:{<user id>}` (the user's slot): instance id → 1 per instance with a
 *   socket of theirs. A user is online while it has a field; connect and disconnect read
 *   only this hash, so their cost does not grow with the number of instances.
 * - `presence:instance:{<instance id>}` (the instance's slot): user id → username, so the
 *   users of a dead instance can be found (and listed with their names).
 * - `presence:instances`: the heartbeat expiries, as in single mode; only heartbeats and
 *   online-list reads touch it.
 *
 * Guarantees, as in single mode: a user goes offline for everyone when their last socket
 * anywhere closes, or when the instance holding it stops heartbeating (SIGKILL); each
 * transition is announced once (the call whose HDEL removed the last field of the user's
 * hash announces it). Writes go to the instance's hash before the user's (connect) and
 * after it (disconnect), so a reaper finds every user the instance ever marked.
 */
export class RedisClusterPresenceStore implements PresenceStore {
  constructor(
    private readonly redis: RedisClient,
    private readonly scripts: ChatScripts,
    private readonly keys: RedisKeys,
    private readonly options: { instanceId: string; ttlMs: number },
  ) {}

  async connect(user: User): Promise<boolean> {
    const { instanceId } = this.options;
    await redisCall(() =>
      this.redis.hset(this.keys.presenceInstance(instanceId), user.id, user.username),
    );
    const first = await redisCall(() =>
      this.scripts.presenceUserJoin([this.keys.presenceUser(user.id)], [instanceId]),
    );
    return first === 1;
  }

  async disconnect(user: User): Promise<boolean> {
    const { instanceId } = this.options;
    const last = await redisCall(() =>
      this.scripts.presenceUserLeave([this.keys.presenceUser(user.id)], [instanceId]),
    );
    await redisCall(() => this.redis.hdel(this.keys.presenceInstance(instanceId), user.id));
    return last === 1;
  }

  /**
   * Renews this instance's heartbeat, then reaps the dead instances no other instance is
   * reaping (a claim `presence:instance:{id}:reaper` that expires after PRESENCE_TTL_MS, so
   * a reaper that dies midway is replaced): returns their users who went offline with them.
   */
  async heartbeat(): Promise<User[]> {
    const dead = await redisCall(() =>
      this.scripts.presenceBeat(
        [this.keys.presenceInstances()],
        [this.options.instanceId, this.options.ttlMs, '1'],
      ),
    );
    const offline: User[] = [];
    for (const instanceId of dead) {
      if (instanceId === this.options.instanceId) continue;
      offline.push(...(await this.reap(instanceId)));
    }
    return offline;
  }

  async expireSoon(ms: number): Promise<void> {
    await redisCall(() =>
      this.scripts.presenceBeat(
        [this.keys.presenceInstances()],
        [this.options.instanceId, ms, '0'],
      ),
    );
  }

  /**
   * Every user on a live instance, each once: one read of the instances set, then one HGETALL
   * per live instance (each in its own slot, in parallel). O(instances + online users), which
   * is why OnlineList caches it and charges it to the caller's rate.
   */
  async online(): Promise<User[]> {
    const live = await redisCall(() =>
      this.scripts.presenceLive([this.keys.presenceInstances()], []),
    );
    const hashes = await Promise.all(
      live.map((instanceId) =>
        redisCall(() => this.redis.hgetall(this.keys.presenceInstance(instanceId))),
      ),
    );
    const online = new Map<string, User>();
    for (const hash of hashes) {
      for (const [id, username] of Object.entries(hash)) {
        if (!online.has(id)) online.set(id, { id, username });
      }
    }
    return [...online.values()];
  }

  /**
   * Clears a dead instance: removes it from each of its users' hashes (those for whom that was
   * the last field go offline), then those users from its own hash, then (presence-forget.lua)
   * its entry in the instances set. In that order, so a re-run after a crash midway finds what is left, and
   * removals already done answer "not the last" again instead of announcing twice.
   */
  private async reap(instanceId: string): Promise<User[]> {
    const claimed = await redisCall(() =>
      this.redis.set(
        this.keys.presenceReaper(instanceId),
        this.options.instanceId,
        'PX',
        this.options.ttlMs,
        'NX',
      ),
    );
    if (claimed !== 'OK') return [];
    const users = Object.entries(
      await redisCall(() => this.redis.hgetall(this.keys.presenceInstance(instanceId))),
    );
    const offline: User[] = [];
    for (let i = 0; i < users.length; i += REAP_BATCH) {
      const batch = users.slice(i, i + REAP_BATCH);
      const last = await Promise.all(
        batch.map(([id]) =>
          redisCall(() =>
            this.scripts.presenceUserLeave([this.keys.presenceUser(id)], [instanceId]),
          ),
        ),
      );
      batch.forEach(([id, username], j) => {
        if (last[j] === 1) offline.push({ id, username });
      });
      // Only the fields read: an instance that was merely frozen and marks a user meanwhile
      // keeps that mark, so the user is still found when it dies for good.
      await redisCall(() =>
        this.redis.hdel(this.keys.presenceInstance(instanceId), ...batch.map(([id]) => id)),
      );
    }
    await redisCall(() =>
      this.scripts.presenceForget([this.keys.presenceInstances()], [instanceId]),
    );
    await redisCall(() => this.redis.del(this.keys.presenceReaper(instanceId)));
    return offline;
  }
}
