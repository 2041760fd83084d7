import { ERROR_CODES, type Ack, type JoinRoomPayload, type JoinRoomResult } from '@chat/shared';
import { newestId } from './message-list';
import { emitJoin, type ChatSocket } from './socket';
import { joinedWith, left, type TimelineState } from './timeline-state';

const JOIN_RETRY_MS = 3_000;
/**
 * Rooms joined only to hear about them (unread badges). The server allows
 * MAX_ROOMS_PER_SOCKET (200 by default) joined rooms per socket; opened rooms
 * come on top of these.
 */
export const MAX_WATCHED_ROOMS = 100;
/** Joins finishing within this time of each other are reported once. */
const WATCH_SETTLE_MS = 50;

/**
 * Which rooms the socket is in, kept so across reconnects:
 *
 * - an opened room is joined with `after` = the newest id held, so its
 *   `missed` messages fill the gap of a reconnect; then `onJoined` runs for it
 *   (history, pending messages);
 * - a watched room (listed, not opened) is joined for its live events only
 *   (unread counts, typing); nothing is kept for it;
 * - on every (re)connect each room is joined again. A join that gets no
 *   answer, or a refusal that can be retried, is tried again after 3 s; the
 *   rooms-per-socket cap and final refusals are not (an opened room shows why).
 */
export class RoomSubscriptions {
  private socket: ChatSocket | null = null;
  /** Bumped on every connect and disconnect: answers from an older connection are ignored. */
  private connection = 0;
  private readonly opened = new Set<string>();
  private readonly watched = new Set<string>();
  private readonly joining = new Set<string>();
  private readonly retryTimers = new Map<string, ReturnType<typeof setTimeout>>();
  private readonly watchListeners = new Set<() => void>();
  private watchTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly state: TimelineState,
    /** Runs after each join of an opened room, once its `missed` messages are merged. */
    private readonly onJoined: (roomId: string) => Promise<void>,
  ) {}

  /** The socket is connected: every opened, then every watched room is joined. */
  connected(socket: ChatSocket): void {
    this.socket = socket;
    this.connection += 1;
    for (const roomId of this.opened) void this.join(roomId);
    for (const roomId of this.watched) if (!this.opened.has(roomId)) void this.join(roomId);
  }

  /** The connection is gone: no room is joined until the next connect. */
  disconnected(): void {
    this.connection += 1;
    this.joining.clear();
    for (const timer of this.retryTimers.values()) clearTimeout(timer);
    this.retryTimers.clear();
    this.state.updateAll(left);
  }

  /** Stops using `socket`: no join is retried and no watch is reported through it. */
  detach(socket: ChatSocket): void {
    clearTimeout(this.watchTimer);
    this.disconnected();
    if (this.socket === socket) this.socket = null;
  }

  /** Joins an opened room, once; later calls change nothing. */
  open(roomId: string): void {
    if (this.opened.has(roomId)) return;
    this.opened.add(roomId);
    void this.join(roomId);
  }

  /**
   * The room's catch-up from `after`: `room:join` again on the joined room,
   * whose ack carries the messages after `after` (capped, as any rejoin). For
   * a window of history that reached the server's newest page: what it
   * missed while it was loading. Resolves with the ack, or with null when it
   * cannot be asked now (not connected, not joined, a join of the room on its
   * way, no answer, or the connection changed meanwhile); nothing is merged
   * here, the caller does.
   */
  async catchUp(roomId: string, after: string): Promise<Ack<JoinRoomResult> | null> {
    const socket = this.socket;
    const joined = this.state.get(roomId)?.joined === true;
    if (!socket?.connected || !this.opened.has(roomId) || !joined || this.joining.has(roomId))
      return null;
    const connection = this.connection;
    this.joining.add(roomId);
    try {
      const ack = await emitJoin(socket, { roomId, after });
      return connection === this.connection ? ack : null;
    } catch {
      return null;
    } finally {
      if (connection === this.connection) this.joining.delete(roomId);
    }
  }

  /**
   * The user left the room or was removed from it (Protocol v1.1): it is not
   * joined again on reconnect, and a join on its way is ignored. Watching it
   * again (it is listed again, e.g. a hidden DM with a new message) joins it.
   */
  forget(roomId: string): void {
    this.opened.delete(roomId);
    this.watched.delete(roomId);
    this.clearRetry(roomId);
  }

  /** Joins the listed rooms for their live events (at most MAX_WATCHED_ROOMS). */
  watch(roomIds: readonly string[]): void {
    for (const roomId of roomIds) {
      if (this.watched.has(roomId)) continue;
      if (this.watched.size >= MAX_WATCHED_ROOMS) break;
      this.watched.add(roomId);
      if (!this.opened.has(roomId)) void this.join(roomId);
    }
  }

  /**
   * Calls `listener` once watched rooms have been joined (debounced): from
   * then on their live events arrive. Returns the unsubscribe function.
   */
  onWatchJoined(listener: () => void): () => void {
    this.watchListeners.add(listener);
    return () => this.watchListeners.delete(listener);
  }

  private async join(roomId: string): Promise<void> {
    const socket = this.socket;
    if (!socket?.connected || this.joining.has(roomId)) return;
    const connection = this.connection;
    this.joining.add(roomId);
    this.clearRetry(roomId);

    const held = this.opened.has(roomId) ? this.state.get(roomId)?.messages : undefined;
    const after = held && newestId(held);
    const payload: JoinRoomPayload = after ? { roomId, after } : { roomId };
    let ack;
    try {
      ack = await emitJoin(socket, payload);
    } catch {
      // No answer. A disconnect rejoins by itself; a timeout on a live connection retries.
      if (connection === this.connection) {
        this.joining.delete(roomId);
        this.scheduleJoin(roomId);
      }
      return;
    }
    if (connection !== this.connection) return;
    this.joining.delete(roomId);

    if (!ack.ok) {
      const { error } = ack;
      if (this.opened.has(roomId)) {
        this.state.update(roomId, (t) => ({ ...t, joined: false, error: error.message }));
      }
      // A rate limit without retryAfterMs is the rooms-per-socket cap: waiting does not help.
      const capped = error.code === 'rate_limited' && error.retryAfterMs === undefined;
      if (ERROR_CODES[error.code]?.retryable && !capped) this.scheduleJoin(roomId);
      return;
    }
    // Watched only: the socket now hears the room; nothing is kept for it.
    if (!this.opened.has(roomId)) {
      this.watchJoined();
      return;
    }
    this.state.update(roomId, (t) => joinedWith(t, ack, after));
    await this.onJoined(roomId);
  }

  private watchJoined(): void {
    clearTimeout(this.watchTimer);
    this.watchTimer = setTimeout(() => {
      this.watchTimer = undefined;
      for (const listener of this.watchListeners) listener();
    }, WATCH_SETTLE_MS);
  }

  private scheduleJoin(roomId: string): void {
    this.clearRetry(roomId);
    this.retryTimers.set(
      roomId,
      setTimeout(() => {
        this.retryTimers.delete(roomId);
        void this.join(roomId);
      }, JOIN_RETRY_MS),
    );
  }

  private clearRetry(roomId: string): void {
    const timer = this.retryTimers.get(roomId);
    if (timer !== undefined) clearTimeout(timer);
    this.retryTimers.delete(roomId);
  }
}
