import {
  ERROR_CODES,
  LIMITS,
  type ErrorBody,
  type JoinRoomPayload,
  type Message,
  type User,
} from '@chat/shared';
import { errorMessage, type ApiClient } from './api';
import { newClientId } from './client-id';
import {
  addLocal,
  EMPTY_MESSAGE_LIST,
  findLocal,
  markFailed,
  markPending,
  mergeMessages,
  newestId,
  oldestId,
  pendingMessages,
  type LocalMessage,
  type MessageList,
} from './message-list';
import { emitJoin, emitSend, type ChatSocket } from './socket';

/** The state of one opened room. */
export interface Timeline {
  roomId: string;
  messages: MessageList;
  /** The socket is in the room and gets its live messages. */
  joined: boolean;
  /** The latest history page has been loaded. */
  historyLoaded: boolean;
  /** Older messages exist on the server. */
  hasMore: boolean;
  loadingOlder: boolean;
  /** Why the room cannot be shown or joined right now. */
  error: string | null;
}

export type Timelines = Readonly<Record<string, Timeline>>;

const JOIN_RETRY_MS = 3_000;
/**
 * Rooms joined only to hear about them (unread badges). The server allows
 * MAX_ROOMS_PER_SOCKET (200 by default) joined rooms per socket; opened rooms
 * come on top of these.
 */
export const MAX_WATCHED_ROOMS = 100;
/** Joins finishing within this time of each other are reported once. */
const WATCH_SETTLE_MS = 50;
const NO_ANSWER: ErrorBody = { code: 'unavailable', message: 'The server did not answer' };

/**
 * Every opened room's messages, and the socket work that keeps them whole:
 *
 * - opening a room joins it, then loads its latest history page (join first,
 *   so nothing sent in between is lost; overlap is deduplicated);
 * - on every (re)connect, each opened room is joined again with `after` = the
 *   newest id seen, and `missed` is merged;
 * - sending adds a pending local message; each room sends its pending
 *   messages one at a time, in the order they were written, and the ack (or
 *   the `message:new`, whichever comes first) replaces each. Messages written
 *   while disconnected, or whose ack was cut off by a disconnect, stay pending
 *   and are sent again, with the same clientId, once their room is rejoined.
 *   A `rate_limited` refusal waits `retryAfterMs` and tries once more before
 *   the message shows as failed (Retry reuses the clientId);
 * - rooms that are only watched (listed, not opened) are joined too, for
 *   their live events (unread counts, typing), without history.
 *
 * React reads it with useSyncExternalStore (subscribe / getSnapshot).
 */
