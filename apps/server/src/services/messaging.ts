import { LIMITS, splitMessageId, type JoinRoomResult, type Message, type User } from '@chat/shared';
import { AppError } from '../chat/app-error';
import { RATE_POLICIES } from '../chat/rate-limits';
import { reachesBelowRetained } from '../chat/retained-window';
import type { Metrics } from '../metrics';
import type { AppendRequest, Backend } from '../ports';
import { resolveMentions } from './mentions';
import { enforceRate } from './rate-limits';
import type { Rooms } from './rooms';

/** Sending, catching up and read markers: what a member does with a room's messages. */
export class Messaging {
  constructor(
    private readonly backend: Pick<
      Backend,
      'messageLog' | 'readState' | 'eventBus' | 'rateLimiter' | 'users' | 'archive'
    >,
    private readonly rooms: Rooms,
    private readonly metrics: Metrics,
    /** Messages per user per second, cluster-wide, with bursts of twice that; 0 = off. */
    private readonly messageRatePerSec: number,
  ) {}

  /**
   * Stores and publishes the message in one step (MessageLog.append) and
   * returns it as stored; a resent `clientId` returns the original as it is now
   * (edited, or a tombstone). `@name`s are resolved to users first (protocol v1.1:
   * only a text with `@` costs a lookup); `replyTo` must be a retained, undeleted message
   * of the room (`not_found`). The caller has checked that the user joined the room.
   */
  async send(
    user: User,
    input: { roomId: string; text: string; clientId: string; replyTo?: string | undefined },
  ): Promise<Message> {
    const rate = this.messageRatePerSec;
    const mentions = await resolveMentions(this.backend.users, input.text);
    const request: AppendRequest = {
      roomId: input.roomId,
      userId: user.id,
      username: user.username,
      text: input.text,
      clientId: input.clientId,
    };
    if (input.replyTo !== undefined) request.replyTo = input.replyTo;
    if (mentions.length > 0) request.mentions = mentions;
    const stopTimer = this.metrics.redisRoundTrip.startTimer({ op: 'append' });
    const result = await this.backend.messageLog.append(request, {
      ratePerSec: rate,
      burst: rate * 2,
    });
    stopTimer();
    if (result.status === 'rate_limited') {
      throw new AppError('rate_limited', 'you are sending too fast', result.retryAfterMs);
    }
    if (result.status === 'reply_not_found')
      throw new AppError('not_found', 'the message to reply to is not in this room');
    if (result.status === 'duplicate_unretained')
      return this.archivedOriginal(input.roomId, result.messageId);
    if (result.status === 'stored') this.metrics.messagesIn.inc();
    return result.message;
  }

  /**
   * A resend of a message Redis no longer retains (trimmed within CLIENT_ID_TTL_SEC): the
   * archive's copy, or `conflict` when there is none to read (nothing is stored twice).
   */
  private async archivedOriginal(roomId: string, messageId: string): Promise<Message> {
    const [ms, seq] = splitMessageId(messageId);
    const page = await this.backend.archive
      ?.list(roomId, { before: `${ms}-${seq + 1}`, limit: 1 })
      .catch(() => undefined);
    const original = page?.messages[0];
    if (original?.id === messageId) return original;
    throw new AppError(
      'conflict',
      'this clientId was used for a message that is no longer retained; send with a new clientId',
    );
  }

  /**
   * What a member rejoining after `afterId` missed (protocol v1.1): the newest
   * LIMITS.missedMax messages after it, oldest first, `complete` when that is
   * all of them (otherwise the client fills the gap with history); `updated`, the current
   * state of messages at or before it changed since it was stored (at most LIMITS.missedMax);
   * and `asOf`, the point of the room's order the read reflects (socket/catch-up.ts releases
   * live events after it). Not complete either when `afterId` lies below what Redis retains:
   * messages between the two were trimmed (or lost from Redis), and history, which reaches
   * the archive, fills them. One MessageLog read; never the archive, so a reconnect storm
   * never lands on PostgreSQL.
   */
  async catchUp(
    roomId: string,
    afterId: string,
  ): Promise<Pick<JoinRoomResult, 'missed' | 'complete' | 'updated'> & { asOf: string }> {
    const { page, updated, asOf } = await this.backend.messageLog.catchUp(
      roomId,
      afterId,
      LIMITS.missedMax,
    );
    const complete = !page.hasMore && !reachesBelowRetained(afterId, page.oldestRetained);
    return { missed: page.messages, complete, updated, asOf };
  }

  /**
   * Moves the user's read marker forward and tells all of the user's sockets,
   * on every instance; a marker that would move back changes nothing.
   */
  async markRead(user: User, roomId: string, messageId: string): Promise<void> {
    await enforceRate(
      this.backend.rateLimiter,
      `read:${user.id}`,
      RATE_POLICIES.readMarker,
      'read markers',
    );
    await this.rooms.requireReadable(user, roomId);
    if (await this.backend.readState.markRead(user.id, roomId, messageId)) {
      await this.backend.eventBus.publish({
        type: 'room:read',
        userId: user.id,
        roomId,
        messageId,
      });
    }
  }
}
