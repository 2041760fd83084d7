'use client';

import { useCallback, useEffect, useId, useMemo, useRef, useState } from 'react';
import type { KeyboardEvent } from 'react';
import { LIMITS, type Message } from '@chat/shared';
import { useSearch } from '../hooks/use-search';
import { useSearchShortcut } from '../hooks/use-search-shortcut';
import type { ApiClient } from '../lib/api';
import { roomDisplayName, type ListedRoom } from '../lib/room-list';
import { SearchResult } from './search-result';
import { alertClass, focusRing, secondaryButtonClass } from './ui';

interface Props {
  api: ApiClient;
  rooms: readonly ListedRoom[];
  selfUsername: string;
  /** The open room: the search can be limited to it. */
  activeRoom: ListedRoom | null;
  /** Opens the result's room at the message. */
  onOpen: (message: Message) => void;
}

/**
 * The search field of the top bar: a combobox whose list shows the results as
 * the user types. Ctrl+K / ⌘K, or `/` outside a text field, focuses it;
 * ArrowDown / ArrowUp move through the results, Enter opens one, Escape
 * closes the list. "This room only" limits the search to the open room.
 */
export function SearchBox({ api, rooms, selfUsername, activeRoom, onOpen }: Props) {
  const { search, session } = useSearch(api);
  const input = useRef<HTMLInputElement>(null);
  const container = useRef<HTMLDivElement>(null);
  const id = useId();
  const [text, setText] = useState('');
  const [expanded, setExpanded] = useState(false);
  const [roomOnly, setRoomOnly] = useState(false);
  const [active, setActive] = useState(0);
  // The app renders in the browser only (components/client-root.tsx), so navigator is there.
  const [mac] = useState(() => /Mac|iPhone|iPad/.test(navigator.platform));
  useSearchShortcut(input);

  const scope = roomOnly && activeRoom ? activeRoom.id : null;
  const roomsById = useMemo(() => new Map(rooms.map((room) => [room.id, room])), [rooms]);
  const { results, status } = search;
  const shown = expanded && status !== 'idle';
  const activeIndex = Math.min(active, results.length - 1);
  const optionId = (index: number) => `${id}-result-${index}`;

  // The text or the scope changed (another room opened while "only in" is on): search again.
  useEffect(() => session.setQuery(text, scope), [session, text, scope]);

  // Keeps the active result in view as the arrows move through a long list.
  useEffect(() => {
    if (!shown || activeIndex < 0) return;
    document.getElementById(`${id}-result-${activeIndex}`)?.scrollIntoView({ block: 'nearest' });
  }, [shown, activeIndex, id]);

  const open = useCallback(
    (message: Message) => {
      setExpanded(false);
      input.current?.blur();
      onOpen(message);
    },
    [onOpen],
  );

  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.nativeEvent.isComposing) return;
    if (event.key === 'Escape') {
      // Also keeps Chromium's search field from clearing its text.
      event.preventDefault();
      setExpanded(false);
      input.current?.blur();
    } else if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      setExpanded(true);
      const step = event.key === 'ArrowDown' ? 1 : -1;
      setActive(Math.max(0, Math.min(results.length - 1, activeIndex + step)));
    } else if (event.key === 'Enter') {
      event.preventDefault();
      const message = results[Math.max(0, activeIndex)];
      if (shown && message) open(message);
    }
  };

  return (
    <div
      ref={container}
      className="relative min-w-0 flex-1 sm:max-w-md"
      onBlur={(event) => {
        if (!container.current?.contains(event.relatedTarget as Node | null)) setExpanded(false);
      }}
    >
      <label htmlFor={`${id}-input`} className="sr-only">
        Search messages
      </label>
      <div className="relative">
        <SearchIcon />
        <input
          ref={input}
          id={`${id}-input`}
          type="search"
          role="combobox"
          aria-expanded={shown}
          aria-controls={`${id}-results`}
          aria-autocomplete="list"
          aria-activedescendant={shown && activeIndex >= 0 ? optionId(activeIndex) : undefined}
          aria-describedby={`${id}-hint`}
          autoComplete="off"
          spellCheck={false}
          enterKeyHint="search"
          maxLength={LIMITS.searchQueryMax}
          placeholder="Search messages"
          value={text}
          onChange={(event) => {
            setText(event.target.value);
            setActive(0);
            setExpanded(true);
          }}
          onFocus={() => setExpanded(true)}
          onKeyDown={onKeyDown}
          className={`block h-8 w-full rounded-md border border-zinc-300 bg-zinc-50 pr-14 pl-8 text-sm text-zinc-900 placeholder:text-zinc-500 focus-visible:border-sky-500 focus-visible:bg-white dark:border-zinc-700 dark:bg-zinc-900 dark:text-zinc-100 dark:placeholder:text-zinc-400 dark:focus-visible:bg-zinc-950 ${focusRing} focus-visible:outline-offset-0`}
          data-testid="search-input"
        />
        {/* The description is text: a <kbd>'s aria-label is not reliably read. */}
        <span id={`${id}-hint`} className="sr-only">
          Shortcut: {mac ? 'Command' : 'Control'} K, or slash
        </span>
        <kbd
          aria-hidden="true"
          className={`pointer-events-none absolute top-1/2 right-2 hidden -translate-y-1/2 rounded-sm border border-zinc-300 px-1 font-sans text-[10px] text-zinc-500 dark:border-zinc-700 dark:text-zinc-400 ${
            text ? '' : 'sm:block'
          }`}
        >
          {mac ? '⌘K' : 'Ctrl K'}
        </kbd>
      </div>

      {shown && (
        <div
          className="fixed inset-x-2 top-12 z-40 flex max-h-[75dvh] flex-col rounded-lg border border-zinc-200 bg-white shadow-xl sm:absolute sm:inset-x-0 sm:top-full sm:mt-1 sm:max-h-[32rem] dark:border-zinc-800 dark:bg-zinc-900"
          data-testid="search-panel"
        >
          <div className="flex items-center justify-between gap-3 border-b border-zinc-200 px-3 py-2 text-xs dark:border-zinc-800">
            <p
              role="status"
              aria-live="polite"
              className="min-w-0 truncate text-zinc-500 dark:text-zinc-400"
              data-testid="search-status"
            >
              {statusText(search.status, results.length, search.hasMore, search.query)}
              {search.status === 'done' && results.length > 0 && (
                <span className="hidden sm:inline"> · ↑↓ to choose, Enter to open</span>
              )}
            </p>
            {activeRoom && (
              <label className="flex shrink-0 cursor-pointer items-center gap-1.5 text-zinc-700 dark:text-zinc-300">
                <input
                  type="checkbox"
                  checked={roomOnly}
                  onChange={(event) => {
                    setRoomOnly(event.target.checked);
                    setActive(0);
                  }}
                  className={`size-3.5 accent-sky-600 ${focusRing}`}
                  data-testid="search-room-only"
                />
                <span className="max-w-40 truncate">
                  Only in {roomDisplayName(activeRoom, selfUsername)}
                </span>
              </label>
            )}
          </div>

          {search.error && (
            <p className={`m-2 ${alertClass}`} role="alert" data-testid="search-error">
              {search.error}
            </p>
          )}

          <ul
            id={`${id}-results`}
            role="listbox"
            aria-label="Search results"
            className="min-h-0 flex-1 space-y-0.5 overflow-y-auto p-1"
          >
            {results.map((message, index) => (
              <SearchResult
                key={`${message.roomId}/${message.id}`}
                id={optionId(index)}
                message={message}
                query={search.query}
                room={roomsById.get(message.roomId)}
                selfUsername={selfUsername}
                active={index === activeIndex}
                onOpen={open}
                onHover={() => setActive(index)}
              />
            ))}
          </ul>

          {search.hasMore && (
            <div className="border-t border-zinc-200 p-2 text-center dark:border-zinc-800">
              <button
                type="button"
                onClick={() => session.loadMore()}
                disabled={search.loadingMore}
                className={secondaryButtonClass}
                data-testid="search-more"
              >
                {search.loadingMore ? 'Loading…' : 'Load more results'}
              </button>
            </div>
          )}
        </div>
      )}
    </div>
  );
}

function statusText(status: string, count: number, hasMore: boolean, query: string): string {
  if (status === 'searching') return 'Searching…';
  if (status === 'error') return 'Search failed';
  if (count === 0) return `No messages match “${query}”`;
  return `${count}${hasMore ? '+' : ''} ${count === 1 ? 'result' : 'results'}`;
}

function SearchIcon() {
  return (
    <svg
      viewBox="0 0 16 16"
      className="pointer-events-none absolute top-1/2 left-2.5 size-4 -translate-y-1/2 text-zinc-400"
      aria-hidden="true"
      focusable="false"
    >
      <circle cx="7" cy="7" r="4.25" fill="none" stroke="currentColor" strokeWidth="1.6" />
      <path
        d="M10.2 10.2 13.5 13.5"
        stroke="currentColor"
        strokeWidth="1.6"
        strokeLinecap="round"
      />
    </svg>
  );
}
