import {
  compareMessageIds,
  type HistoryResponse,
  type JoinRoomResult,
  type Message,
} from '@chat/shared';
import { NO_CHANGES, pruneShown, withPendingChanges, type PendingChange } from './message-changes';
import { EMPTY_MESSAGE_LIST, mergeMessages, type MessageList } from './message-list';
import { applyUpdates } from './message-updates';
import type { TimelineWindow } from './timeline-window';

/**
 * Messages the server has and this client does not: every id with
 * `after < id < before`. A capped rejoin (`complete: false`) leaves one.
 */
export interface Gap {
  after: string;
  before: string;
}

/** The state of one opened room. */
export interface Timeline {
  roomId: string;
  /**
   * The live run: the messages that reach the live end (live ones, acks,
   * rejoins, the latest page and older pages), and this client's local ones.
   */
  messages: MessageList;
  /**
   * Opened at a message the live run does not show: the run of history
   * around it, shown instead until it joins the live run (lib/timeline-window.ts).
   */
  window: TimelineWindow | null;
  /** The message the room was opened at (a search result): highlighted and scrolled to. */
  focusId: string | null;
  /** The socket is in the room and gets its live messages. */
  joined: boolean;
  /** The latest history page has been loaded. */
  historyLoaded: boolean;
  /** Older messages exist on the server. */
  hasMore: boolean;
  /**
   * Messages missed while away that the rejoin did not carry. While it is
   * open only the messages above it are shown, and loading older pages fills
   * it first, newest first, as scrolling back does; then what was held below
   * it shows again.
   */
  gap: Gap | null;
  loadingOlder: boolean;
  /** Why the room cannot be shown or joined right now. */
  error: string | null;
  /**
   * Protocol v1.1: this user's edits, deletes and reactions not shown back by
   * the server yet, shown over the held messages (lib/message-changes.ts).
   */
  changes: readonly PendingChange[];
  /** Why the last change was rolled back (refused, or no answer); null once dismissed. */
  changeError: string | null;
}

export type Timelines = Readonly<Record<string, Timeline>>;

export function emptyTimeline(roomId: string): Timeline {
  return {
    roomId,
    messages: EMPTY_MESSAGE_LIST,
    window: null,
    focusId: null,
    joined: false,
    historyLoaded: false,
    hasMore: false,
    gap: null,
    loadingOlder: false,
    error: null,
    changes: NO_CHANGES,
    changeError: null,
  };
}

/* ----- Changes: pure, the same timeline back when nothing changes ----- */

/** Adds server messages (live, acked or missed); see mergeMessages. */
export function withMessages(timeline: Timeline, messages: readonly Message[]): Timeline {
  const merged = mergeMessages(timeline.messages, messages);
  return merged === timeline.messages ? timeline : { ...timeline, messages: merged };
}

/**
 * Protocol v1.1: the current state of messages (`message:updated`, a join's
 * `updated`) replaces what the live run and the window hold, by id (see
 * lib/message-updates.ts); the pending changes they now show are dropped.
 */
export function withUpdates(timeline: Timeline, updates: readonly Message[]): Timeline {
  if (updates.length === 0) return timeline;
  const { window } = timeline;
  const messages = applyUpdates(timeline.messages, updates);
  const windowMessages = window ? applyUpdates(window.messages, updates) : null;
  const windowChanged = window !== null && windowMessages !== window.messages;
  if (messages === timeline.messages && !windowChanged) return timeline;
  return withChangesPruned({
    ...timeline,
    messages,
    window:
      window && windowChanged && windowMessages ? { ...window, messages: windowMessages } : window,
  });
}

/** Drops the pending changes the held messages show already. */
export function withChangesPruned(timeline: Timeline): Timeline {
  const changes = pruneShown(timeline.changes, (id) => heldMessage(timeline, id));
  return changes === timeline.changes ? timeline : { ...timeline, changes };
}

/** The server's state of message `id` as held (the live run first, then the window). */
export function heldMessage(timeline: Timeline, id: string): Message | undefined {
  return (
    timeline.messages.sent.find((m) => m.id === id) ??
    timeline.window?.messages.sent.find((m) => m.id === id)
  );
}

/**
 * The room is joined again (with `after` = the newest id held, if any): its
 * `missed` messages are merged and its error is gone. An incomplete catch-up
 * opens a gap between `after` and the first missed message; one already
 * open is widened to cover both (what lies between is fetched again and
 * deduplicated: no hole, no duplicate).
 *
 * Protocol v1.1: `updated` replaces what is held by id, and the changes the
 * server acked are dropped, as the rejoin's state holds their result (or
 * what came after them); the server may omit `updated` (v1), which is none.
 */
export function joinedWith(
  timeline: Timeline,
  ack: Pick<JoinRoomResult, 'missed' | 'complete'> & Partial<Pick<JoinRoomResult, 'updated'>>,
  after?: string,
): Timeline {
  const first = ack.missed[0];
  const opened = ack.complete === false && after !== undefined && first !== undefined;
  const unacked = timeline.changes.filter((pending) => !pending.acked);
  const joined: Timeline = {
    ...timeline,
    joined: true,
    error: null,
    messages: mergeMessages(timeline.messages, ack.missed),
    gap: opened ? { after: timeline.gap?.after ?? after, before: first.id } : timeline.gap,
    changes: unacked.length === timeline.changes.length ? timeline.changes : unacked,
  };
  return withChangesPruned(withUpdates(joined, ack.updated ?? []));
}

