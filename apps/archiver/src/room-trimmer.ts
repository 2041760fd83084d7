import { compareMessageIds } from '@chat/shared';
import type { ChatScripts, RedisKeys } from '@chat/server/archive-kit';

/** Entries removed from one room per script call at most: keeps each call short. */
const TRIM_CHUNK = 1000;
/** Archived messages remembered per room until the safe point passes them; older ones are dropped. */
const MAX_NOTED_PER_ROOM = 1000;

interface Noted {
  feedId: string;
  messageId: string;
}

export type TrimOutcome = { trimmed: number } | { backfillNeeded: true; trimmed: number };

/**
 * Keeps room streams at about `retention` messages once their messages are
 * in PostgreSQL. Feeds it the messages this archiver committed
 * (`noteArchived`); after each feed trim, `trim(safePoints)` trims, per room,
 * up to the newest noted message whose feed entry is older than the safe
 * point S of the room's feed shard (cluster mode: its partition's shard). Every feed entry older than S was committed by some archiver, and
 * within a room the feed's order is the room's order (one script writes
 * both), so every message of the room up to it is archived. Noted messages
 * not yet older than S wait for a later call (another archiver still holds
 * older entries); if this process dies, a later message of that room covers
 * them.
 */
export class RoomTrimmer {
  private readonly noted = new Map<string, Noted[]>();

  constructor(
    private readonly scripts: Pick<ChatScripts, 'archiveTrimRoom'>,
    private readonly keys: RedisKeys,
    private readonly retention: number,
  ) {}

  noteArchived(roomId: string, feedId: string, messageId: string): void {
    let list = this.noted.get(roomId);
    if (!list) this.noted.set(roomId, (list = []));
    list.push({ feedId, messageId });
    if (list.length > MAX_NOTED_PER_ROOM) list.splice(0, list.length - MAX_NOTED_PER_ROOM);
  }

  get waiting(): number {
    let count = 0;
    for (const list of this.noted.values()) count += list.length;
    return count;
  }

  /** The feed shards of the rooms with noted messages: where a safe point is still awaited. */
  waitingFeeds(): Set<string> {
    return new Set([...this.noted.keys()].map((roomId) => this.keys.archiveFeedOf(roomId)));
  }

  /**
   * Trims every room with noted messages older than the safe point of its feed
   * shard (`safePoints`: feed → S; rooms of a shard not in it wait). Stops
   * with `backfillNeeded` (keeping what it noted) when a room refuses because
   * its backfill marker is absent. Throws on a Redis error, keeping what it
   * had not trimmed yet.
   */
  async trim(safePoints: Map<string, string>): Promise<TrimOutcome> {
    let trimmed = 0;
    let backfillNeeded = false;
    // Rooms are trimmed concurrently: their calls share one round trip (ioredis pipelines
    // the commands of one tick), instead of one round trip per room.
    await Promise.all(
      [...this.noted].map(async ([roomId, list]) => {
        const safePoint = safePoints.get(this.keys.archiveFeedOf(roomId));
        if (safePoint === undefined) return;
        const ready = list.filter((entry) => compareMessageIds(entry.feedId, safePoint) < 0);
        if (ready.length === 0) return;
        const newest = ready.reduce((a, b) =>
          compareMessageIds(a.messageId, b.messageId) >= 0 ? a : b,
        );
        for (;;) {
          const removed = await this.scripts.archiveTrimRoom(
            [...this.keys.roomLog(roomId), this.keys.archiveBackfilledOf(roomId)],
            [newest.messageId, this.retention, TRIM_CHUNK],
          );
          if (removed < 0) {
            backfillNeeded = true;
            return;
          }
          trimmed += removed;
          if (removed < TRIM_CHUNK) break;
        }
        // Entries noted meanwhile (none: trim() runs between batches) stay with the rest.
        const rest = list.filter((entry) => compareMessageIds(entry.feedId, safePoint) >= 0);
        if (rest.length === 0) this.noted.delete(roomId);
        else this.noted.set(roomId, rest);
      }),
    );
    return backfillNeeded ? { backfillNeeded, trimmed } : { trimmed };
  }
}
