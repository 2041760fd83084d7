import type { Message } from '@chat/shared';
import { takeToken, type BucketState } from '../chat/token-bucket';
import type { AppendRequest, AppendResult, MessageLimits, MessageStore } from '../ports';
import type { EmbeddedBus } from './bus';

/**
 * Room histories in memory, trimmed to `retention` messages each. Ids have
 * the Redis stream form `<ms>-<seq>` and only ever grow, even if the clock
 * steps back, so the two backends are interchangeable for clients.
 */
export class EmbeddedMessageStore implements MessageStore {
  private readonly rooms = new Map<string, Message[]>();
  private readonly clientIds = new Map<string, { message: Message; expiresAt: number }>();
  private readonly buckets = new Map<string, BucketState>();
  private lastMs = 0;
  private lastSeq = 0;

  constructor(
    private readonly bus: EmbeddedBus,
    private readonly options: { retention: number; clientIdTtlSec: number },
    private readonly now: () => number = Date.now,
  ) {}

  append(request: AppendRequest, limits: MessageLimits): Promise<AppendResult> {
    const now = this.now();
    const clientKey = `${request.userId}:${request.clientId}`;
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
      createdAt: new Date(Number(id.split('-')[0])).toISOString(),
    };
    const history = this.rooms.get(request.roomId) ?? [];
    history.push(message);
    if (history.length > this.options.retention)
      history.splice(0, history.length - this.options.retention);
    this.rooms.set(request.roomId, history);
    this.clientIds.set(clientKey, { message, expiresAt: now + this.options.clientIdTtlSec * 1000 });
    this.forgetExpiredClientIds(now);
    this.bus.publishMessage(message);
    return Promise.resolve({ status: 'stored', message });
  }

  listAfter(roomId: string, afterId: string): Promise<Message[]> {
    const history = this.rooms.get(roomId) ?? [];
    return Promise.resolve(history.slice(this.indexAfter(history, afterId)));
  }

  listBefore(
    roomId: string,
    beforeId: string | undefined,
    limit: number,
  ): Promise<{ messages: Message[]; hasMore: boolean }> {
    const history = this.rooms.get(roomId) ?? [];
    const end = beforeId === undefined ? history.length : this.indexAfter(history, beforeId, true);
    const start = Math.max(0, end - limit);
    return Promise.resolve({ messages: history.slice(start, end), hasMore: start > 0 });
  }

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
    const [ms, seq] = id.split('-').map(Number) as [number, number];
    let low = 0;
    let high = history.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      const [midMs, midSeq] = history[mid]!.id.split('-').map(Number) as [number, number];
      const before = midMs < ms || (midMs === ms && (inclusive ? midSeq < seq : midSeq <= seq));
      if (before) low = mid + 1;
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
