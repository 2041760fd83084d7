'use client';

import { useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import type { User } from '@chat/shared';
import { buildTimeline, type TimelineRow } from '../lib/timeline-rows';
import { displayedMessages, hasOlder, isLoaded, type Timeline } from '../lib/timeline-state';
import { MessageItem } from './message-item';
import { focusRing, secondaryButtonClass } from './ui';

interface Props {
  timeline: Timeline;
  self: User;
  onLoadOlder: () => void;
  /** The next newer page of a window (a room opened at a message). */
  onLoadNewer: () => void;
  /** Leaves the window for the live end. */
  onJumpToLatest: () => void;
  onRetry: (clientId: string) => void;
  /** The message shown as an editor, if any. */
  editingId?: string | null;
}

/** How close to the bottom (px) still counts as "at the bottom": new messages keep it there. */
const STICK_PX = 80;
/** How close to the top (px) loads the next older page; to the bottom, a window's next newer one. */
const LOAD_PX = 300;

const DAY: Intl.DateTimeFormatOptions = {
  weekday: 'long',
  year: 'numeric',
  month: 'long',
  day: 'numeric',
};

/**
 * The scrolling message list.
 *
 * - Follows new messages while the reader is at the bottom (and after they
 *   send one); otherwise counts them on a "new messages" button that jumps
 *   down.
 * - Scrolling near the top loads the next older page, and the reader's place
 *   is kept: the first message shown before the page came stays where it was.
 * - Opened at a message (a search result), it scrolls that message into view,
 *   highlighted. While the view is a window apart from the live end,
 *   scrolling near the bottom loads the next newer page (the reader's place
 *   is kept the same way), nothing follows the bottom, and "Jump to latest"
 *   goes to the live end.
 */
export function MessageTimeline({
  timeline,
  self,
  onLoadOlder,
  onLoadNewer,
  onJumpToLatest,
  onRetry,
  editingId = null,
}: Props) {
  const shown = useMemo(() => displayedMessages(timeline), [timeline]);
  const rows = useMemo(() => buildTimeline(shown, { selfId: self.id }), [shown, self.id]);
  const scroller = useRef<HTMLDivElement>(null);
  /** Mirrors `atBottom` for effects and observers. */
  const stick = useRef(true);
  /** Set just before an older page is requested: a message row and its distance from the top. */
  const anchor = useRef<{ key: string; offset: number } | null>(null);
  const previousLast = useRef<string | undefined>(undefined);
  /** The focused message last scrolled into view: each focus is scrolled to once. */
  const scrolledFocus = useRef<string | null>(null);
  const [atBottom, setAtBottom] = useState(true);
  /** The last row the reader has seen at the bottom. */
  const [seenKey, setSeenKey] = useState<string | undefined>(undefined);

  const firstMessageKey = rows.find((row) => row.kind === 'message')?.key;
  const last = rows.at(-1);
  const lastKey = last?.key;
  const older = hasOlder(timeline);
  const loaded = isLoaded(timeline);
  const canLoadOlder = loaded && older && !timeline.loadingOlder;
  const detached = timeline.window;
  const { focusId } = timeline;
  const loadingNewer = detached?.newer === 'loading' || detached?.newer === 'catching-up';
  /** Scrolling loads newer pages by itself while nothing failed; the button retries. */
  const canLoadNewer = !!detached?.loaded && detached.newer === 'more';
  const autoLoadNewer = canLoadNewer && !detached?.error;
  const loading = timeline.loadingOlder || loadingNewer;
  const unseen = atBottom || detached ? 0 : countUnseen(rows, seenKey);

  /** Remembers the first message row's place, to put it back if the page changes what is above it. */
  const keepPlace = () => {
    const element = scroller.current;
    const node = element && firstMessageKey ? findRow(element, firstMessageKey) : null;
    anchor.current =
      element && node && firstMessageKey
        ? { key: firstMessageKey, offset: rowTop(element, node) }
        : null;
  };

  const loadOlder = () => {
    if (!scroller.current || !canLoadOlder) return;
    keepPlace();
    onLoadOlder();
  };

  // Joining the live end can bring held messages above the window: the same anchor keeps the place.
  const loadNewer = () => {
    if (!scroller.current || !canLoadNewer) return;
    keepPlace();
    onLoadNewer();
  };

  const jumpToLive = () => {
    // The live end's newest message is the one to show: follow the bottom again.
    stick.current = true;
    anchor.current = null;
    onJumpToLatest();
  };

  useLayoutEffect(() => {
    const element = scroller.current;
    if (!element) return;
    const saved = anchor.current;
    const lastChanged = lastKey !== previousLast.current;
    previousLast.current = lastKey;

    // A window opened again (at the same message too) is scrolled to again once loaded.
    if (detached && !detached.loaded) scrolledFocus.current = null;
    if (focusId && scrolledFocus.current !== focusId) {
      // Opened at a message: once it is shown, bring it to the middle of the view.
      const node = findMessage(element, focusId);
      if (node) {
        node.scrollIntoView({ block: 'center' });
        scrolledFocus.current = focusId;
        stick.current = false;
        anchor.current = null;
        return;
      }
    }
    if (!focusId) scrolledFocus.current = null;

    if (saved && saved.key !== firstMessageKey) {
      // An older page was prepended: put the anchor row back where it was.
      const node = findRow(element, saved.key);
      if (node) element.scrollTop += rowTop(element, node) - saved.offset;
      anchor.current = null;
      return;
    }
    if (saved && !loading) anchor.current = null;

    const justSent = last?.kind === 'message' && last.own && last.entry.status === 'pending';
    if (lastChanged && !detached && (stick.current || justSent)) {
      element.scrollTop = element.scrollHeight;
      stick.current = true;
    }
  }, [firstMessageKey, lastKey, last, loading, focusId, detached]);

  // A list too short to scroll cannot be scrolled to its ends: load until it fills or ends.
  useEffect(() => {
    const element = scroller.current;
    if (!element || element.scrollHeight > element.clientHeight + LOAD_PX) return;
    if (canLoadOlder) loadOlder();
    else if (autoLoadNewer && !loading) loadNewer();
  });

  // The list's box changes (window, composer growing): stay at the bottom if there.
  useEffect(() => {
    const element = scroller.current;
    if (!element || typeof ResizeObserver === 'undefined') return;
    const observer = new ResizeObserver(() => {
      if (stick.current) element.scrollTop = element.scrollHeight;
    });
    observer.observe(element);
    return () => observer.disconnect();
  }, []);

  const onScroll = () => {
    const element = scroller.current;
    if (!element) return;
    const below = element.scrollHeight - element.scrollTop - element.clientHeight;
    // The bottom of a window is not the live end: nothing to follow there.
    const bottom = below < STICK_PX && !detached;
    // Everything up to now was seen while at the bottom.
    if (bottom || stick.current) setSeenKey(lastKey);
    stick.current = bottom;
    setAtBottom(bottom);
    if (element.scrollTop < LOAD_PX) loadOlder();
    else if (below < LOAD_PX && autoLoadNewer && !loading) loadNewer();
  };

  const jumpToLatest = () => {
    const element = scroller.current;
    if (!element) return;
    element.scrollTo({ top: element.scrollHeight, behavior: 'smooth' });
  };

  return (
    <div className="relative flex min-h-0 flex-1 flex-col">
      <div
        ref={scroller}
        onScroll={onScroll}
        className="min-h-0 flex-1 overflow-y-auto pb-3 [overflow-anchor:none]"
        data-testid="message-list"
        tabIndex={0}
        // The live region is the scroller, not the <ol>: a list with role="log" is no list.
        role="log"
        aria-live="polite"
        aria-relevant="additions"
        aria-label="Message history"
      >
        <div className="flex justify-center px-4 pt-3">
          {older ? (
            <button
              type="button"
              onClick={loadOlder}
              disabled={!canLoadOlder}
              className={secondaryButtonClass}
              data-testid="load-older"
            >
              {timeline.loadingOlder ? 'Loading…' : 'Load older messages'}
            </button>
          ) : loaded ? (
            <p className="text-xs text-zinc-500 dark:text-zinc-400" data-testid="history-start">
              {rows.length === 0 ? 'No messages yet. Say hello!' : 'This is the start of the room.'}
            </p>
          ) : (
            !timeline.error && (
              <p className="text-xs text-zinc-500" data-testid="history-loading">
                Loading messages…
              </p>
            )
          )}
        </div>

        <ol aria-label="Messages">
          {rows.map((row) =>
            row.kind === 'day' ? (
              <li key={row.key} className="my-4 flex items-center gap-3 px-4">
                <span className="h-px flex-1 bg-zinc-200 dark:bg-zinc-800" />
                <time
                  dateTime={row.at}
                  className="text-xs font-medium text-zinc-500 dark:text-zinc-400"
                >
                  {new Date(row.at).toLocaleDateString([], DAY)}
                </time>
                <span className="h-px flex-1 bg-zinc-200 dark:bg-zinc-800" />
              </li>
            ) : (
              <MessageItem
                key={row.key}
                row={row}
                focused={
                  focusId !== null &&
                  row.entry.status === 'sent' &&
                  row.entry.message.id === focusId
                }
                editing={
                  editingId !== null &&
                  row.entry.status === 'sent' &&
                  row.entry.message.id === editingId
                }
                onRetry={onRetry}
              />
            ),
          )}
        </ol>

        {detached?.loaded && (
          <div className="flex flex-col items-center gap-2 px-4 pt-3">
            {detached.error && (
              <p className="text-xs text-red-600 dark:text-red-400" role="alert">
                {detached.error}
              </p>
            )}
            <button
              type="button"
              onClick={loadNewer}
              disabled={!canLoadNewer}
              className={secondaryButtonClass}
              data-testid="load-newer"
            >
              {loadingNewer ? 'Loading…' : 'Load newer messages'}
            </button>
          </div>
        )}
      </div>

      {detached && (
        <button
          type="button"
          onClick={jumpToLive}
          className={`absolute bottom-3 left-1/2 -translate-x-1/2 rounded-full bg-sky-700 px-4 py-1.5 text-sm font-semibold whitespace-nowrap text-white shadow-lg hover:bg-sky-800 ${focusRing}`}
          data-testid="jump-to-live"
        >
          Jump to latest ↓
        </button>
      )}

      {unseen > 0 && (
        <button
          type="button"
          onClick={jumpToLatest}
          className={`absolute bottom-3 left-1/2 -translate-x-1/2 rounded-full bg-sky-700 px-4 py-1.5 text-sm font-semibold text-white shadow-lg hover:bg-sky-800 ${focusRing}`}
          data-testid="jump-to-latest"
        >
          {unseen === 1 ? '1 new message' : `${unseen} new messages`} ↓
        </button>
      )}
    </div>
  );
}

/** Messages from others after the last row seen. */
function countUnseen(rows: readonly TimelineRow[], seenKey: string | undefined): number {
  const from = seenKey === undefined ? -1 : rows.findIndex((row) => row.key === seenKey);
  if (from < 0) return 0;
  let count = 0;
  for (const row of rows.slice(from + 1)) if (row.kind === 'message' && !row.own) count += 1;
  return count;
}

function findMessage(list: HTMLElement, id: string): HTMLElement | null {
  for (const node of list.querySelectorAll<HTMLElement>('[data-message-id]')) {
    if (node.dataset.messageId === id) return node;
  }
  return null;
}

function findRow(list: HTMLElement, key: string): HTMLElement | null {
  for (const node of list.querySelectorAll<HTMLElement>('[data-row-key]')) {
    if (node.dataset.rowKey === key) return node;
  }
  return null;
}

/** A row's distance from the top of the scrolling box's viewport. */
function rowTop(list: HTMLElement, node: HTMLElement): number {
  return node.getBoundingClientRect().top - list.getBoundingClientRect().top;
}
