import { compareMessageIds, messageIdTime, type Message } from '@chat/shared';
import { takeToken, type BucketState } from '../chat/token-bucket';
import type {
  AppendRequest,
  AppendResult,
  MessageLimits,
  MessageLog,
  MessageRange,
  RetainedPage,
} from '../ports';
import { InProcessChannel } from './in-process-channel';

/**
 * Room histories in memory, trimmed to `retention` messages each, with the
 * live feed in process. Ids have the Redis stream form `<ms>-<seq>` and only
 * ever grow, even if the clock steps back, so the two backends are
 * interchangeable for clients.
 */
export class EmbeddedMessageLog implements MessageLog {
  private readonly rooms = new Map<string, Message[]>();
  private readonly clientIds = new Map<string, { message: Message; expiresAt: number }>();
  private readonly buckets = new Map<string, BucketState>();
  private readonly live = new InProcessChannel<Message>();
  private lastMs = 0;
  private lastSeq = 0;

  constructor(
    private readonly options: { retention: number; clientIdTtlSec: number },
    private readonly now: () => number = Date.now,
  ) {}

  append(request: AppendRequest, limits: MessageLimits): Promise<AppendResult> {
    const now = this.now();
    // Room-scoped, as in Redis (keys.ts clientId): the same clientId in another room is a new message.
    const clientKey = `${request.userId}:${request.roomId}:${request.clientId}`;
    const seen = this.clientIds.get(clientKey);
    if (seen && seen.expiresAt > now)
      return Promise.resolve({ status: 'duplicate', message: seen.message });

    if (limits.ratePerSec > 0) {
      const taken = takeToken(
        this.buckets.get(request.userId),
        now,
        limits.ratePerSec,
        limits.burst,
      );
      this.buckets.set(request.userId, taken.state);
      if (!taken.allowed)
        return Promise.resolve({ status: 'rate_limited', retryAfterMs: taken.retryAfterMs });
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
    const history = this.rooms.get(request.roomId) ?? [];
    history.push(message);
    if (history.length > this.options.retention)
      history.splice(0, history.length - this.options.retention);
    this.rooms.set(request.roomId, history);
    this.clientIds.set(clientKey, { message, expiresAt: now + this.options.clientIdTtlSec * 1000 });
    this.forgetExpiredClientIds(now);
    this.live.publish(message);
    return Promise.resolve({ status: 'stored', message });
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
