import type { PresenceStore } from '../ports';
import { RedisClusterPresenceStore } from './cluster-presence-store';
import type { RedisClient } from './connection';
import type { RedisKeys } from './keys';
import { RedisPresenceStore } from './presence-store';
import type { ChatScripts } from './scripts';

/**
 * The PresenceStore of the keys' mode: single mode's scripts over every instance's hash
 * (presence-store.ts, unchanged), or in REDIS_MODE=cluster the per-user hashes that keep
 * every call within one slot (cluster-presence-store.ts).
 */
export function presenceStoreFor(
  redis: RedisClient,
  scripts: ChatScripts,
  keys: RedisKeys,
  options: { instanceId: string; ttlMs: number },
): PresenceStore {
  return keys.mode === 'cluster'
    ? new RedisClusterPresenceStore(redis, scripts, keys, options)
    : new RedisPresenceStore(scripts, keys, options);
}