/**
 * Older messages can be loaded: before the window's oldest while one is open;
 * else the gap first, then pages before the oldest held.
 */
export function hasOlder(timeline: Timeline): boolean {
  if (timeline.window) return timeline.window.loaded && timeline.window.hasOlder;
  return timeline.gap !== null || timeline.hasMore;
}

/** What is shown has been loaded: the window's first pages, or the latest page. */
export function isLoaded(timeline: Timeline): boolean {
  return timeline.window ? timeline.window.loaded : timeline.historyLoaded;
}

/**
 * The messages to show: the window's while one is open; with a gap open,
 * only those above it; else the live run (the same list when nothing hides).
 */
export function shownMessages(timeline: Timeline): MessageList {
  const { gap, messages, window } = timeline;
  if (window) return window.messages;
  if (!gap) return messages;
  const from = messages.sent.findIndex((m) => compareMessageIds(m.id, gap.before) >= 0);
  if (from <= 0) return messages;
  return { sent: messages.sent.slice(from), local: messages.local };
}

/**
 * What the view shows: `shownMessages` with this user's pending changes
 * applied over the server's state (the same list when none applies).
 */
export function displayedMessages(timeline: Timeline): MessageList {
  const shown = shownMessages(timeline);
  const sent = withPendingChanges(shown.sent, timeline.changes);
  return sent === shown.sent ? shown : { sent, local: shown.local };
}

/** A page from inside the gap (the newest of it): the gap shrinks to what is older, or closes. */
export function withGapPage(timeline: Timeline, page: HistoryResponse): Timeline {
  const { gap } = timeline;
  const oldest = page.messages[0];
  return {
    ...timeline,
    messages: mergeMessages(timeline.messages, page.messages),
    gap: gap && page.hasMore && oldest ? { after: gap.after, before: oldest.id } : null,
    loadingOlder: false,
    error: null,
  };
}

/** The connection is gone: the room no longer gets its live messages. */
export function left(timeline: Timeline): Timeline {
  return timeline.joined ? { ...timeline, joined: false } : timeline;
}

/** The latest history page. Once older pages were loaded, the oldest page decides `hasMore`. */
export function withLatestPage(timeline: Timeline, page: HistoryResponse): Timeline {
  return {
    ...timeline,
    messages: mergeMessages(timeline.messages, page.messages),
    historyLoaded: true,
    hasMore: timeline.historyLoaded ? timeline.hasMore : page.hasMore,
    error: null,
  };
}

/** A page older than every message held: it decides whether more exist. */
export function withOlderPage(timeline: Timeline, page: HistoryResponse): Timeline {
  return {
    ...timeline,
    messages: mergeMessages(timeline.messages, page.messages),
    hasMore: page.hasMore,
    loadingOlder: false,
    error: null,
  };
}

/* ----- The store ----- */

/**
 * Every opened room's timeline, as one immutable value: a change that returns
 * the same timeline leaves the snapshot (and React) alone; any other change
 * gives a new snapshot and tells every listener once.
 *
 * React reads it with useSyncExternalStore (subscribe / getSnapshot).
 */
export class TimelineState {
  private state: Timelines = {};
  private readonly listeners = new Set<() => void>();

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getSnapshot = (): Timelines => this.state;

  /** The room's timeline; undefined while the room is not opened. */
  get(roomId: string): Timeline | undefined {
    return this.state[roomId];
  }

  /** Changes one room's timeline, creating an empty one first for a room not held yet. */
  update(roomId: string, change: (timeline: Timeline) => Timeline): void {
    const current = this.state[roomId] ?? emptyTimeline(roomId);
    const next = change(current);
    if (next === this.state[roomId]) return;
    this.state = { ...this.state, [roomId]: next };
    this.emit();
  }

  /** Changes every held timeline at once (one snapshot, one notification). */
  updateAll(change: (timeline: Timeline) => Timeline): void {
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

  /** Protocol v1.1: replaces held messages by id (`message:updated`); other rooms' are dropped. */
  receiveUpdates(messages: readonly Message[]): void {
    for (const message of messages) {
      if (this.state[message.roomId]) this.update(message.roomId, (t) => withUpdates(t, [message]));
    }
  }

  /** Forgets a room (the user left it or was removed): nothing more of it is kept. */
  forget(roomId: string): void {
    if (!this.state[roomId]) return;
    const next = { ...this.state };
    delete next[roomId];
    this.state = next;
    this.emit();
  }

  /** Adds server messages to the rooms held; messages of other rooms are dropped. */
  receive(messages: readonly Message[]): void {
    for (const message of messages) {
      if (this.state[message.roomId])
        this.update(message.roomId, (t) => withMessages(t, [message]));
    }
  }

  private emit(): void {
    for (const listener of this.listeners) listener();
  }
}
