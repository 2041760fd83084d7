import { messageIdTime } from '@chat/shared';
import { ARCHIVE_GROUP, type RedisClient } from '@chat/server/archive-kit';
import type { FeedState } from './metrics';

/**
 * The archive lag of the whole group, read from Redis (for the metrics; not
 * atomic, which a gauge does not need): entries undelivered (XINFO GROUPS
 * `lag`) plus delivered and unacknowledged (`pending`), and the age, on
 * Redis's clock, of the oldest of them: the oldest pending entry, or else the
 * first one after the last delivered. With several feed shards (cluster
 * mode): entries and lengths summed over the shards, the age the oldest of
 * any shard's (each shard read concurrently, at scrape time only).
 */
export async function readFeedState(redis: RedisClient, feeds: string[]): Promise<FeedState> {
  const [shards, [seconds, micros]] = await Promise.all([
    Promise.all(feeds.map((feed) => readShard(redis, feed))),
    redis.time(),
  ]);
  const now = Number(seconds) * 1000 + Math.floor(Number(micros) / 1000);
  let lagEntries = 0;
  let length = 0;
  let oldest: number | undefined;
  for (const shard of shards) {
    lagEntries += shard.lagEntries;
    length += shard.length;
    if (shard.oldest !== undefined) {
      const time = messageIdTime(shard.oldest);
      oldest = oldest === undefined ? time : Math.min(oldest, time);
    }
  }
  return {
    lagEntries,
    lagSeconds: oldest === undefined ? 0 : Math.max(0, now - oldest) / 1000,
    length,
  };
}

/** One shard's lag: its uncommitted entries, the oldest of them, and its length. */
async function readShard(
  redis: RedisClient,
  feed: string,
): Promise<{ lagEntries: number; oldest: string | undefined; length: number }> {
  const [groups, length] = await Promise.all([
    redis.xinfo('GROUPS', feed) as Promise<unknown[][]>,
    redis.xlen(feed),
  ]);
  const group = groups.map(fieldsOf).find((fields) => fields.name === ARCHIVE_GROUP);
  if (!group) return { lagEntries: length, oldest: undefined, length };
  const pending = Number(group.pending ?? 0);
  const lastDelivered = String(group['last-delivered-id'] ?? '0-0');
  // `lag` is null when Redis cannot tell (entries deleted mid-stream): count them instead,
  // up to a bound (a gauge that says "at least 100,000" is as good an alert).
  const undelivered =
    group.lag === null || group.lag === undefined
      ? (await redis.xrange(feed, `(${lastDelivered}`, '+', 'COUNT', 100_000)).length
      : Number(group.lag);
  let oldest: string | undefined;
  if (pending > 0) {
    const summary = (await redis.xpending(feed, ARCHIVE_GROUP)) as [number, string | null];
    oldest = summary[1] ?? undefined;
  } else if (undelivered > 0) {
    const [first] = await redis.xrange(feed, `(${lastDelivered}`, '+', 'COUNT', 1);
    oldest = first?.[0];
  }
  return { lagEntries: undelivered + pending, oldest, length };
}

/** XINFO's flat `[name, value, ...]` reply as an object. */
function fieldsOf(flat: unknown[]): Record<string, unknown> {
  const fields: Record<string, unknown> = {};
  for (let i = 0; i + 1 < flat.length; i += 2) fields[String(flat[i])] = flat[i + 1];
  return fields;
}
