import type { RedisClient } from './connection';
import { compareMessageIds, messageIdTime, type Message } from '@chat/shared';
import { AppError } from '../chat/app-error';
import { replySnapshot } from '../chat/message-changes';
import type {
  AppendRequest,
  AppendResult,
  CatchUpRead,
  ChangeRequest,
  ChangeResult,
  MessageLimits,
  MessageLog,
  MessageRange,
  MessageUpdate,
  RetainedPage,
} from '../ports';
import type { RedisKeys } from './keys';
import type { ReplicaWait } from './replica-wait';
import type { RoomFeed } from './room-feed';
import type { ChatScripts } from './scripts';
import type { RedisSubscriber } from './subscriber';
import { redisCall } from './unavailable';

export type StreamEntry = [id: string, fields: string[]];

const STORED = 1;
const DUPLICATE = 2;
const RATE_LIMITED = 3;
const DUPLICATE_UNRETAINED = 4;

/** message-change.lua's answers. */
const CHANGE_STORED = 1;
const CHANGE_NOT_FOUND = 0;
/**
 * Attempts at a change whose message another change moved on meanwhile (each attempt is one
 * read and one script call). Contention on one message is people clicking: a handful at once.
 */
const CHANGE_ATTEMPTS = 20;
/** Two-step history reads tried before the one-script read (a trim raced the first ones). */
const PAGE_ATTEMPTS = 3;
/** Change index entries a catch-up looks at, at most (bounded work per rejoin). */
const CHANGE_SCAN_MAX = 1000;

/**
 * Each room's order is a Redis Stream `room:{id}:messages` (the stream id is the message id),
 * and what each retained message is now lives beside it in the room's state hash (keys.ts
 * roomLog, docs/ARCHITECTURE.md "Message changes"); both are trimmed to about `retention`
 * messages (by the append itself without an archive, by the archivers once the messages are
 * in PostgreSQL with one: see lua/append.lua). Appending and changing are one script call
 * each (lua/append.lua, lua/message-change.lua) that also publishes on MESSAGES (prefixed as
 * keys.ts says), whose payloads reach `onMessage` and `onUpdate` through the instance's
 * subscriber connection, in the one order of the channel.
 */
export class RedisMessageLog implements MessageLog {
  private messageHandler: (message: Message) => void = () => {};
  private updateHandler: (update: MessageUpdate) => void = () => {};
  /** Per `roomId messageId`: the settling of the last change queued on this instance. */
  private readonly changing = new Map<string, Promise<unknown>>();

  constructor(
    private readonly redis: RedisClient,
    private readonly scripts: ChatScripts,
    private readonly keys: RedisKeys,
    private readonly subscriber: RedisSubscriber,
    feed: RoomFeed,
    private readonly options: {
      retention: number;
      clientIdTtlSec: number;
      instanceId: string;
      /** REDIS_WAIT_REPLICAS: what a stored (or deduplicated) append and a change wait for. */
      replicas: ReplicaWait;
    },
  ) {
    feed.onMessage((message) => this.messageHandler(message));
    feed.onUpdate((update) => this.updateHandler(update));
  }

  /**
   * With REDIS_WAIT_REPLICAS > 0, a stored message and a duplicate's original are acked only
   * once that many replicas have them (ReplicaWait); else `unavailable`, and the client's
   * resend with the same clientId gets the stored message once replicated.
   */
  async append(request: AppendRequest, limits: MessageLimits): Promise<AppendResult> {
    const result = await this.appendOnce(request, limits);
    if (result.status === 'stored') await this.options.replicas.afterWrite(request.roomId);
    else if (result.status === 'duplicate' || result.status === 'duplicate_unretained')
      await this.options.replicas.afterRead(request.roomId);
    return result;
  }

  private async appendOnce(request: AppendRequest, limits: MessageLimits): Promise<AppendResult> {
    const { roomId, userId, username, text, clientId } = request;
    const cluster = this.keys.mode === 'cluster';
    // Cluster mode: the user's bucket lives in the user's slot, the room's keys in the room's,
    // so the bucket is charged first, on its own (one more round trip, only while the limit
    // is on: docs/ARCHITECTURE.md "Cluster mode: the send path"), and the append runs without.
    if (cluster && limits.ratePerSec > 0) {
      const wait = await redisCall(() =>
        this.scripts.rateLimit([this.keys.messageRate(userId)], [limits.ratePerSec, limits.burst]),
      );
      if (wait > 0) return { status: 'rate_limited', retryAfterMs: wait };
    }
    const log = this.keys.roomLog(roomId);
    const [status, value] = await redisCall(() =>
      this.scripts.appendMessage(
        [
          ...log,
          this.keys.clientId(userId, roomId, clientId),
          // In cluster mode unused (rate 0 below) and named in the room's slot, as every key is.
          cluster ? log[0]! : this.keys.messageRate(userId),
          this.keys.archiveFeedOf(roomId),
        ],
        [
          roomId,
          userId,
          username,
          text,
          clientId,
          this.options.retention,
          this.options.clientIdTtlSec,
          cluster ? 0 : limits.ratePerSec,
          limits.burst,
          this.publishChannel(roomId),
          this.options.instanceId,
          request.replyTo ?? '',
          (request.mentions ?? []).join(' '),
          this.publishCommand,
        ],
      ),
    );
    if (status === STORED)
      return { status: 'stored', message: JSON.parse(String(value)) as Message };
    if (status === DUPLICATE)
      return { status: 'duplicate', message: JSON.parse(String(value)) as Message };
    if (status === RATE_LIMITED) return { status: 'rate_limited', retryAfterMs: Number(value) };
    if (status === DUPLICATE_UNRETAINED)
      return { status: 'duplicate_unretained', messageId: String(value) };
    return { status: 'reply_not_found' };
  }

