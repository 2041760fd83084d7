import { compareMessageIds, messageIdTime, type Message } from '@chat/shared';
import { replySnapshot } from '../chat/message-changes';
import { takeToken, type BucketState } from '../chat/token-bucket';
import type {
  AppendRequest,
  AppendResult,
  Archive,
  CatchUpRead,
  ChangeRequest,
  ChangeResult,
  MessageLimits,
  MessageLog,
  MessageRange,
  MessageUpdate,
  RetainedPage,
} from '../ports';
import { InProcessChannel } from './in-process-channel';

interface SentClientId {
  roomId: string;
  messageId: string;
  expiresAt: number;
  /** Settles once the message is kept (archived and in the window), or failed to be. */
  kept: Promise<unknown>;
}

/** What the live feed carries: a new message, or a change (protocol v1.1), in one order. */
type LogEvent = { message: Message; changeId?: undefined } | MessageUpdate;

/** Replies whose snapshot follows their original, per original at most (as lua/append.lua). */
const REPLIES_FOLLOWED_MAX = 100;
/** Change index entries a catch-up looks at, at most (as redis/message-log.ts). */
const CHANGE_SCAN_MAX = 1000;

/** What a room keeps besides its window of messages (the twin of keys.ts roomLog). */
interface RoomChanges {
  /** Message id → its latest change id, in the order of those changes (oldest first). */
  latest: Map<string, string>;
  /** Original id → ids of the replies to it that follow it. */
  replies: Map<string, string[]>;
  /** The newest point of the room's order that was applied (a message or a change). */
  asOf: string;
}

export interface EmbeddedMessageLogOptions {
  retention: number;
  clientIdTtlSec: number;
  /**
   * Where every message is archived before it is stored in memory and published (PGlite
   * under DATA_DIR): the archive then always holds what the memory window holds, and
   * more. Absent (DATA_DIR=:memory:): the window is all there is.
   */
  archive?: Pick<Archive, 'writeBatch' | 'writeChanges'>;
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
  private readonly changes = new Map<string, RoomChanges>();
  private readonly clientIds = new Map<string, SentClientId>();
  private readonly buckets = new Map<string, BucketState>();
  private readonly live = new InProcessChannel<LogEvent>();
  private messageHandler: (message: Message) => void = () => {};
  private updateHandler: (update: MessageUpdate) => void = () => {};
  /** The newest append's turn to be kept: each one waits for the one before, so ids stay in order. */
  private lastTurn: Promise<unknown> = Promise.resolve();
  private lastMs = 0;
  private lastSeq = 0;

  constructor(
    private readonly options: EmbeddedMessageLogOptions,
    private readonly now: () => number = Date.now,
  ) {
    this.live.subscribe((event) => {
      if (event.changeId === undefined) this.messageHandler(event.message);
      else this.updateHandler(event);
    });
  }

