import { compareMessageIds, messageIdTime, type Message } from '@chat/shared';
import { takeToken, type BucketState } from '../chat/token-bucket';
import type {
  AppendRequest,
  AppendResult,
  Archive,
  MessageLimits,
  MessageLog,
  MessageRange,
  RetainedPage,
} from '../ports';
import { InProcessChannel } from './in-process-channel';

interface SentClientId {
  message: Message;
  expiresAt: number;
  /** Settles once the message is kept (archived and in the window), or failed to be. */
  kept: Promise<void>;
}

export interface EmbeddedMessageLogOptions {
  retention: number;
  clientIdTtlSec: number;
  /**
   * Where every message is archived before it is stored in memory and published (PGlite
   * under DATA_DIR): the archive then always holds what the memory window holds, and
   * more. Absent (DATA_DIR=:memory:): the window is all there is.
   */
  archive?: Pick<Archive, 'writeBatch'>;
}

/**
 * Room histories in memory, trimmed to `retention` messages each, with the
 * live feed in process; with an archive, each message is in it before it is in memory,
 * acked or published, and the windows are loaded back from it at start (`restore`). Ids
 * have the Redis stream form `<ms>-<seq>` and only ever grow, even if the clock steps
 * back, also across restarts, so the two backends are interchangeable for clients.
 */
export class EmbeddedMessageLog implements MessageLog {
  private readonly rooms = new Map<string, Message[]>();
  private readonly clientIds = new Map<string, SentClientId>();
  private readonly buckets = new Map<string, BucketState>();
  private readonly live = new InProcessChannel<Message>();
  /** The newest append's turn to be kept: each one waits for the one before, so ids stay in order. */
  private lastTurn: Promise<void> = Promise.resolve();
  private lastMs = 0;
  private lastSeq = 0;

  constructor(
    private readonly options: EmbeddedMessageLogOptions,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * Start-up: the newest messages of each room as the archive has them (at most `retention`
   * each, oldest first). New ids continue after the newest of them, and resends of those
   * still within CLIENT_ID_TTL_SEC are recognised as duplicates.
   */
  restore(windows: Map<string, Message[]>): void {
    const all: Message[] = [];
    for (const [roomId, messages] of windows) {
      if (messages.length === 0) continue;
      this.rooms.set(roomId, messages.slice(-this.options.retention));
      all.push(...messages);
    }
    // Insertion order must be expiry order (forgetExpiredClientIds relies on it): id order.
    all.sort((a, b) => compareMessageIds(a.id, b.id));
    const ttlMs = this.options.clientIdTtlSec * 1000;
    const now = this.now();
    for (const message of all) {
      const expiresAt = messageIdTime(message.id) + ttlMs;
      if (expiresAt <= now) continue;
      this.clientIds.set(`${message.userId}:${message.roomId}:${message.clientId}`, {
        message,
        expiresAt,
        kept: Promise.resolve(),
      });
    }
    const newest = all.at(-1);
    if (newest && compareMessageIds(newest.id, `${this.lastMs}-${this.lastSeq}`) > 0) {
      const [ms, seq] = newest.id.split('-').map(Number) as [number, number];
      this.lastMs = ms;
      this.lastSeq = seq;
    }
  }

  /** Into the room's memory window (trimmed to `retention`), then onto the live feed. */
  private keep(message: Message): void {
    const history = this.rooms.get(message.roomId) ?? [];
    history.push(message);
    if (history.length > this.options.retention)
      history.splice(0, history.length - this.options.retention);
    this.rooms.set(message.roomId, history);
    this.live.publish(message);
  }

  async append(request: AppendRequest, limits: MessageLimits): Promise<AppendResult> {
    const now = this.now();
    // Room-scoped, as in Redis (keys.ts clientId): the same clientId in another room is a new message.
    const clientKey = `${request.userId}:${request.roomId}:${request.clientId}`;
    const seen = this.clientIds.get(clientKey);
    if (seen && seen.expiresAt > now) {
      // A resend while the original is still being kept answers once it is (or fails with it).
      await seen.kept;
      return { status: 'duplicate', message: seen.message };
    }

    if (limits.ratePerSec > 0) {
      const taken = takeToken(
        this.buckets.get(request.userId),
        now,
        limits.ratePerSec,
        limits.burst,
      );
      this.buckets.set(request.userId, taken.state);
      if (!taken.allowed) return { status: 'rate_limited', retryAfterMs: taken.retryAfterMs };
    }

    const id = this.nextId(now);
    const message: Message = {
      id,
      roomId: request.roomId,
      userId: request.userId,
      username: request.username,
      text: request.text,
      clientId: request.clientId,
      createdAt: new Date(messageIdTime(id)).toISOString(),
    };
    const archived = this.options.archive?.writeBatch([message]);
    // Its failure is the caller's (through `kept`), never an unhandled rejection meanwhile.
    archived?.catch(() => undefined);
    // Kept in id order whatever order the writes finish in: each turn waits for the one before.
    const kept = this.lastTurn.then(() => archived).then(() => this.keep(message));
    this.lastTurn = kept.catch(() => undefined);
    const sent = { message, expiresAt: now + this.options.clientIdTtlSec * 1000, kept };
    this.clientIds.set(clientKey, sent);
    this.forgetExpiredClientIds(now);
    try {
      await kept;
    } catch (error) {
      // Not archived, so never stored nor published: a resend is a new message.
      if (this.clientIds.get(clientKey) === sent) this.clientIds.delete(clientKey);
      throw error;
    }
    return { status: 'stored', message };
  }

  list(roomId: string, { after, before, limit, from }: MessageRange): Promise<RetainedPage> {
    const history = this.rooms.get(roomId) ?? [];
    const first = after === undefined ? 0 : this.indexAfter(history, after);
    const end = before === undefined ? history.length : this.indexAfter(history, before, true);
    const [start, stop] =
      from === 'oldest'
        ? [first, Math.min(end, first + limit)]
        : [Math.max(first, end - limit), end];
    const page: RetainedPage = {
      messages: start < stop ? history.slice(start, stop) : [],
      hasMore: start > first || stop < end,
    };
    if (history.length > 0) page.oldestRetained = history[0]!.id;
    return Promise.resolve(page);
  }

  onMessage(handler: (message: Message) => void): void {
    this.live.subscribe(handler);
  }

  /** In-process delivery never breaks: nothing to catch up on. */
  onResync(): void {}

  private nextId(now: number): string {
    if (now > this.lastMs) {
      this.lastMs = now;
      this.lastSeq = 0;
    } else {
      this.lastSeq += 1;
    }
    return `${this.lastMs}-${this.lastSeq}`;
  }

  /** Index of the first message whose id is > id (or >= id when `inclusive`). Binary search. */
  private indexAfter(history: Message[], id: string, inclusive = false): number {
    let low = 0;
    let high = history.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      const order = compareMessageIds(history[mid]!.id, id);
      if (order < 0 || (order === 0 && !inclusive)) low = mid + 1;
      else high = mid;
    }
    return low;
  }

  private forgetExpiredClientIds(now: number): void {
    // Map iteration is insertion order, which is expiry order: stop at the first live one.
    for (const [key, entry] of this.clientIds) {
      if (entry.expiresAt > now) break;
      this.clientIds.delete(key);
    }
  }
}