  /**
   * Optimistic: reads the message's state (HGET), computes the next one in the instance
   * (request.next, the rules of chat/message-changes.ts), and stores it with
   * lua/message-change.lua only if the state is still the one it read; else reads again.
   * Two round trips a change, and one more per lost race. Changes of one message are queued
   * per instance, so races are only between instances (a burst of 24 edits from one socket
   * once ran out of attempts, racing itself).
   */
  async change(request: ChangeRequest): Promise<ChangeResult> {
    const result = await this.queueChange(request);
    if (result.status === 'changed') await this.options.replicas.afterWrite(request.roomId);
    return result;
  }

  private queueChange(request: ChangeRequest): Promise<ChangeResult> {
    // One change of a message at a time per instance: its own changes never race each other,
    // so a lost race means another instance changed the message (at most one per instance).
    const key = `${request.roomId} ${request.messageId}`;
    const turn = (this.changing.get(key) ?? Promise.resolve()).then(() => this.changeNow(request));
    const settled = turn.catch(() => undefined);
    this.changing.set(key, settled);
    void settled.then(() => {
      if (this.changing.get(key) === settled) this.changing.delete(key);
    });
    return turn;
  }

  private async changeNow(request: ChangeRequest): Promise<ChangeResult> {
    const { roomId, messageId } = request;
    const log = this.keys.roomLog(roomId);
    for (let attempt = 0; attempt < CHANGE_ATTEMPTS; attempt += 1) {
      const raw = await redisCall(() => this.redis.hget(log[1]!, messageId));
      if (raw === null) return { status: 'not_found' };
      const current = JSON.parse(raw) as Message;
      const next = request.next(current);
      if (next === 'unchanged') return { status: 'unchanged', message: current };
      const shown = next.text !== current.text || next.deleted !== current.deleted;
      const mentionsChanged = next.editedAt !== current.editedAt || next.deleted === true;
      const json = JSON.stringify(next);
      const [status, changeId] = await redisCall(() =>
        this.scripts.messageChange(
          [
            ...log,
            this.keys.archiveFeedOf(roomId),
            this.keys.clientId(current.userId, roomId, current.clientId),
          ],
          [
            messageId,
            raw,
            json,
            this.publishChannel(roomId),
            this.options.instanceId,
            shown ? JSON.stringify(replySnapshot(next)) : '',
            mentionsChanged ? (next.mentions ?? []).join(' ') : '-',
            next.deleted ? '1' : '0',
            this.publishCommand,
          ],
        ),
      );
      if (status === CHANGE_STORED)
        return { status: 'changed', message: next, changeId: changeId! };
      if (status === CHANGE_NOT_FOUND) return { status: 'not_found' };
    }
    throw new AppError(
      'unavailable',
      'this message is being changed by many people at once; try again',
    );
  }

  /**
   * Where the room's messages and changes are published: single mode, MESSAGES; cluster mode
   * (issue 15), the room's shard channel `MESSAGES:{p17}:<room id>` in the room's slot, so
   * the script's SPUBLISH stays on the node that stores the room and reaches only the
   * instances that SSUBSCRIBEd the room (a classic PUBLISH on a Redis Cluster is broadcast
   * to every node by the cluster bus: every instance would hear every room).
   */
  private publishChannel(roomId: string): string {
    return this.keys.channels.room(roomId);
  }

  /** PUBLISH (single mode) or SPUBLISH (cluster mode): see publishChannel. */
  private get publishCommand(): 'PUBLISH' | 'SPUBLISH' {
    return this.keys.mode === 'cluster' ? 'SPUBLISH' : 'PUBLISH';
  }

  /** One script call (lua/catch-up.lua): missed messages, changed ones and the point read, one snapshot. */
  async catchUp(roomId: string, after: string, limit: number): Promise<CatchUpRead> {
    const [asOf, oldest, entries, states, updated] = await redisCall(() =>
      this.scripts.catchUp(this.keys.roomLog(roomId), [after, limit, CHANGE_SCAN_MAX]),
    );
    const messages = entries
      .slice(0, limit)
      .map((entry, index) => currentMessage(roomId, entry, states[index]))
      .reverse();
    const page: RetainedPage = { messages, hasMore: entries.length > limit };
    if (oldest) page.oldestRetained = oldest;
    return {
      page,
      updated: updated
        .filter((state) => state !== null)
        .map((state) => JSON.parse(state) as Message),
      asOf,
    };
  }