export class TimelineStore {
  private state: Timelines = {};
  private readonly listeners = new Set<() => void>();
  private socket: ChatSocket | null = null;
  /** Bumped on every connect and detach: answers from an older connection are ignored. */
  private connection = 0;
  private readonly opened = new Set<string>();
  private readonly watched = new Set<string>();
  private readonly joining = new Set<string>();
  /** Rooms with a `message:send` waiting for its ack (one at a time per room, for order). */
  private readonly sending = new Set<string>();
  private readonly retryTimers = new Map<string, ReturnType<typeof setTimeout>>();
  /** Rooms whose sending waits out a `rate_limited` refusal. */
  private readonly holdTimers = new Map<string, ReturnType<typeof setTimeout>>();
  /** clientIds already retried once by themselves after `rate_limited`. */
  private readonly autoRetried = new Set<string>();
  private readonly watchListeners = new Set<() => void>();
  private watchTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly api: ApiClient,
    private readonly self: User,
  ) {}

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getSnapshot = (): Timelines => this.state;

  /** Starts using `socket`. Returns the function that stops. */
  attach(socket: ChatSocket): () => void {
    this.socket = socket;
    const onConnect = () => {
      this.connection += 1;
      for (const roomId of this.opened) void this.join(roomId);
      for (const roomId of this.watched) if (!this.opened.has(roomId)) void this.join(roomId);
    };
    const onDisconnect = () => {
      this.connection += 1;
      this.joining.clear();
      this.sending.clear();
      this.clearRetries();
      this.updateAll((timeline) => (timeline.joined ? { ...timeline, joined: false } : timeline));
    };
    const onMessage = (message: Message) => this.receive([message]);
    socket.on('connect', onConnect);
    socket.on('disconnect', onDisconnect);
    socket.on('message:new', onMessage);
    if (socket.connected) onConnect();
    return () => {
      socket.off('connect', onConnect);
      socket.off('disconnect', onDisconnect);
      socket.off('message:new', onMessage);
      clearTimeout(this.watchTimer);
      onDisconnect();
      if (this.socket === socket) this.socket = null;
    };
  }

  /** Shows a room: joins it and loads its history, once; later calls change nothing. */
  open(roomId: string): void {
    if (this.opened.has(roomId)) return;
    this.opened.add(roomId);
    this.update(roomId, (timeline) => timeline);
    void this.join(roomId);
  }

  /**
   * Joins the listed rooms for their live events (at most MAX_WATCHED_ROOMS),
   * without loading history. Rooms are never deleted, so the set only grows.
   */
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
   * then on their live events arrive, so counts fetched now are complete.
   * Returns the unsubscribe function.
   */
  onWatchJoined(listener: () => void): () => void {
    this.watchListeners.add(listener);
    return () => this.watchListeners.delete(listener);
  }

  /** Loads the page of history before the oldest message held. */
  async loadOlder(roomId: string): Promise<void> {
    const timeline = this.state[roomId];
    if (!timeline || timeline.loadingOlder) return;
    const before = oldestId(timeline.messages);
    if (!timeline.historyLoaded || !before) return this.loadLatest(roomId);
    if (!timeline.hasMore) return;
    this.update(roomId, (t) => ({ ...t, loadingOlder: true }));
    try {
      const page = await this.api.history(roomId, { before, limit: LIMITS.historyDefault });
      this.update(roomId, (t) => ({
        ...t,
        messages: mergeMessages(t.messages, page.messages),
        hasMore: page.hasMore,
        loadingOlder: false,
        error: null,
      }));
    } catch (error) {
      this.update(roomId, (t) => ({ ...t, loadingOlder: false, error: errorMessage(error) }));
    }
  }

  /** Sends `text` (already validated) to the room, optimistically. */
  send(roomId: string, text: string): void {
    const message: LocalMessage = {
      clientId: newClientId(),
      roomId,
      userId: this.self.id,
      username: this.self.username,
      text: text.trim(),
      createdAt: new Date().toISOString(),
      status: 'pending',
    };
    this.update(roomId, (t) => ({ ...t, messages: addLocal(t.messages, message) }));
    this.pump(roomId);
  }

  /** Sends a failed message again, with the same clientId (the server deduplicates). */
  retry(roomId: string, clientId: string): void {
    const message = this.state[roomId] && findLocal(this.state[roomId].messages, clientId);
    if (!message) return;
    this.autoRetried.delete(clientId);
    this.update(roomId, (t) => ({ ...t, messages: markPending(t.messages, clientId) }));
    this.pump(roomId);
  }

  /* ----- Socket work ----- */

  private async join(roomId: string): Promise<void> {
    const socket = this.socket;
    if (!socket?.connected || this.joining.has(roomId)) return;
    const connection = this.connection;
    this.joining.add(roomId);
    this.clearRetry(roomId);

    const after = this.opened.has(roomId) ? newestId(this.timeline(roomId).messages) : undefined;
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
        this.update(roomId, (t) => ({ ...t, joined: false, error: error.message }));
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
    this.update(roomId, (t) => ({
      ...t,
      joined: true,
      error: null,
      messages: mergeMessages(t.messages, ack.missed),
    }));
    if (!this.state[roomId]?.historyLoaded) await this.loadLatest(roomId);
    this.flushPending(roomId);
  }

  private async loadLatest(roomId: string): Promise<void> {
    try {
      const page = await this.api.history(roomId, { limit: LIMITS.historyDefault });
      this.update(roomId, (t) => ({
        ...t,
        messages: mergeMessages(t.messages, page.messages),
        historyLoaded: true,
        // Once older pages were loaded, the oldest page decides whether more exist.
        hasMore: t.historyLoaded ? t.hasMore : page.hasMore,
        error: null,
      }));
    } catch (error) {
      this.update(roomId, (t) => ({ ...t, error: errorMessage(error) }));
    }
  }

  private receive(messages: readonly Message[]): void {
    for (const message of messages) {
      if (!this.state[message.roomId]) continue;
      this.update(message.roomId, (t) => ({
        ...t,
        messages: mergeMessages(t.messages, [message]),
      }));
    }
  }

  private flushPending(roomId: string): void {
    this.pump(roomId);
  }

  /**
   * Sends the room's oldest pending message, unless one is already on its way
   * or the room waits out a rate limit. Each ack sends the next, so messages
   * reach the server, and so the room, in the order they were written.
   */
  private pump(roomId: string): void {
    const socket = this.socket;
    const timeline = this.state[roomId];
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
      const ack = await emitSend(socket, { roomId, text: message.text, clientId });
      if (connection !== this.connection) {
        // Answered across a reconnect: keep what it confirms; the rejoin resends the rest.
        if (ack.ok) this.receive([ack.message]);
        return;
      }
      if (ack.ok) {
        this.receive([ack.message]);
      } else if (
        ack.error.code === 'rate_limited' &&
        ack.error.retryAfterMs !== undefined &&
        !this.autoRetried.has(clientId)
      ) {
        // Nothing was stored: wait as asked, then the same clientId goes once more.
        this.autoRetried.add(clientId);
        this.hold(roomId, ack.error.retryAfterMs);
      } else {
        const error = ack.error;
        this.update(roomId, (t) => ({ ...t, messages: markFailed(t.messages, clientId, error) }));
      }
    } catch {
      // Cut off by a disconnect: stays pending and goes again after the rejoin.
      // No answer on a live connection: failed, and Retry resends the same clientId.
      if (connection === this.connection) {
        this.update(roomId, (t) => ({
          ...t,
          messages: markFailed(t.messages, clientId, NO_ANSWER),
        }));
      }
    } finally {
      if (connection === this.connection) {
        this.sending.delete(roomId);
        this.pump(roomId);
      }
    }
  }

  private watchJoined(): void {
    clearTimeout(this.watchTimer);
    this.watchTimer = setTimeout(() => {
      this.watchTimer = undefined;
      for (const listener of this.watchListeners) listener();
    }, WATCH_SETTLE_MS);
  }

  private hold(roomId: string, ms: number): void {
    this.holdTimers.set(
      roomId,
      setTimeout(
        () => {
          this.holdTimers.delete(roomId);
          this.pump(roomId);
        },
        Math.max(0, ms),
      ),
    );
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

  private clearRetries(): void {
    for (const timer of this.retryTimers.values()) clearTimeout(timer);
    this.retryTimers.clear();
    for (const timer of this.holdTimers.values()) clearTimeout(timer);
    this.holdTimers.clear();
  }

  /* ----- State ----- */

  private timeline(roomId: string): Timeline {
    return this.state[roomId] ?? emptyTimeline(roomId);
  }

  private update(roomId: string, change: (timeline: Timeline) => Timeline): void {
    const current = this.state[roomId] ?? emptyTimeline(roomId);
    const next = change(current);
    if (next === this.state[roomId]) return;
    this.state = { ...this.state, [roomId]: next };
    this.emit();
  }

  private updateAll(change: (timeline: Timeline) => Timeline): void {
    let changed = false;
    const next: Record<string, Timeline> = {};
    for (const [roomId, timeline] of Object.entries(this.state)) {
      next[roomId] = change(timeline);
      if (next[roomId] !== timeline) changed = true;
    }
    if (!changed) return;
    this.state = next;
    this.emit();
  }

  private emit(): void {
    for (const listener of this.listeners) listener();
  }
}

function emptyTimeline(roomId: string): Timeline {
  return {
    roomId,
    messages: EMPTY_MESSAGE_LIST,
    joined: false,
    historyLoaded: false,
    hasMore: false,
    loadingOlder: false,
    error: null,
  };
}
