import { LIMITS, type Message, type ReplySnapshot } from '@chat/shared';

/**
 * What a reply shows of the message it answers, as that message is now: its
 * text cut to LIMITS.replyTextMax code points (never inside a surrogate
 * pair), or `text: ""` and `deleted` once it is deleted. The same rule as the
 * server's, so a quote that follows an edit here matches what history will say.
 */
export function replySnapshot(
  message: Pick<Message, 'id' | 'userId' | 'username' | 'text' | 'deleted'>,
): ReplySnapshot {
  const base = { id: message.id, userId: message.userId, username: message.username };
  if (message.deleted) return { ...base, text: '', deleted: true };
  return { ...base, text: cutText(message.text, LIMITS.replyTextMax) };
}

/** `text` cut to at most `max` code points. */
export function cutText(text: string, max: number): string {
  if (text.length <= max) return text;
  const points = [...text];
  return points.length <= max ? text : points.slice(0, max).join('');
}

/** True when two snapshots show the same thing (no re-render needed). */
export function sameSnapshot(a: ReplySnapshot, b: ReplySnapshot): boolean {
  return (
    a.id === b.id &&
    a.userId === b.userId &&
    a.username === b.username &&
    a.text === b.text &&
    a.deleted === b.deleted
  );
}
