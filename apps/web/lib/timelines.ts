import type { Message, User } from '@chat/shared';
import type { ApiClient } from './api';
import { Outbox } from './outbox';
import { RoomHistory } from './room-history';
import { RoomSubscriptions } from './room-subscriptions';
import type { ChatSocket } from './socket';
import { TimelineState, type Timelines } from './timeline-state';

/**
 * Every opened room's messages, kept whole across reconnects:
 *
 * - opening a room joins it, then loads its latest history page (join first,
 *   so nothing sent in between is lost; overlap is deduplicated);
 * - on every (re)connect each opened room is joined again and its `missed`
 *   messages are merged, then its pending messages go, in the order written
 *   (see RoomSubscriptions and Outbox);
 * - rooms that are only watched (listed, not opened) are joined too, for
 *   their live events, without history.
 *
 * React reads it with useSyncExternalStore (subscribe / getSnapshot).
 */
export class TimelineStore {
  private readonly state = new TimelineState();
  private readonly history: RoomHistory;
  private readonly outbox: Outbox;
  private readonly subscriptions: RoomSubscriptions;

  constructor(api: ApiClient, self: User) {
    this.history = new RoomHistory(api, this.state);
    this.outbox = new Outbox(this.state, self);
    this.subscriptions = new RoomSubscriptions(this.state, async (roomId) => {
      if (!this.state.get(roomId)?.historyLoaded) await this.history.loadLatest(roomId);
      this.outbox.flush(roomId);
    });
  }

  subscribe = (listener: () => void): (() => void) => this.state.subscribe(listener);

  getSnapshot = (): Timelines => this.state.getSnapshot();

  /** The server messages held for an opened room, in order; undefined for any other room. */
  sentMessages = (roomId: string): readonly Message[] | undefined =>
    this.state.get(roomId)?.messages.sent;

  /** Starts using `socket`. Returns the function that stops. */
  attach(socket: ChatSocket): () => void {
    const onConnect = () => {
      this.outbox.connected(socket);
      this.subscriptions.connected(socket);
    };
    const onDisconnect = () => {
      this.outbox.disconnected();
      this.subscriptions.disconnected();
    };
    const onMessage = (message: Message) => this.state.receive([message]);
    socket.on('connect', onConnect);
    socket.on('disconnect', onDisconnect);
    socket.on('message:new', onMessage);
    if (socket.connected) onConnect();
    return () => {
      socket.off('connect', onConnect);
      socket.off('disconnect', onDisconnect);
      socket.off('message:new', onMessage);
      this.outbox.detach(socket);
      this.subscriptions.detach(socket);
    };
  }

  /** Shows a room: joins it and loads its history, once; later calls change nothing. */
  open(roomId: string): void {
    this.state.update(roomId, (timeline) => timeline);
    this.subscriptions.open(roomId);
  }

  /** See RoomSubscriptions.watch: joins listed rooms for their live events only. */
  watch(roomIds: readonly string[]): void {
    this.subscriptions.watch(roomIds);
  }

  /** See RoomSubscriptions.onWatchJoined. Returns the unsubscribe function. */
  onWatchJoined(listener: () => void): () => void {
    return this.subscriptions.onWatchJoined(listener);
  }

  /** Loads the page of history before the oldest message held. */
  loadOlder(roomId: string): Promise<void> {
    return this.history.loadOlder(roomId);
  }

  /** Sends `text` (already validated) to the room, optimistically (see Outbox). */
  send(roomId: string, text: string): void {
    this.outbox.send(roomId, text);
  }

  /** Sends a failed message again, with the same clientId (the server deduplicates). */
  retry(roomId: string, clientId: string): void {
    this.outbox.retry(roomId, clientId);
  }
}
