import type { Message, User } from '@chat/shared';
import { AppError } from '../chat/app-error';
import { addReaction, deleteMessage, editMessage, removeReaction } from '../chat/message-changes';
import { RATE_POLICIES } from '../chat/rate-limits';
import type { Backend, ChangeRequest } from '../ports';
import { resolveMentions } from './mentions';
import { enforceRate } from './rate-limits';

/**
 * Protocol v1.1: what a member does to a message once sent (edit, delete, react), with the
 * rules of chat/message-changes.ts applied inside the MessageLog's atomic change (so two
 * changes at once never undo each other), rate limited per user (RATE_POLICIES.messageChange,
 * .reaction; RATE_LIMITS=off lifts them). The caller has checked that the socket joined the
 * room. Changes apply to the messages the MessageLog retains (MESSAGE_RETENTION per room);
 * an older message, only in the archive, answers `not_found`.
 */
export class MessageChanges {
  constructor(
    private readonly backend: Pick<Backend, 'messageLog' | 'rooms' | 'users' | 'rateLimiter'>,
  ) {}

  /** The author replaces the text; mentions are re-computed. */
  async edit(
    user: User,
    input: { roomId: string; messageId: string; text: string },
  ): Promise<Message> {
    await this.charge(user, 'messageChange', 'edits and deletes');
    const mentions = await resolveMentions(this.backend.users, input.text);
    const at = new Date().toISOString();
    return this.apply({
      roomId: input.roomId,
      messageId: input.messageId,
      next: (current) => editMessage(current, { userId: user.id, text: input.text, mentions, at }),
    });
  }

  /**
   * The author, or the creator of the (public or private) room, deletes: a tombstone stays,
   * its text is gone.
   */
  async delete(user: User, input: { roomId: string; messageId: string }): Promise<void> {
    await this.charge(user, 'messageChange', 'edits and deletes');
    const room = await this.backend.rooms.get(input.roomId);
    // In a DM the "creator" is only whoever opened it first: there, each deletes their own.
    const isRoomCreator = room !== null && room.kind !== 'dm' && room.createdBy === user.id;
    await this.apply({
      roomId: input.roomId,
      messageId: input.messageId,
      next: (current) => deleteMessage(current, { userId: user.id, isRoomCreator }),
    });
  }

  /** Adds the user's reaction; adding twice counts once (the current state, nothing published). */
  async addReaction(
    user: User,
    input: { roomId: string; messageId: string; emoji: string },
  ): Promise<Message> {
    await this.charge(user, 'reaction', 'reactions');
    return this.apply({
      roomId: input.roomId,
      messageId: input.messageId,
      next: (current) => addReaction(current, { userId: user.id, emoji: input.emoji }),
    });
  }

  /** Takes the user's reaction back; removing what is not there is ok (the current state). */
  async removeReaction(
    user: User,
    input: { roomId: string; messageId: string; emoji: string },
  ): Promise<Message> {
    await this.charge(user, 'reaction', 'reactions');
    return this.apply({
      roomId: input.roomId,
      messageId: input.messageId,
      next: (current) => removeReaction(current, { userId: user.id, emoji: input.emoji }),
    });
  }

  private async apply(request: ChangeRequest): Promise<Message> {
    const result = await this.backend.messageLog.change(request);
    if (result.status === 'not_found') throw new AppError('not_found', 'message not found');
    return result.message;
  }

  private charge(user: User, policy: 'messageChange' | 'reaction', what: string): Promise<void> {
    return enforceRate(
      this.backend.rateLimiter,
      `${policy}:${user.id}`,
      RATE_POLICIES[policy],
      what,
    );
  }
}
