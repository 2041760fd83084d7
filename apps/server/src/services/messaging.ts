import { LIMITS, type JoinRoomResult, type Message, type User } from '@chat/shared';
import { AppError } from '../chat/app-error';
import { RATE_POLICIES } from '../chat/rate-limits';
import { reachesBelowRetained } from '../chat/retained-window';
import type { Metrics } from '../metrics';
import type { Backend } from '../ports';
import { enforceRate } from './rate-limits';
import type { Rooms } from './rooms';

/** Sending, catching up and read markers: what a member does with a room's messages. */
export class Messaging {
  constructor(
    private readonly backend: Pick<
      Backend,
      'messageLog' | 'readState' | 'eventBus' | 'rateLimiter'
    >,
    private readonly rooms: Rooms,
    private readonly metrics: Metrics,
    /** Messages per user per second, cluster-wide, with bursts of twice that; 0 = off. */
    private readonly messageRatePerSec: number,
  ) {}

  /**
   * Stores and publishes the message in one step (MessageLog.append) and
   * returns it as stored; a resent `clientId` returns the original. The
   * caller has checked that the user joined the room.
   */
  async send(
    user: User,
    input: { roomId: string; text: string; clientId: string },
  ): Promise<Message> {
    const rate = this.messageRatePerSec;
    const stopTimer = this.metrics.redisRoundTrip.startTimer({ op: 'append' });
    const result = await this.backend.messageLog.append(
      {
        roomId: input.roomId,
        userId: user.id,
        username: user.username,
        text: input.text,
        clientId: input.clientId,
      },
      { ratePerSec: rate, burst: rate * 2 },
    );
    stopTimer();
    if (result.status === 'rate_limited') {
      throw new AppError('rate_limited', 'you are sending too fast', result.retryAfterMs);
    }
    if (result.status === 'stored') this.metrics.messagesIn.inc();
    return result.message;
  }

  /**
   * What a member rejoining after `afterId` missed (protocol v1.1): the newest
   * LIMITS.missedMax messages after it, oldest first, `complete` when that is
   * all of them (otherwise the client fills the gap with history). Not complete
   * either when `afterId` lies below what Redis retains: messages between the two
   * were trimmed (or lost from Redis), and history, which reaches the archive,
   * fills them. One MessageLog read; never the archive, so a reconnect storm
   * never lands on PostgreSQL. `updated` (changes to messages at or before
   * `afterId`) stays empty until messages can change; its read belongs here.
   */
  async catchUp(
    roomId: string,
    afterId: string,
  ): Promise<Pick<JoinRoomResult, 'missed' | 'complete' | 'updated'>> {
    const page = await this.backend.messageLog.list(roomId, {
      after: afterId,
      limit: LIMITS.missedMax,
    });
    const updated: Message[] = [];
    const complete = !page.hasMore && !reachesBelowRetained(afterId, page.oldestRetained);
    return { missed: page.messages, complete, updated };
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