  /**
   * Start-up: the newest messages of each room as the archive has them (at most `retention`
   * each, oldest first). New ids continue after the newest of them, and resends of those
   * still within CLIENT_ID_TTL_SEC are recognised as duplicates.
   */
  restore(windows: Map<string, Message[]>): void {
    const all: Message[] = [];
    for (const [roomId, messages] of windows) {
      if (messages.length === 0) continue;
      const window = messages.slice(-this.options.retention);
      this.rooms.set(roomId, window);
      this.changesOf(roomId).asOf = window.at(-1)!.id;
      for (const message of window)
        if (message.replyTo) this.followReply(roomId, message.replyTo.id, message.id);
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
        roomId: message.roomId,
        messageId: message.id,
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

  /** Into the room's memory window (trimmed to `retention`, with what it kept of the trimmed), then onto the live feed. */
  private keep(message: Message): void {
    const history = this.rooms.get(message.roomId) ?? [];
    history.push(message);
    const changes = this.changesOf(message.roomId);
    if (message.replyTo) this.followReply(message.roomId, message.replyTo.id, message.id);
    if (history.length > this.options.retention) {
      for (const trimmed of history.splice(0, history.length - this.options.retention)) {
        changes.latest.delete(trimmed.id);
        changes.replies.delete(trimmed.id);
      }
    }
    this.rooms.set(message.roomId, history);
    changes.asOf = message.id;
    this.live.publish({ message });
  }

  async append(request: AppendRequest, limits: MessageLimits): Promise<AppendResult> {
    const now = this.now();
    // Room-scoped, as in Redis (keys.ts clientId): the same clientId in another room is a new message.
    const clientKey = `${request.userId}:${request.roomId}:${request.clientId}`;
    const seen = this.clientIds.get(clientKey);
    if (seen && seen.expiresAt > now) {
      // A resend while the original is still being kept answers once it is (or fails with it).
      await seen.kept;
      const current = this.find(seen.roomId, seen.messageId);
      return current
        ? { status: 'duplicate', message: current }
        : { status: 'duplicate_unretained', messageId: seen.messageId };
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
    if (request.mentions && request.mentions.length > 0) message.mentions = request.mentions;
    const { replyTo } = request;
    // A reply's snapshot is taken in its turn, once every change queued before it applied; its
    // archive write waits for that turn. Other messages are written at once, in parallel.
    const archived =
      replyTo === undefined ? this.options.archive?.writeBatch([message]) : undefined;
    // Its failure is the caller's (through `kept`), never an unhandled rejection meanwhile.
    archived?.catch(() => undefined);
    // Kept in id order whatever order the writes finish in: each turn waits for the one before.
    const kept = this.lastTurn.then(async (): Promise<Message | 'reply_not_found'> => {
      if (replyTo === undefined) {
        await archived;
      } else {
        const original = this.find(request.roomId, replyTo);
        if (!original || original.deleted) return 'reply_not_found';
        message.replyTo = replySnapshot(original);
        await this.options.archive?.writeBatch([message]);
      }
      this.keep(message);
      return message;
    });
    this.lastTurn = kept.catch(() => undefined);
    const sent = {
      roomId: request.roomId,
      messageId: id,
      expiresAt: now + this.options.clientIdTtlSec * 1000,
      kept,
    };
    this.clientIds.set(clientKey, sent);
    this.forgetExpiredClientIds(now);
    let outcome: Message | 'reply_not_found';
    try {
      outcome = await kept;
    } catch (error) {
      // Not archived, so never stored nor published: a resend is a new message.
      if (this.clientIds.get(clientKey) === sent) this.clientIds.delete(clientKey);
      throw error;
    }
    if (outcome === 'reply_not_found') {
      if (this.clientIds.get(clientKey) === sent) this.clientIds.delete(clientKey);
      return { status: 'reply_not_found' };
    }
    return { status: 'stored', message: outcome };
  }

  /**
   * In the append queue's order (so in id order with the messages): the message's current
   * state, `request.next`, then the archive's upsert of the new state (and of the replies
   * that follow it), and only then, synchronously, the memory window and the live feed.
   */
  async change(request: ChangeRequest): Promise<ChangeResult> {
    const changeId = this.nextId(this.now());
    const turn = this.lastTurn.then(async (): Promise<ChangeResult> => {
      const current = this.find(request.roomId, request.messageId);
      if (!current) return { status: 'not_found' };
      const next = request.next(current);
      if (next === 'unchanged') return { status: 'unchanged', message: current };
      const changes = this.changesOf(request.roomId);
      const shown = next.text !== current.text || next.deleted !== current.deleted;
      const replies = shown
        ? (changes.replies.get(request.messageId) ?? [])
            .map((id) => this.find(request.roomId, id))
            // A deleted reply is a tombstone: it shows nothing, its snapshot included.
            .filter((reply): reply is Message => reply !== undefined && !reply.deleted)
            .map((reply) => ({ ...reply, replyTo: replySnapshot(next) }))
        : [];
      const states = [next, ...replies];
      await this.options.archive?.writeChanges(
        states.map((message) => ({ message, version: changeId })),
      );
      for (const state of states) this.replace(state);
      if (next.deleted) changes.replies.delete(request.messageId);
      changes.latest.delete(request.messageId);
      changes.latest.set(request.messageId, changeId);
      changes.asOf = changeId;
      this.live.publish({ message: next, changeId });
      return { status: 'changed', message: next, changeId };
    });
    this.lastTurn = turn.catch(() => undefined);
    return turn;
  }

  catchUp(roomId: string, after: string, limit: number): Promise<CatchUpRead> {
    const changes = this.changesOf(roomId);
    const updated: Message[] = [];
    const latest = [...changes.latest].slice(-CHANGE_SCAN_MAX).reverse();
    for (const [messageId, changeId] of latest) {
      if (compareMessageIds(changeId, after) <= 0 || updated.length >= limit) break;
      if (compareMessageIds(messageId, after) > 0) continue;
      const state = this.find(roomId, messageId);
      if (state) updated.push(state);
    }
    // Read in one synchronous step: nothing is applied between the parts of the snapshot.
    const { asOf } = changes;
    return this.list(roomId, { after, limit }).then((page) => ({ page, updated, asOf }));
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
    this.messageHandler = handler;
  }

  onUpdate(handler: (update: MessageUpdate) => void): void {
    this.updateHandler = handler;
  }

  /** The retained message's current state, or undefined. */
  private find(roomId: string, messageId: string): Message | undefined {
    const history = this.rooms.get(roomId) ?? [];
    const message = history[this.indexAfter(history, messageId, true)];
    return message?.id === messageId ? message : undefined;
  }

  /** Puts a message's new state in its place in the window. */
  private replace(state: Message): void {
    const history = this.rooms.get(state.roomId) ?? [];
    const index = this.indexAfter(history, state.id, true);
    if (history[index]?.id === state.id) history[index] = state;
  }

  private changesOf(roomId: string): RoomChanges {
    let changes = this.changes.get(roomId);
    if (!changes) {
      changes = { latest: new Map(), replies: new Map(), asOf: '0-0' };
      this.changes.set(roomId, changes);
    }
    return changes;
  }

  private followReply(roomId: string, originalId: string, replyId: string): void {
    const { replies } = this.changesOf(roomId);
    const list = replies.get(originalId) ?? [];
    if (list.length < REPLIES_FOLLOWED_MAX) list.push(replyId);
    replies.set(originalId, list);
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
