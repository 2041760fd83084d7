import type { Redis } from 'ioredis';
import { compareMessageIds, messageIdTime, type Message } from '@chat/shared';
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
import { parseRelayEnvelope } from './relay-envelope';
import type { ChatScripts } from './scripts';
import type { DropHandler, RedisSubscriber } from './subscriber';
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

  constructor(
    private readonly redis: Redis,
    private readonly scripts: ChatScripts,
    private readonly keys: RedisKeys,
    private readonly subscriber: RedisSubscriber,
    private readonly options: {
      retention: number;
      clientIdTtlSec: number;
      instanceId: string;
      onDropped: DropHandler;
    },
  ) {
    const channel = keys.channels.messages;
    subscriber.channel(channel, (payload) => {
      const envelope = parseRelayEnvelope(payload);
      if ('invalid' in envelope) return options.onDropped(channel, envelope.invalid);
      if (envelope.kind === 'updated')
        this.updateHandler({ message: envelope.message, changeId: envelope.changeId });
      else this.messageHandler(envelope.message);
    });
  }

  async append(request: AppendRequest, limits: MessageLimits): Promise<AppendResult> {
    const { roomId, userId, username, text, clientId } = request;
    const [status, value] = await redisCall(() =>
      this.scripts.appendMessage(
        [
          ...this.keys.roomLog(roomId),
          this.keys.clientId(userId, roomId, clientId),
          this.keys.messageRate(userId),
          this.keys.archiveFeed(),
        ],
        [
          roomId,
          userId,
          username,
          text,
          clientId,
          this.options.retention,
          this.options.clientIdTtlSec,
          limits.ratePerSec,
          limits.burst,
          this.keys.channels.messages,
          this.options.instanceId,
          request.replyTo ?? '',
          (request.mentions ?? []).join(' '),
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
   * Two round trips a change, and one more per lost race.
   */
  async change(request: ChangeRequest): Promise<ChangeResult> {
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
            this.keys.archiveFeed(),
            this.keys.clientId(current.userId, roomId, current.clientId),
          ],
          [
            messageId,
            raw,
            json,
            this.keys.channels.messages,
            this.options.instanceId,
            shown ? JSON.stringify(replySnapshot(next)) : '',
            mentionsChanged ? (next.mentions ?? []).join(' ') : '-',
            next.deleted ? '1' : '0',
          ],
        ),
      );
      if (status === CHANGE_STORED)
        return { status: 'changed', message: next, changeId: changeId! };
      if (status === CHANGE_NOT_FOUND) return { status: 'not_found' };
    }
    throw new Error(`message ${messageId} changed ${CHANGE_ATTEMPTS} times while being changed`);
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
   * One round trip, one script (lua/history-page.lua): XREVRANGE (or, `from: 'oldest'`,
   * XRANGE) with COUNT limit + 1 (the one extra entry says whether more remain), the oldest
   * retained id, and the page's current states (HMGET), in one snapshot, so `oldestRetained`
   * is the stream's first entry as the page saw it and no state is missing to a concurrent
   * trim. The stream entries are small (the author, mention ids), so Lua copies little; see
   * docs/ARCHITECTURE.md "Message changes" for what it costs against the MULTI it replaces.
   */
  async list(roomId: string, { after, before, limit, from }: MessageRange): Promise<RetainedPage> {
    // Nothing lies before 0-0 (and Redis refuses the exclusive end `(0-0`): only the oldest.
    const empty = before !== undefined && compareMessageIds(before, '0-0') <= 0;
    const end = before === undefined ? '+' : `(${before}`;
    const start = after === undefined ? '-' : `(${after}`;
    const fromOldest = from === 'oldest';
    const log = this.keys.roomLog(roomId);
    if (empty) {
      const oldest = (await redisCall(() =>
        this.redis.xrange(log[0]!, '-', '+', 'COUNT', 1),
      )) as StreamEntry[];
      const result: RetainedPage = { messages: [], hasMore: false };
      if (oldest[0]) result.oldestRetained = oldest[0][0];
      return result;
    }
    const [oldest, entries, states] = await redisCall(() =>
      this.scripts.historyPage(log, [start, end, limit + 1, fromOldest ? '1' : '0']),
    );
    const page = entries
      .slice(0, limit)
      .map((entry, index) => currentMessage(roomId, entry, states[index]));
    if (!fromOldest) page.reverse();
    const result: RetainedPage = { messages: page, hasMore: entries.length > limit };
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
