import type { Message, Reaction } from '@chat/shared';

/*
 * Optimistic changes to messages (Protocol v1.1 edit, delete, reactions),
 * shown at once over the server's state, as pure functions.
 *
 * The held messages stay exactly the server's state, applied in the room's
 * order (lib/message-updates.ts); what this user changed and the server has
 * not shown back yet is an overlay on top. So the ack of one's own change and
 * its `message:updated` broadcast may arrive in either order without flicker:
 *
 * - broadcast first: the held state already shows the change; the overlay
 *   repeats it (applying a change twice changes nothing) and is dropped as
 *   soon as the held state shows it;
 * - ack first: the change is marked acked and stays shown by the overlay
 *   until the broadcast (or a rejoin's `updated`) brings it into the held state;
 * - a refusal or no answer drops the change: the held state shows again (the
 *   rollback) and the caller shows why.
 *
 * Changes to one target (a message's text, its deletion, one emoji of one
 * user) are dropped oldest first, and only while the held state shows them:
 * a quick add-then-remove of one reaction shows "removed" throughout.
 */

export type MessageChange =
  | { kind: 'edit'; text: string }
  | { kind: 'delete' }
  | { kind: 'reaction'; emoji: string; add: boolean };

export interface PendingChange {
  /** Unique per change, to find it again when its ack comes. */
  key: number;
  roomId: string;
  messageId: string;
  /** Who makes it (reactions are per user). */
  userId: string;
  change: MessageChange;
  /** The server accepted it; it waits only for the held state to show it. */
  acked: boolean;
}

export const NO_CHANGES: readonly PendingChange[] = Object.freeze([]);
const NO_REACTIONS: readonly Reaction[] = Object.freeze([]);

/** `message` with `change` applied (the same object when it shows it already). */
export function applyChange(message: Message, change: MessageChange, userId: string): Message {
  if (message.deleted) return message;
  switch (change.kind) {
    case 'edit':
      return message.text === change.text ? message : { ...message, text: change.text };
    case 'delete': {
      const { reactions: _r, replyTo: _q, mentions: _m, editedAt: _e, ...rest } = message;
      return { ...rest, text: '', deleted: true };
    }
    case 'reaction': {
      const before = message.reactions ?? NO_REACTIONS;
      const reactions = toggleReaction(before, change.emoji, userId, change.add);
      if (reactions === before) return message;
      if (reactions.length === 0) {
        const { reactions: _r, ...rest } = message;
        return rest;
      }
      return { ...message, reactions: [...reactions] };
    }
  }
}

/** The held state shows `change` already. */
export function shows(message: Message, change: MessageChange, userId: string): boolean {
  switch (change.kind) {
    case 'edit':
      return message.deleted === true || message.text === change.text;
    case 'delete':
      return message.deleted === true;
    case 'reaction':
      return message.deleted === true || hasReacted(message, change.emoji, userId) === change.add;
  }
}

export function hasReacted(message: Message, emoji: string, userId: string): boolean {
  return message.reactions?.some((r) => r.emoji === emoji && r.userIds.includes(userId)) ?? false;
}

/**
 * The messages as shown: each with the pending changes to it applied in the
 * order they were made. The same array back when no change applies.
 */
export function withPendingChanges(
  messages: readonly Message[],
  changes: readonly PendingChange[],
): readonly Message[] {
  if (changes.length === 0) return messages;
  const byMessage = groupByMessage(changes);
  let out: Message[] | null = null;
  for (let i = 0; i < messages.length; i += 1) {
    const message = messages[i] as Message;
    const mine = byMessage.get(message.id);
    if (!mine) continue;
    let next = message;
    for (const pending of mine) next = applyChange(next, pending.change, pending.userId);
    if (next === message) continue;
    out ??= messages.slice();
    out[i] = next;
  }
  return out ?? messages;
}

/**
 * Drops the changes the held messages show, oldest first per target (see
 * the top). `held` finds a held message by id. The same array when none goes.
 */
export function pruneShown(
  changes: readonly PendingChange[],
  held: (messageId: string) => Message | undefined,
): readonly PendingChange[] {
  if (changes.length === 0) return changes;
  const blocked = new Set<string>();
  const kept = changes.filter((pending) => {
    const target = targetOf(pending);
    if (blocked.has(target)) return true;
    const message = held(pending.messageId);
    if (message && shows(message, pending.change, pending.userId)) return false;
    blocked.add(target);
    return true;
  });
  return kept.length === changes.length ? changes : kept;
}

/** What a change sets: later changes to the same target wait behind it. */
export function targetOf(pending: PendingChange): string {
  const { change, messageId, userId } = pending;
  return change.kind === 'reaction'
    ? `${messageId}:reaction:${userId}:${change.emoji}`
    : `${messageId}:${change.kind}`;
}

/* ----- Internals ----- */

function toggleReaction(
  reactions: readonly Reaction[],
  emoji: string,
  userId: string,
  add: boolean,
): readonly Reaction[] {
  const at = reactions.findIndex((r) => r.emoji === emoji);
  const current = at < 0 ? undefined : (reactions[at] as Reaction);
  const present = current?.userIds.includes(userId) ?? false;
  if (present === add) return reactions;
  if (add) {
    if (!current) return [...reactions, { emoji, userIds: [userId] }];
    const next = reactions.slice();
    next[at] = { emoji, userIds: [...current.userIds, userId] };
    return next;
  }
  const userIds = (current as Reaction).userIds.filter((id) => id !== userId);
  const next = reactions.slice();
  if (userIds.length === 0) next.splice(at, 1);
  else next[at] = { emoji, userIds };
  return next;
}

function groupByMessage(changes: readonly PendingChange[]): Map<string, PendingChange[]> {
  const byMessage = new Map<string, PendingChange[]>();
  for (const pending of changes) {
    const list = byMessage.get(pending.messageId);
    if (list) list.push(pending);
    else byMessage.set(pending.messageId, [pending]);
  }
  return byMessage;
}
