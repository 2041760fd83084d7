import type { ErrorBody, ReplySnapshot, User } from '@chat/shared';
import { newClientId } from './client-id';
import {
  addLocal,
  findLocal,
  markFailed,
  markPending,
  pendingMessages,
  type LocalMessage,
} from './message-list';
import { emitSend, type ChatSocket } from './socket';
import type { TimelineState } from './timeline-state';

const NO_ANSWER: ErrorBody = { code: 'unavailable', message: 'The server did not answer' };

/**
 * The messages written here and not confirmed yet, kept as the pending local
 * messages of their room's timeline, and sent in order:
 *
 * - each room sends its pending messages one at a time, in the order they
 *   were written, and only while the room is joined; the ack (or the
 *   `message:new`, whichever comes first) replaces each;
 * - messages written while disconnected, or whose ack was cut off by a
 *   disconnect, stay pending and are sent again, with the same clientId, on
 *   the next `flush` of their room (after it is rejoined);
 * - a `rate_limited` refusal with `retryAfterMs` waits that long and tries
 *   once more before the message shows as failed; any other refusal, or no
 *   answer on a live connection, shows it failed at once. Retry sends it
 *   again with the same clientId (the server deduplicates).
 */
export class Outbox {
  private socket: ChatSocket | null = null;
  /** Bumped on every connect and disconnect: answers from an older connection are ignored. */
  private connection = 0;
  /** Rooms with a `message:send` waiting for its ack (one at a time per room, for order). */
  private readonly sending = new Set<string>();
  /** Rooms whose sending waits out a `rate_limited` refusal. */
  private readonly holdTimers = new Map<string, ReturnType<typeof setTimeout>>();
  /** clientIds already retried once by themselves after `rate_limited`. */
  private readonly autoRetried = new Set<string>();

  constructor(
    private readonly state: TimelineState,
    private readonly self: User,
  ) {}

  /** The socket is connected: sending waits for each room's `flush`. */
  connected(socket: ChatSocket): void {
    this.socket = socket;
    this.connection += 1;
  }

  /** The connection is gone: what was on its way stays pending for the next one. */
  disconnected(): void {
    this.connection += 1;
    this.sending.clear();
    for (const timer of this.holdTimers.values()) clearTimeout(timer);
    this.holdTimers.clear();
  }

  /** Stops using `socket` (nothing more is sent through it). */
  detach(socket: ChatSocket): void {
    this.disconnected();
    if (this.socket === socket) this.socket = null;
  }

  /**
   * Sends `text` (already validated) to the room, optimistically: it shows pending at once.
   * `replyTo` (Protocol v1.1): what it answers, quoted while pending; only its id is sent.
   */
  send(roomId: string, text: string, replyTo?: ReplySnapshot): void {
    const message: LocalMessage = {
      clientId: newClientId(),
      roomId,
      userId: this.self.id,
      username: this.self.username,
      text: text.trim(),
      createdAt: new Date().toISOString(),
      status: 'pending',
      ...(replyTo ? { replyTo } : {}),
    };
    this.state.update(roomId, (t) => ({ ...t, messages: addLocal(t.messages, message) }));
    this.flush(roomId);
  }

  /** Sends a failed message again, with the same clientId. Unknown clientIds change nothing. */
  retry(roomId: string, clientId: string): void {
    const timeline = this.state.get(roomId);
    if (!timeline || !findLocal(timeline.messages, clientId)) return;
    this.autoRetried.delete(clientId);
    this.state.update(roomId, (t) => ({ ...t, messages: markPending(t.messages, clientId) }));
    this.flush(roomId);
  }

  /**
   * Sends the room's oldest pending message, unless one is already on its way,
   * the room waits out a rate limit, or it is not joined. Each ack sends the
   * next, so messages reach the server, and so the room, in the order written.
   */
  flush(roomId: string): void {
    const socket = this.socket;
    const timeline = this.state.get(roomId);
    if (!socket?.connected || !timeline?.joined) return;
    if (this.sending.has(roomId) || this.holdTimers.has(roomId)) return;
    const next = pendingMessages(timeline.messages)[0];
    if (next) void this.transmit(socket, next);
  }

  private async transmit(socket: ChatSocket, message: LocalMessage): Promise<void> {
    const { roomId, clientId } = message;
    const connection = this.connection;
    this.sending.add(roomId);
    try {
      const { text, replyTo } = message;
      const ack = await emitSend(socket, {
        roomId,
        text,
        clientId,
        ...(replyTo ? { replyTo: replyTo.id } : {}),
      });
      if (connection !== this.connection) {
        // Answered across a reconnect: keep what it confirms; the rejoin resends the rest.
        if (ack.ok) this.state.receive([ack.message]);
        return;
      }
      if (ack.ok) {
        this.state.receive([ack.message]);
      } else if (
        ack.error.code === 'rate_limited' &&
        ack.error.retryAfterMs !== undefined &&
        !this.autoRetried.has(clientId)
      ) {
        // Nothing was stored: wait as asked, then the same clientId goes once more.
        this.autoRetried.add(clientId);
        this.hold(roomId, ack.error.retryAfterMs);
      } else {
        this.fail(roomId, clientId, ack.error);
      }
    } catch {
      // Cut off by a disconnect: stays pending and goes again after the rejoin.
      // No answer on a live connection: failed, and Retry resends the same clientId.
      if (connection === this.connection) this.fail(roomId, clientId, NO_ANSWER);
    } finally {
      if (connection === this.connection) {
        this.sending.delete(roomId);
        this.flush(roomId);
      }
    }
  }

  private fail(roomId: string, clientId: string, error: ErrorBody): void {
    this.state.update(roomId, (t) => ({ ...t, messages: markFailed(t.messages, clientId, error) }));
  }

  private hold(roomId: string, ms: number): void {
    this.holdTimers.set(
      roomId,
      setTimeout(
        () => {
          this.holdTimers.delete(roomId);
          this.flush(roomId);
        },
        Math.max(0, ms),
      ),
    );
  }
}
