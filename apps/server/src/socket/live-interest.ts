import type { Logger } from 'pino';
import type { LiveInterest } from '../ports';

type Kind = 'room' | 'user';

interface Entry {
  /** Sockets that hold the interest (a socket holds a room once, however often it joins). */
  holders: Set<string>;
  /** The pending unwatch once the last holder left (the grace period). */
  timer: NodeJS.Timeout | undefined;
}

/**
 * Issue 15: which rooms and users this instance must hear, counted from its sockets, for any
 * backend's LiveInterest (a no-op where every instance hears everything). A room is watched
 * while at least one local socket joined it (or is joining it), a user while they have a
 * local socket; after the last one leaves, the watch ends only once INTEREST_GRACE_MS passed
 * without a new one, so a reconnect wave (a deploy, a resync) costs no SUNSUBSCRIBE/SSUBSCRIBE
 * churn.
 *
 * Guarantee: `holdRoom`/`holdUser` resolve only once the backend confirmed it hears the room
 * or user (LiveInterest.watchRoom), so what a caller does after it (a catch-up read, a join's
 * ack, a socket's `connect`) misses no live traffic published from then on. A failed watch
 * leaves nothing held and rejects (the join fails with `unavailable`; the client retries).
 */
export class LiveInterestCounts {
  private readonly entries = { room: new Map<string, Entry>(), user: new Map<string, Entry>() };

  constructor(
    private readonly interest: LiveInterest,
    private readonly graceMs: number,
    private readonly logger: Logger,
    /** Rooms and users with live interest now (grace periods included), for the gauge. */
    private readonly onCount: (kind: Kind, count: number) => void = () => {},
  ) {}

  holdRoom(socketId: string, roomId: string): Promise<void> {
    return this.hold('room', roomId, socketId);
  }

  releaseRoom(socketId: string, roomId: string): void {
    this.release('room', roomId, socketId);
  }

  holdUser(socketId: string, userId: string): Promise<void> {
    return this.hold('user', userId, socketId);
  }

  releaseUser(socketId: string, userId: string): void {
    this.release('user', userId, socketId);
  }

  /** How many rooms and users are held or in their grace period. */
  count(kind: Kind): number {
    return this.entries[kind].size;
  }

  /** Shutdown: ends every grace period at once, without unwatching (the connections close). */
  clear(): void {
    for (const map of Object.values(this.entries)) {
      for (const entry of map.values()) clearTimeout(entry.timer);
      map.clear();
    }
  }

  private async hold(kind: Kind, id: string, socketId: string): Promise<void> {
    const map = this.entries[kind];
    let entry = map.get(id);
    if (!entry) {
      entry = { holders: new Set(), timer: undefined };
      map.set(id, entry);
      this.onCount(kind, map.size);
    }
    clearTimeout(entry.timer);
    entry.timer = undefined;
    entry.holders.add(socketId);
    try {
      // Idempotent in the backend: confirmed at once when already watched.
      await (kind === 'room' ? this.interest.watchRoom(id) : this.interest.watchUser(id));
    } catch (error) {
      this.release(kind, id, socketId, 0);
      throw error;
    }
  }

  private release(kind: Kind, id: string, socketId: string, graceMs = this.graceMs): void {
    const map = this.entries[kind];
    const entry = map.get(id);
    if (!entry || !entry.holders.delete(socketId) || entry.holders.size > 0) return;
    clearTimeout(entry.timer);
    entry.timer = setTimeout(() => {
      if (map.get(id) !== entry || entry.holders.size > 0) return;
      map.delete(id);
      this.onCount(kind, map.size);
      const unwatch =
        kind === 'room' ? this.interest.unwatchRoom(id) : this.interest.unwatchUser(id);
      unwatch.catch((error: unknown) =>
        this.logger.warn({ err: error, kind, id }, 'could not stop watching'),
      );
    }, graceMs);
    entry.timer.unref();
  }
}
