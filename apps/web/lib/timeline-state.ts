import type { HistoryResponse, Message } from '@chat/shared';
import { EMPTY_MESSAGE_LIST, mergeMessages, type MessageList } from './message-list';

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

export function emptyTimeline(roomId: string): Timeline {
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

/* ----- Changes: pure, the same timeline back when nothing changes ----- */

/** Adds server messages (live, acked or missed); see mergeMessages. */
export function withMessages(timeline: Timeline, messages: readonly Message[]): Timeline {
  const merged = mergeMessages(timeline.messages, messages);
  return merged === timeline.messages ? timeline : { ...timeline, messages: merged };
}

/** The room is joined again: its `missed` messages are merged and its error is gone. */
export function joinedWith(timeline: Timeline, missed: readonly Message[]): Timeline {
  return {
    ...timeline,
    joined: true,
    error: null,
    messages: mergeMessages(timeline.messages, missed),
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
