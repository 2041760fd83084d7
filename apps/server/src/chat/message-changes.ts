import { LIMITS, type Message, type ReplySnapshot } from '@chat/shared';
import { AppError } from './app-error';

/*
 * The protocol v1.1 rules of changing a message (PROTOCOL.md's table), free of I/O: each
 * function takes the message's current state and returns its next state, 'unchanged'
 * (an idempotent no-op), or throws the protocol's error. Both MessageLog twins apply them
 * inside their atomic step, so the rules are written once.
 */

function requireLive(current: Message): void {
  if (current.deleted) throw new AppError('not_found', 'this message was deleted');
}

/** The author replaces the text; `mentions` re-computed by the caller; `editedAt` is now. */
export function editMessage(
  current: Message,
  edit: { userId: string; text: string; mentions: string[]; at: string },
): Message {
  requireLive(current);
  if (current.userId !== edit.userId)
    throw new AppError('forbidden', 'only the author may edit a message');
  const next: Message = { ...current, text: edit.text, editedAt: edit.at };
  if (edit.mentions.length > 0) next.mentions = edit.mentions;
  else delete next.mentions;
  return next;
}

/** The author, or the room's creator, deletes: a tombstone with no text and nothing else shown. */
export function deleteMessage(
  current: Message,
  actor: { userId: string; isRoomCreator: boolean },
): Message {
  requireLive(current);
  if (current.userId !== actor.userId && !actor.isRoomCreator)
    throw new AppError('forbidden', "only the author or the room's creator may delete a message");
  return tombstone(current);
}

/** What stays of a deleted message: who sent it, when, and that it was deleted. */
export function tombstone(message: Message): Message {
  return {
    id: message.id,
    roomId: message.roomId,
    userId: message.userId,
    username: message.username,
    text: '',
    clientId: message.clientId,
    createdAt: message.createdAt,
    deleted: true,
  };
}

/** Adds the user's reaction; adding it twice counts once; a new emoji beyond LIMITS.reactionsMax is refused. */
export function addReaction(
  current: Message,
  reaction: { userId: string; emoji: string },
): Message | 'unchanged' {
  requireLive(current);
  const reactions = current.reactions ?? [];
  const existing = reactions.find((chip) => chip.emoji === reaction.emoji);
  if (existing?.userIds.includes(reaction.userId)) return 'unchanged';
  if (!existing && reactions.length >= LIMITS.reactionsMax)
    throw new AppError(
      'invalid_input',
      `a message has at most ${LIMITS.reactionsMax} different reactions`,
    );
  const next = existing
    ? reactions.map((chip) =>
        chip === existing
          ? { emoji: chip.emoji, userIds: [...chip.userIds, reaction.userId] }
          : chip,
      )
    : [...reactions, { emoji: reaction.emoji, userIds: [reaction.userId] }];
  return { ...current, reactions: next };
}

/** Takes the user's own reaction back; removing what is not there is a no-op. */
export function removeReaction(
  current: Message,
  reaction: { userId: string; emoji: string },
): Message | 'unchanged' {
  requireLive(current);
  const reactions = current.reactions ?? [];
  const existing = reactions.find((chip) => chip.emoji === reaction.emoji);
  if (!existing?.userIds.includes(reaction.userId)) return 'unchanged';
  const next = reactions
    .map((chip) =>
      chip === existing
        ? { emoji: chip.emoji, userIds: chip.userIds.filter((id) => id !== reaction.userId) }
        : chip,
    )
    .filter((chip) => chip.userIds.length > 0);
  const result: Message = { ...current, reactions: next };
  if (next.length === 0) delete result.reactions;
  return result;
}

/**
 * What a reply shows of the message it answers, as that message is now: its text cut to
 * LIMITS.replyTextMax code points; a deleted one as `text: ""` with `deleted: true`.
 */
export function replySnapshot(original: Message): ReplySnapshot {
  const snapshot: ReplySnapshot = {
    id: original.id,
    userId: original.userId,
    username: original.username,
    text: original.deleted ? '' : cutToCodePoints(original.text, LIMITS.replyTextMax),
  };
  if (original.deleted) snapshot.deleted = true;
  return snapshot;
}

/** The first `max` code points of `text` (never half of a surrogate pair). */
export function cutToCodePoints(text: string, max: number): string {
  if (text.length <= max) return text;
  let end = 0;
  let count = 0;
  while (end < text.length && count < max) {
    const code = text.codePointAt(end)!;
    end += code > 0xffff ? 2 : 1;
    count += 1;
  }
  return text.slice(0, end);
}
