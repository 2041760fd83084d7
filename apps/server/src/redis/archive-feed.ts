import type { RedisKeys } from './keys';
import type { ChatScripts } from './scripts';

/*
 * The archive feed: one Redis Stream (`keys.archiveFeed()`) that lua/append.lua
 * writes in the same atomic step as the room stream, read by the archivers
 * through one consumer group. In cluster mode (issue 15) one such stream per
 * room partition (`keys.archiveFeedOf(roomId)`, in the room's slot), each with
 * its own group of the same name. Entry layout, one field per entry:
 *
 *   m <Message JSON>   a stored message, exactly as it was published (insert;
 *                      a re-delivery changes nothing: ON CONFLICT DO NOTHING)
 *   u {"version": <change id>, "message": <Message JSON>}
 *                      protocol v1.1: a message's whole state after a change (an
 *                      edit, a delete's tombstone, reactions, a reply's snapshot
 *                      following its original), written by lua/message-change.lua;
 *                      upserted by version (PostgresArchive.writeChanges), so a
 *                      re-delivered or older state never overwrites a newer one
 *
 * An archiver that meets a kind it does not know dead-letters the
 * entry (`keys.archiveDead()`, with the reason) instead of guessing, so deploy
 * archivers before the servers that write a new kind.
 */

/** The consumer group every archiver reads the feed through. */
export const ARCHIVE_GROUP = 'archivers';

/** Field names of feed entries, one per kind of entry. */
export const FEED_FIELDS = {
  /** A stored message, whole, as lua/append.lua published it. */
  message: 'm',
  /** Protocol v1.1: a message's changed state with its version, as lua/message-change.lua wrote it. */
  change: 'u',
} as const;

/**
 * Registers the archive in Redis: every feed shard (keys.archiveShards(): the one feed in
 * single mode, one per room partition in cluster mode) and its consumer group exist
 * afterwards (created from the shard's first entry; an existing group is left as it is).
 * From then on every instance's appends feed it and leave room trimming to the archivers.
 * Called by every archiver at start and by a server instance with DATABASE_URL. When a
 * shard did not exist yet, its backfill marker is cleared (the same script, in the
 * shard's slot), so the archivers copy the room streams of that shard's rooms before
 * trimming any. In cluster mode that is one script call per shard (128), sent
 * concurrently, so about one round trip per master: at start only. Returns whether it
 * created any shard.
 */
export async function ensureArchiveFeed(
  scripts: Pick<ChatScripts, 'archiveRegister'>,
  keys: RedisKeys,
): Promise<boolean> {
  const created = await Promise.all(
    keys
      .archiveShards()
      .map(({ feed, backfilled }) => scripts.archiveRegister([feed, backfilled], [ARCHIVE_GROUP])),
  );
  return created.some((one) => one === 1);
}
