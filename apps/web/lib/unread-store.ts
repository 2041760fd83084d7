import {
  compareMessageIds,
  type Message,
  type RoomReadEvent,
  type RoomSummary,
  type User,
} from '@chat/shared';
import { emitRead, type ChatSocket } from './socket';
import {
  applyRead,
  applySummaries,
  countMessage,
  EMPTY_UNREAD,
  forgetRoom,
  markViewed,
  type UnreadState,
} from './unread';

/**
 * What the unread store needs from the timelines: the server messages held
 * per room (to recount after a read marker, and to know the newest one in
 * view) and word whenever they may have changed.
 */
export interface HeldMessages {
  /** The server messages held for a room, in the room's order; undefined when none are kept. */
  sentMessages(roomId: string): readonly Message[] | undefined;
  /** Calls `listener` after every change of the messages held. Returns the unsubscribe function. */
  subscribe(listener: () => void): () => void;
}

/**
 * Unread badges and the read marker, for one session.
 *
 * - Counts start from GET /api/rooms (`applySummaries`) and follow live
 *   `message:new` and `room:read` events (see lib/unread.ts); so do the
 *   mention counts (Protocol v1.1), and `room:removed` clears both.
 * - While a room is in view (open and the page visible), its count stays 0
 *   and `room:read` is sent with the newest message id held for it, whenever
 *   that id moves past the last marker sent: on opening, and as messages
 *   arrive. One `room:read` per room is in flight at a time, so a burst of
 *   messages costs a couple of events, not one each.
 *
 * React reads it with useSyncExternalStore (subscribe / getSnapshot).
 */
export class UnreadStore {
  private state: UnreadState = EMPTY_UNREAD;
  private readonly listeners = new Set<() => void>();
  private socket: ChatSocket | null = null;
  private viewing: string | null = null;
  /** The newest marker known per room (sent by this client or reported by `room:read`). */
  private readonly marked = new Map<string, string>();
  private readonly inFlight = new Set<string>();

  constructor(
    private readonly self: User,
    private readonly timelines: HeldMessages,
  ) {}

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getSnapshot = (): UnreadState => this.state;

  attach(socket: ChatSocket): () => void {
    this.socket = socket;
    const onMessage = (message: Message) => {
      this.set(
        countMessage(this.state, message, { selfId: this.self.id, viewingRoomId: this.viewing }),
      );
    };
    const onRead = (event: RoomReadEvent) => {
      const known = this.marked.get(event.roomId);
      if (!known || compareMessageIds(event.messageId, known) > 0)
        this.marked.set(event.roomId, event.messageId);
      const held = this.timelines.sentMessages(event.roomId);
      this.set(applyRead(this.state, event, { selfId: this.self.id, held }));
    };
    const onConnect = () => this.syncRead();
    const onRemoved = ({ roomId }: { roomId: string }) => this.set(forgetRoom(this.state, roomId));
    const stopWatching = this.timelines.subscribe(() => this.syncRead());
    socket.on('message:new', onMessage);
    socket.on('room:read', onRead);
    socket.on('room:removed', onRemoved);
    socket.on('connect', onConnect);
    return () => {
      stopWatching();
      socket.off('message:new', onMessage);
      socket.off('room:read', onRead);
      socket.off('room:removed', onRemoved);
      socket.off('connect', onConnect);
      this.inFlight.clear();
      if (this.socket === socket) this.socket = null;
    };
  }

  /** The room the user is looking at (null: none, or the page is hidden). */
  setViewing(roomId: string | null): void {
    this.viewing = roomId;
    if (roomId) this.set(markViewed(this.state, roomId));
    this.syncRead();
  }

  /** A fresh GET /api/rooms answer; `replace`: see Summaries in hooks/use-rooms. */
  applySummaries(rooms: readonly RoomSummary[], replace = true): void {
    this.set(applySummaries(this.state, rooms, this.viewing, replace ? 'replace' : 'raise'));
  }

  /** Sends `room:read` for the room in view when its newest message is past the marker. */
  private syncRead(): void {
    const roomId = this.viewing;
    const socket = this.socket;
    if (!roomId || !socket?.connected || this.inFlight.has(roomId)) return;
    const newest = this.timelines.sentMessages(roomId)?.at(-1)?.id;
    if (!newest) return;
    const known = this.marked.get(roomId);
    if (known && compareMessageIds(newest, known) <= 0) return;

    this.inFlight.add(roomId);
    emitRead(socket, { roomId, messageId: newest }).then(
      (ack) => {
        this.inFlight.delete(roomId);
        if (!ack.ok) return;
        const latest = this.marked.get(roomId);
        if (!latest || compareMessageIds(newest, latest) > 0) this.marked.set(roomId, newest);
        this.syncRead();
      },
      () => {
        // No answer (disconnected): the next connect tries again.
        this.inFlight.delete(roomId);
      },
    );
  }

  private set(next: UnreadState): void {
    if (next === this.state) return;
    this.state = next;
    for (const listener of this.listeners) listener();
  }
}