  /**
   * Two round trips: one MULTI of XREVRANGE (or, `from: 'oldest'`, XRANGE) with COUNT limit + 1
   * (the one extra entry says whether more remain) and `XRANGE - + COUNT 1` for the oldest
   * retained id, in one transaction, so `oldestRetained` is the stream's first entry as the
   * page saw it; then HMGET of the page's current states. A state trimmed away between the
   * two (the entry has no text of its own) makes the page read again; after PAGE_ATTEMPTS,
   * lua/history-page.lua reads it in one atomic step. Measured (docs/ARCHITECTURE.md
   * "Message changes"): this costs Redis less than the one script, which copies every entry
   * in and out of Lua, and less than v1's MULTI, whose entries held the whole message.
   */
  async list(roomId: string, { after, before, limit, from }: MessageRange): Promise<RetainedPage> {
    const log = this.keys.roomLog(roomId);
    // Nothing lies before 0-0 (and Redis refuses the exclusive end `(0-0`): only the oldest.
    const empty = before !== undefined && compareMessageIds(before, '0-0') <= 0;
    const end = before === undefined ? '+' : `(${before}`;
    const start = after === undefined ? '-' : `(${after}`;
    const fromOldest = from === 'oldest';
    for (let attempt = 0; attempt < PAGE_ATTEMPTS; attempt += 1) {
      const transaction = this.redis.multi();
      if (!empty) {
        if (fromOldest) transaction.xrange(log[0]!, start, end, 'COUNT', limit + 1);
        else transaction.xrevrange(log[0]!, end, start, 'COUNT', limit + 1);
      }
      transaction.xrange(log[0]!, '-', '+', 'COUNT', 1);
      const replies = await redisCall(async () => {
        const results = await transaction.exec();
        if (!results) throw new Error('MULTI was aborted');
        return results.map(([error, reply]) => {
          if (error) throw error;
          return reply as StreamEntry[];
        });
      });
      const entries = empty ? [] : replies[0]!;
      const oldest = replies.at(-1)![0]?.[0] ?? null;
      const page = entries.slice(0, limit);
      const states =
        page.length === 0
          ? []
          : await redisCall(() => this.redis.hmget(log[1]!, ...page.map(([id]) => id)));
      if (states.some((state, index) => state === null && !isLegacyEntry(page[index]!))) continue;
      return this.toPage(roomId, page, states, entries.length > limit, fromOldest, oldest);
    }
    const [oldest, entries, states] = await redisCall(() =>
      this.scripts.historyPage(log, [start, end, limit + 1, fromOldest ? '1' : '0']),
    );
    return this.toPage(
      roomId,
      entries.slice(0, limit),
      states,
      entries.length > limit,
      fromOldest,
      oldest,
    );
  }

  private toPage(
    roomId: string,
    entries: StreamEntry[],
    states: (string | null)[],
    hasMore: boolean,
    fromOldest: boolean,
    oldest: string | null,
  ): RetainedPage {
    const messages = entries.map((entry, index) => currentMessage(roomId, entry, states[index]));
    if (!fromOldest) messages.reverse();
    const result: RetainedPage = { messages, hasMore };
    if (oldest) result.oldestRetained = oldest;
    return result;
  }

  onMessage(handler: (message: Message) => void): void {
    this.messageHandler = handler;
  }

  onUpdate(handler: (update: MessageUpdate) => void): void {
    this.updateHandler = handler;
  }

  onResync(handler: () => void): void {
    this.subscriber.onResync(handler);
  }
}

/**
 * A retained message as it is now: its state (the room's state hash), or for an entry written
 * before message changes, which holds the message itself and has no state, the entry.
 */
export function currentMessage(
  roomId: string,
  entry: StreamEntry,
  state: string | null | undefined,
): Message {
  return state ? (JSON.parse(state) as Message) : toMessage(roomId, entry);
}

/** An entry written before message changes holds the message itself (its `text` field). */
function isLegacyEntry([, fields]: StreamEntry): boolean {
  for (let i = 0; i < fields.length; i += 2) if (fields[i] === 'text') return true;
  return false;
}

/** A room stream entry written before message changes as the Message clients get. */
export function toMessage(roomId: string, [id, fields]: StreamEntry): Message {
  const value: Record<string, string> = {};
  for (let i = 0; i + 1 < fields.length; i += 2) value[fields[i]!] = fields[i + 1]!;
  return {
    id,
    roomId,
    userId: value.userId ?? '',
    username: value.username ?? '',
    text: value.text ?? '',
    clientId: value.clientId ?? '',
    createdAt: new Date(messageIdTime(id)).toISOString(),
  };
}
