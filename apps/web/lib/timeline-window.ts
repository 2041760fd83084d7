import { compareMessageIds, type HistoryResponse, type JoinRoomResult } from '@chat/shared';
import {
  EMPTY_MESSAGE_LIST,
  mergeMessages,
  newestId,
  oldestId,
  type MessageList,
} from './message-list';
import { shownMessages, withUpdates, type Timeline } from './timeline-state';

/*
 * A room opened at a message (a search result) that the timeline does not
 * hold among the messages it shows: a window of the room's history that does
 * not reach the live end, as pure functions over the Timeline.
 *
 * Two runs are kept apart while the window is open:
 *
 * - the live run (`timeline.messages`): what the room shows normally, kept
 *   exactly as without a window: live messages, acks, rejoins and the latest
 *   page are merged into it, so nothing that arrives meanwhile is lost, and
 *   its own gap rules hold;
 * - the window (`timeline.window.messages`): one run of the room without a
 *   hole, loaded around the message, paged older with `before` and newer with
 *   `from=oldest&after`.
 *
 * The view shows the window until the window joins the live run, once a
 * newer page reaches a message the live run shows (the two overlap: their
 * union has no hole), or once the server has nothing newer and the room's
 * catch-up from the window's newest message (`room:join` with `after`) comes
 * back complete. Then one run is left, sorted and deduplicated by id
 * (mergeMessages): no gap, no duplicate, live messages in their place.
 */

/** What lies after the window's newest message. */
export type WindowNewer =
  /** Newer pages to load. */
  | 'more'
  /** A newer page is on its way. */
  | 'loading'
  /** The server had nothing newer: the room's catch-up from the window's newest is on its way. */
  | 'catching-up';

export interface TimelineWindow {
  /** Server messages only (`local` stays empty): one run of the room, oldest first. */
  messages: MessageList;
  /** Both first pages (before the message, and from it on) are in. */
  loaded: boolean;
  /** Older messages exist before the window's oldest. */
  hasOlder: boolean;
  newer: WindowNewer;
  /** Why the last newer page or catch-up failed; loading newer again is the retry. */
  error: string | null;
}

const EMPTY_WINDOW: TimelineWindow = {
  messages: EMPTY_MESSAGE_LIST,
  loaded: false,
  hasOlder: false,
  newer: 'more',
  error: null,
};

/**
 * The room is opened at `messageId`: it is highlighted and, when the view
 * shows it already (the live run, or the window open), nothing else changes;
 * otherwise a new, empty window opens (any window before is dropped), to be
 * filled by `withWindowPages`.
 */
export function openedAt(timeline: Timeline, messageId: string): Timeline {
  const shown = shownMessages(timeline).sent.some((m) => compareMessageIds(m.id, messageId) === 0);
  return {
    ...timeline,
    focusId: messageId,
    window: shown ? timeline.window : { ...EMPTY_WINDOW },
    error: null,
  };
}

/**
 * The two first pages of the window: `older` (before the message) and
 * `newer` (the message and what follows, `from=oldest`). It joins the live
 * run at once when the two overlap.
 */
export function withWindowPages(
  timeline: Timeline,
  older: HistoryResponse,
  newer: HistoryResponse,
): Timeline {
  if (!timeline.window) return timeline;
  const window: TimelineWindow = {
    ...timeline.window,
    messages: mergeMessages(mergeMessages(EMPTY_MESSAGE_LIST, older.messages), newer.messages),
    loaded: true,
    hasOlder: older.hasMore,
    newer: newer.hasMore ? 'more' : 'catching-up',
  };
  return joinIfOverlapping({ ...timeline, window });
}

/** The window's pages could not be loaded: back to the live run, with the reason shown. */
export function windowFailed(timeline: Timeline, error: string): Timeline {
  if (!timeline.window) return timeline;
  return { ...timeline, window: null, focusId: null, error };
}

/** A page older than the window's oldest message. */
export function withWindowOlderPage(timeline: Timeline, page: HistoryResponse): Timeline {
  const { window } = timeline;
  if (!window) return { ...timeline, loadingOlder: false };
  return {
    ...timeline,
    window: {
      ...window,
      messages: mergeMessages(window.messages, page.messages),
      hasOlder: page.hasMore,
    },
    loadingOlder: false,
    error: null,
  };
}

/** A newer page is on its way. */
export function loadingNewer(timeline: Timeline): Timeline {
  const { window } = timeline;
  return window ? { ...timeline, window: { ...window, newer: 'loading', error: null } } : timeline;
}

