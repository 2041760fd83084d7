import type { Message, ReplySnapshot, User } from '@chat/shared';
import type { ApiClient } from './api';
import { ChangeOutbox } from './change-outbox';
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
 *   their live events, without history;
 * - a room opened at a message (a search result) shows a window of history
 *   around it, paged both ways, until it joins the live end (see
 *   lib/timeline-window.ts); live messages keep arriving meanwhile.
 *
 * React reads it with useSyncExternalStore (subscribe / getSnapshot).
 */
export class TimelineStore {
  private readonly state = new TimelineState();
  private readonly history: RoomHistory;
  private readonly outbox: Outbox;
  private readonly changes: ChangeOutbox;
  private readonly subscriptions: RoomSubscriptions;

  constructor(api: ApiClient, self: User) {
    this.history = new RoomHistory(api, this.state, (roomId, after) =>
      this.subscriptions.catchUp(roomId, after),
    );
    this.outbox = new Outbox(this.state, self);
    this.changes = new ChangeOutbox(this.state, self);
    this.subscriptions = new RoomSubscriptions(this.state, async (roomId) => {
      // Joined again: a window's failed catch-up may be tried again (scrolling down does).
      this.state.update(roomId, (t) =>
        t.window?.error ? { ...t, window: { ...t.window, error: null } } : t,
      );
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
      this.changes.connected(socket);
      this.subscriptions.connected(socket);
    };
    const onDisconnect = () => {
      this.outbox.disconnected();
      this.subscriptions.disconnected();
    };
    const onMessage = (message: Message) => this.state.receive([message]);
    const onUpdated = (message: Message) => this.state.receiveUpdates([message]);
    const onRemoved = ({ roomId }: { roomId: string }) => this.forget(roomId);
    socket.on('connect', onConnect);
    socket.on('disconnect', onDisconnect);
    socket.on('message:new', onMessage);
    socket.on('message:updated', onUpdated);
    socket.on('room:removed', onRemoved);
    if (socket.connected) onConnect();
    return () => {
      socket.off('connect', onConnect);
      socket.off('disconnect', onDisconnect);
      socket.off('message:new', onMessage);
      socket.off('message:updated', onUpdated);
      socket.off('room:removed', onRemoved);
      this.outbox.detach(socket);
      this.changes.detach(socket);
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

  /**
   * Shows a room at one of its messages: opens it (as `open`), highlights the
   * message, and loads the messages around it when they are not shown already.
   */
  openAt(roomId: string, messageId: string): Promise<void> {
    this.open(roomId);
    return this.history.openAt(roomId, messageId);
  }

  /** Loads the page of history before the oldest message shown. */
  loadOlder(roomId: string): Promise<void> {
    return this.history.loadOlder(roomId);
  }

  /** Loads the page after the newest message of a room's window; nothing without one. */
  loadNewer(roomId: string): Promise<void> {
    return this.history.loadNewer(roomId);
  }

  /** Back to the room's live end: its window, if any, and the highlight are dropped. */
  jumpToLatest(roomId: string): void {
    this.history.closeWindow(roomId);
  }

  /**
   * Sends `text` (already validated) to the room, optimistically (see Outbox), at its live end;
   * `replyTo`: the message it answers (Protocol v1.1).
   */
  send(roomId: string, text: string, replyTo?: ReplySnapshot): void {
    // What one writes shows at the live end: go there, as a reader who replies expects.
    if (this.state.get(roomId)?.window) this.history.closeWindow(roomId);
    this.outbox.send(roomId, text, replyTo);
  }

  /** Edits one's own message, optimistically (see ChangeOutbox). */
  edit(roomId: string, messageId: string, text: string): void {
    this.changes.edit(roomId, messageId, text);
  }

  /** Deletes a message, optimistically (see ChangeOutbox). */
  remove(roomId: string, messageId: string): void {
    this.changes.remove(roomId, messageId);
  }

  /** Toggles one's own reaction, optimistically (see ChangeOutbox). */
  toggleReaction(roomId: string, messageId: string, emoji: string): void {
    this.changes.toggleReaction(roomId, messageId, emoji);
  }

  /** Adds one's own reaction (nothing when it is there already). */
  addReaction(roomId: string, messageId: string, emoji: string): void {
    this.changes.react(roomId, messageId, emoji, true);
  }

  /** Hides the notice of a rolled-back change. */
  dismissChangeError(roomId: string): void {
    this.state.update(roomId, (t) => (t.changeError ? { ...t, changeError: null } : t));
  }

  /**
   * The user is no longer in the room (left it, or `room:removed`): it is not
   * joined again on reconnect, and nothing of it is kept.
   */
  forget(roomId: string): void {
    this.subscriptions.forget(roomId);
    this.state.forget(roomId);
  }

  /** Sends a failed message again, with the same clientId (the server deduplicates). */
  retry(roomId: string, clientId: string): void {
    this.outbox.retry(roomId, clientId);
  }
}
