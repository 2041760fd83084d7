import type { Redis } from 'ioredis';
import { compareMessageIds, messageIdTime, type Message } from '@chat/shared';
import type {
  AppendRequest,
  AppendResult,
  MessageLimits,
  MessageLog,
  MessagePage,
  MessageRange,
} from '../ports';
import type { RedisKeys } from './keys';
import { parseRelayEnvelope } from './relay-envelope';
import type { ChatScripts } from './scripts';
import type { DropHandler, RedisSubscriber } from './subscriber';
import { redisCall } from './unavailable';

export type StreamEntry = [id: string, fields: string[]];

const STORED = 1;
const DUPLICATE = 2;

/**
 * Each room's history is a Redis Stream `room:{id}:messages`, trimmed to
 * about `retention` entries (by the append itself without an archive, by the
 * archivers once the messages are in PostgreSQL with one: see
 * lua/append.lua); the stream id is the message id. Appending is
 * one script call (lua/append.lua) that also publishes on MESSAGES (prefixed
 * as keys.ts says), whose
 * payloads reach `onMessage` through the instance's subscriber connection.
 */
export class RedisMessageLog implements MessageLog {
  private messageHandler: (message: Message) => void = () => {};

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
      this.messageHandler(envelope.message);
    });
  }

  async append(request: AppendRequest, limits: MessageLimits): Promise<AppendResult> {
    const { roomId, userId, username, text, clientId } = request;
    const [status, value] = await redisCall(() =>
      this.scripts.appendMessage(
        [
          this.keys.roomMessages(roomId),
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
        ],
      ),
    );
    if (status === STORED)
      return { status: 'stored', message: JSON.parse(String(value)) as Message };
    if (status === DUPLICATE)
      return { status: 'duplicate', message: JSON.parse(String(value)) as Message };
    return { status: 'rate_limited', retryAfterMs: Number(value) };
  }

  /** XREVRANGE with COUNT limit + 1: the one extra entry says whether more remain. */
  async list(roomId: string, { after, before, limit }: MessageRange): Promise<MessagePage> {
    // Nothing lies before 0-0 (and Redis refuses the exclusive end `(0-0`).
    if (before !== undefined && compareMessageIds(before, '0-0') <= 0)
      return { messages: [], hasMore: false };
    const end = before === undefined ? '+' : `(${before}`;
    const start = after === undefined ? '-' : `(${after}`;
    const entries = (await redisCall(() =>
      this.redis.xrevrange(this.keys.roomMessages(roomId), end, start, 'COUNT', limit + 1),
    )) as StreamEntry[];
    const page = entries.slice(0, limit).reverse();
    return {
      messages: page.map((entry) => toMessage(roomId, entry)),
      hasMore: entries.length > limit,
    };
  }

  onMessage(handler: (message: Message) => void): void {
    this.messageHandler = handler;
  }

  onResync(handler: () => void): void {
    this.subscriber.onResync(handler);
  }
}

/** A room stream entry as the Message clients get (the backfill of the archive reads them too). */
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