/**
 * A page after the window's newest message (`from=oldest`): the window grows;
 * it joins the live run when they now overlap; with nothing newer on the
 * server it waits for the room's catch-up (`windowCaughtUp`).
 */
export function withWindowNewerPage(timeline: Timeline, page: HistoryResponse): Timeline {
  const { window } = timeline;
  if (!window) return timeline;
  return joinIfOverlapping({
    ...timeline,
    window: {
      ...window,
      messages: mergeMessages(window.messages, page.messages),
      newer: page.hasMore ? 'more' : 'catching-up',
      error: null,
    },
  });
}

/** A newer page or the catch-up failed: newer stays loadable, and the reason shows. */
export function windowNewerFailed(timeline: Timeline, error: string): Timeline {
  const { window } = timeline;
  return window ? { ...timeline, window: { ...window, newer: 'more', error } } : timeline;
}

/**
 * The room's catch-up from the window's newest message (`room:join` with
 * `after` = that id). Its `missed` messages go to the live run, where they
 * belong (they are the room's newest). Complete: the window holds everything
 * up to them, so it joins the live run. Capped: more lies between the window
 * and them; newer pages go on until the window reaches them.
 */
export function windowCaughtUp(
  timeline: Timeline,
  ack: Pick<JoinRoomResult, 'missed' | 'complete'> & Partial<Pick<JoinRoomResult, 'updated'>>,
): Timeline {
  if (!timeline.window) return timeline;
  // Protocol v1.1: what changed meanwhile among the messages held replaces them by id.
  const next = withUpdates(
    { ...timeline, messages: mergeMessages(timeline.messages, ack.missed) },
    ack.updated ?? [],
  );
  return ack.complete ? joinLive(next) : withNewer(next, 'more');
}

/** Back to the live end: the window (and the highlight) is dropped, what the live run holds shows. */
export function closedWindow(timeline: Timeline): Timeline {
  if (!timeline.window && timeline.focusId === null) return timeline;
  return { ...timeline, window: null, focusId: null };
}

/** The id the next newer page or the catch-up starts after: the window's newest message. */
export function windowNewestId(timeline: Timeline): string | undefined {
  return timeline.window ? newestId(timeline.window.messages) : undefined;
}

/** The id the next older page of the window ends before: its oldest message. */
export function windowOldestId(timeline: Timeline): string | undefined {
  return timeline.window ? oldestId(timeline.window.messages) : undefined;
}

/* ----- Internals ----- */

function withNewer(timeline: Timeline, newer: WindowNewer): Timeline {
  const { window } = timeline;
  return window ? { ...timeline, window: { ...window, newer, error: null } } : timeline;
}

/** Joins the window to the live run when its newest message reaches what the live run shows. */
function joinIfOverlapping(timeline: Timeline): Timeline {
  const newest = windowNewestId(timeline);
  const liveOldest = shownMessages({ ...timeline, window: null }).sent[0]?.id;
  if (newest === undefined || liveOldest === undefined) return timeline;
  return compareMessageIds(newest, liveOldest) >= 0 ? joinLive(timeline) : timeline;
}

/**
 * One run again: the window's messages merged into the live run, which then
 * reaches back to the window's oldest message. What the live run held below
 * its gap stays held; the gap shrinks to what lies between it and the window,
 * or closes when the window reaches below it. Older pages then follow the
 * window's `hasOlder` when the window reaches further back than anything held.
 */
function joinLive(timeline: Timeline): Timeline {
  const { window, gap } = timeline;
  if (!window) return timeline;
  const windowOldest = oldestId(window.messages);
  const liveOldest = oldestId(timeline.messages);
  const reachesFurther =
    windowOldest !== undefined &&
    (liveOldest === undefined || compareMessageIds(windowOldest, liveOldest) < 0);
  const gapLeft =
    gap && windowOldest !== undefined && compareMessageIds(windowOldest, gap.after) > 0
      ? { after: gap.after, before: minId(gap.before, windowOldest) }
      : null;
  return {
    ...timeline,
    messages: mergeMessages(timeline.messages, window.messages.sent),
    window: null,
    gap: windowOldest === undefined ? gap : gapLeft,
    historyLoaded: true,
    hasMore: reachesFurther || !timeline.historyLoaded ? window.hasOlder : timeline.hasMore,
  };
}

function minId(a: string, b: string): string {
  return compareMessageIds(a, b) <= 0 ? a : b;
}
