import type { Message } from '@chat/shared';
import { indexOfId, type MessageList } from './message-list';
import { replySnapshot, sameSnapshot } from './reply-snapshot';

/*
 * Protocol v1.1 changes to messages already held: `message:updated` (the
 * whole current state of one message) and `updated` in a `room:join` ack.
 * Pure functions; the same list back when nothing changes.
 *
 * - A change replaces the held message with the same id, in place: the
 *   room's order never moves. A change for a message not held is ignored
 *   (it shows in its current state whenever it is loaded).
 * - Changes are applied in arrival order, which the server guarantees is the
 *   room's order. Two checks keep a late, older state from undoing a newer
 *   one where the state says which is newer: a deleted message never comes
 *   back, and an edit older than the held one (`editedAt`) is dropped.
 * - The quotes of held replies follow what they answer: an edit shows in
 *   them (cut to LIMITS.replyTextMax), a delete turns them into "deleted".
 */

/** Replaces held messages by id with their current state; replies' quotes follow. */
export function applyUpdates(list: MessageList, updates: readonly Message[]): MessageList {
  if (updates.length === 0 || list.sent.length === 0) return list;
  let sent: Message[] | null = null;
  /** The updates that are not older than what is held (held or not): the quotes follow these. */
  const accepted: Message[] = [];
  for (const update of updates) {
    const current = sent ?? list.sent;
    const at = indexOfId(current, update.id);
    const held = at < 0 ? undefined : (current[at] as Message);
    if (held && isStale(held, update)) continue;
    accepted.push(update);
    if (!held || held === update) continue;
    sent ??= list.sent.slice();
    sent[at] = update;
  }
  const quoted = followQuotes(sent ?? list.sent, accepted);
  if (quoted) sent = quoted;
  return sent ? { sent, local: list.local } : list;
}

/** An older state than the one held, as far as the state itself tells. */
export function isStale(held: Message, update: Message): boolean {
  if (held.deleted && !update.deleted) return true;
  if (held.editedAt && !update.deleted) {
    if (!update.editedAt) return true;
    return Date.parse(update.editedAt) < Date.parse(held.editedAt);
  }
  return false;
}

/**
 * The quotes of held replies to any of `updates` (held themselves or not),
 * refreshed. Returns null when no quote changed; a quote that says "deleted"
 * stays so.
 */
function followQuotes(sent: readonly Message[], updates: readonly Message[]): Message[] | null {
  const byId = new Map(updates.map((m) => [m.id, m]));
  let out: Message[] | null = null;
  for (let i = 0; i < sent.length; i += 1) {
    const message = sent[i] as Message;
    const quoted = message.replyTo && byId.get(message.replyTo.id);
    if (!quoted || !message.replyTo || (message.replyTo.deleted && !quoted.deleted)) continue;
    const next = replySnapshot(quoted);
    if (sameSnapshot(message.replyTo, next)) continue;
    out ??= sent.slice();
    out[i] = { ...message, replyTo: next };
  }
  return out;
}
