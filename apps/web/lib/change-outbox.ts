import type { Ack, ErrorBody, User } from '@chat/shared';
import {
  hasReacted,
  withPendingChanges,
  type MessageChange,
  type PendingChange,
} from './message-changes';
import { emitDelete, emitEdit, emitReaction, type ChatSocket } from './socket';
import {
  heldMessage,
  withChangesPruned,
  type Timeline,
  type TimelineState,
} from './timeline-state';

/** Shown when no ack came (timeout, or the connection dropped first). */
export const NO_ANSWER = 'The server did not answer, so the change may not have been saved.';
export const OFFLINE = 'You are offline: try again once the connection is back.';

/**
 * This user's edits, deletes and reactions, sent optimistically (Protocol
 * v1.1): each shows at once as a pending change of its room's timeline (see
 * lib/message-changes.ts) and goes to the server at once; the ack marks it
 * acked, and the server's `message:updated` (or a rejoin's `updated`) takes
 * its place without flicker, in whichever order they come. A refusal, or no
 * answer within ACK_TIMEOUT_MS, rolls it back and sets the timeline's
 * `changeError` to a sentence saying why. Nothing is sent, and the error
 * shows at once, while the room is not joined on a live connection: changes
 * are not queued across a reconnect. Never throws.
 */
export class ChangeOutbox {
  private socket: ChatSocket | null = null;
  private nextKey = 1;

  constructor(
    private readonly state: TimelineState,
    private readonly self: User,
  ) {}

  connected(socket: ChatSocket): void {
    this.socket = socket;
  }

  detach(socket: ChatSocket): void {
    if (this.socket === socket) this.socket = null;
  }

  /** Replaces the text of one's own message (already validated and trimmed). */
  edit(roomId: string, messageId: string, text: string): void {
    const shown = this.shownMessage(roomId, messageId);
    if (!shown || shown.deleted || shown.text === text) return;
    this.send(roomId, messageId, { kind: 'edit', text }, (socket) =>
      emitEdit(socket, { roomId, messageId, text }),
    );
  }

  /** Deletes a message (one's own, or any in a room one created). */
  remove(roomId: string, messageId: string): void {
    this.send(roomId, messageId, { kind: 'delete' }, (socket) =>
      emitDelete(socket, { roomId, messageId }),
    );
  }

  /** Toggles one's own reaction `emoji` on a message, from what is shown now. */
  toggleReaction(roomId: string, messageId: string, emoji: string): void {
    const shown = this.shownMessage(roomId, messageId);
    if (!shown || shown.deleted) return;
    this.react(roomId, messageId, emoji, !hasReacted(shown, emoji, this.self.id));
  }

  /** Adds (`add`) or takes back one's own reaction; nothing when it shows so already. */
  react(roomId: string, messageId: string, emoji: string, add: boolean): void {
    const shown = this.shownMessage(roomId, messageId);
    if (!shown || shown.deleted || hasReacted(shown, emoji, this.self.id) === add) return;
    this.send(roomId, messageId, { kind: 'reaction', emoji, add }, (socket) =>
      emitReaction(socket, { roomId, messageId, emoji }, add),
    );
  }

  /** The message as the user sees it: held state with pending changes applied. */
  private shownMessage(roomId: string, messageId: string) {
    const timeline = this.state.get(roomId);
    const held = timeline && heldMessage(timeline, messageId);
    if (!timeline || !held) return undefined;
    const mine = timeline.changes.filter((c) => c.messageId === messageId);
    return withPendingChanges([held], mine)[0];
  }

  private send(
    roomId: string,
    messageId: string,
    change: MessageChange,
    emit: (socket: ChatSocket) => Promise<Ack<object>>,
  ): void {
    const socket = this.socket;
    if (!socket?.connected || !this.state.get(roomId)?.joined) {
      this.state.update(roomId, (t) => ({ ...t, changeError: OFFLINE }));
      return;
    }
    const pending: PendingChange = {
      key: this.nextKey++,
      roomId,
      messageId,
      userId: this.self.id,
      change,
      acked: false,
    };
    this.state.update(roomId, (t) => ({
      ...t,
      changes: [...t.changes, pending],
      changeError: null,
    }));
    emit(socket).then(
      (ack) => (ack.ok ? this.acked(pending) : this.rollBack(pending, refusal(change, ack.error))),
      () => this.rollBack(pending, NO_ANSWER),
    );
  }

  private acked(pending: PendingChange): void {
    this.state.update(pending.roomId, (t) =>
      withChangesPruned({
        ...t,
        changes: t.changes.map((c) => (c.key === pending.key ? { ...c, acked: true } : c)),
      }),
    );
  }

  private rollBack(pending: PendingChange, error: string): void {
    this.state.update(pending.roomId, (t): Timeline => {
      if (!t.changes.some((c) => c.key === pending.key)) return t;
      return { ...t, changes: t.changes.filter((c) => c.key !== pending.key), changeError: error };
    });
  }
}

/** "Could not edit the message: only the author may edit it." (the server's reason after the colon) */
function refusal(change: MessageChange, error: ErrorBody): string {
  const what =
    change.kind === 'edit'
      ? 'edit the message'
      : change.kind === 'delete'
        ? 'delete the message'
        : change.add
          ? `add ${change.emoji}`
          : `remove ${change.emoji}`;
  const reason = error.message;
  return `Could not ${what}: ${reason}${/[.!?]$/.test(reason) ? '' : '.'}`;
}
