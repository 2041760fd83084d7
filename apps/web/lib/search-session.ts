import { LIMITS, type Message, type SearchResponse } from '@chat/shared';
import { ApiError, type SearchPage } from './api';
import { capitalize } from './text';

/*
 * The search field's results, as a store: results as the user types
 * (debounced), optionally in one room, and "load more" with `before`.
 *
 * Guarantee: what is shown always answers the latest query. Every new query
 * (or room choice, or clear) cancels the requests still on their way (their
 * fetch is aborted) and any late answer of theirs is dropped, so a slow old
 * answer never overwrites a newer one, and a page of "load more" is added
 * only to the results of the query it continues.
 */

export type SearchStatus = 'idle' | 'searching' | 'done' | 'error';

export interface SearchState {
  /** The query the results answer (trimmed); '' while idle. */
  query: string;
  /** The room the search is limited to, or null for every room the user may read. */
  roomId: string | null;
  status: SearchStatus;
  /** Newest first, as the server sends them. */
  results: readonly Message[];
  /** Older matches exist: `loadMore` asks for them. */
  hasMore: boolean;
  loadingMore: boolean;
  /** A message for the user when the last request failed (the first page or "load more"). */
  error: string | null;
}

export const IDLE_SEARCH: SearchState = Object.freeze({
  query: '',
  roomId: null,
  status: 'idle',
  results: Object.freeze([]) as readonly Message[],
  hasMore: false,
  loadingMore: false,
  error: null,
}) as SearchState;

/** How long typing must pause before the query goes (ms). */
export const SEARCH_DEBOUNCE_MS = 250;

export type SearchFn = (page: SearchPage, signal: AbortSignal) => Promise<SearchResponse>;

/** What to tell the user when a search failed, for each of the protocol's answers. */
export function searchErrorMessage(error: unknown): string {
  if (!(error instanceof ApiError)) return 'Search failed. Please try again.';
  switch (error.code) {
    case 'invalid_input':
      return `This search cannot be run: ${error.message}.`;
    case 'unauthorized':
      return 'Your session has ended. Please log in again.';
    case 'forbidden':
    case 'not_found':
      return 'You cannot search this room. Search all rooms instead.';
    case 'rate_limited': {
      const seconds = Math.max(1, Math.ceil((error.retryAfterMs ?? 1000) / 1000));
      return `Too many searches at once. Try again in ${seconds} s.`;
    }
    case 'unavailable':
      return 'Search is not available on this server right now.';
    case 'network_error':
      return 'Cannot reach the chat server. Check your connection.';
    default:
      return `Search failed: ${capitalize(error.message)}`;
  }
}

export class SearchSession {
  private state: SearchState = IDLE_SEARCH;
  private readonly listeners = new Set<() => void>();
  private timer: ReturnType<typeof setTimeout> | undefined;
  /** The requests of the current query: aborted when it changes. */
  private controller: AbortController | null = null;
  /** Bumped on every new query: answers carrying an older one are dropped. */
  private generation = 0;

  constructor(
    private readonly search: SearchFn,
    private readonly debounceMs = SEARCH_DEBOUNCE_MS,
  ) {}

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getSnapshot = (): SearchState => this.state;

  /**
   * The field changed: searches for `text` in `roomId` (or every room) once
   * typing pauses. An empty query clears the results at once; one longer than
   * LIMITS.searchQueryMax shows why, without asking the server.
   */
  setQuery(text: string, roomId: string | null = null): void {
    const query = text.trim();
    if (query === this.state.query && roomId === this.state.roomId && this.state.status !== 'idle')
      return;
    this.cancel();
    if (query.length === 0) {
      this.set(IDLE_SEARCH);
      return;
    }
    if (query.length > LIMITS.searchQueryMax) {
      this.set({
        ...IDLE_SEARCH,
        query,
        roomId,
        status: 'error',
        error: `Search for at most ${LIMITS.searchQueryMax} characters.`,
      });
      return;
    }
    const generation = this.generation;
    this.set({ ...IDLE_SEARCH, query, roomId, status: 'searching' });
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.fetchPage(generation, undefined);
    }, this.debounceMs);
  }

  /** The next page of older matches (`before` = the last result); one request at a time. */
  loadMore(): void {
    const { status, hasMore, loadingMore, results } = this.state;
    const before = results.at(-1)?.id;
    if (status !== 'done' || !hasMore || loadingMore || !before) return;
    this.set({ ...this.state, loadingMore: true, error: null });
    void this.fetchPage(this.generation, before);
  }

  /** Back to idle: nothing shown, nothing on its way. */
  clear(): void {
    this.cancel();
    this.set(IDLE_SEARCH);
  }

  private async fetchPage(generation: number, before: string | undefined): Promise<void> {
    const { query, roomId } = this.state;
    this.controller ??= new AbortController();
    const { signal } = this.controller;
    const page: SearchPage = { q: query, limit: LIMITS.searchDefault };
    if (roomId) page.roomId = roomId;
    if (before) page.before = before;
    try {
      const response = await this.search(page, signal);
      if (generation !== this.generation) return;
      const results = before ? appendNew(this.state.results, response.messages) : response.messages;
      this.set({
        ...this.state,
        status: 'done',
        results,
        hasMore: response.hasMore,
        loadingMore: false,
        error: null,
      });
    } catch (error) {
      if (generation !== this.generation) return;
      const message = searchErrorMessage(error);
      // A failed "load more" keeps the results it would have added to.
      this.set(
        before
          ? { ...this.state, loadingMore: false, error: message }
          : { ...this.state, status: 'error', results: [], hasMore: false, error: message },
      );
    }
  }

  private cancel(): void {
    this.generation += 1;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.controller?.abort();
    this.controller = null;
  }

  private set(next: SearchState): void {
    if (next === this.state) return;
    this.state = next;
    for (const listener of this.listeners) listener();
  }
}

/** Older results after the ones held, without repeating one the server sent twice. */
function appendNew(held: readonly Message[], page: readonly Message[]): readonly Message[] {
  const seen = new Set(held.map((m) => `${m.roomId}/${m.id}`));
  const fresh = page.filter((m) => !seen.has(`${m.roomId}/${m.id}`));
  return fresh.length === 0 ? held : [...held, ...fresh];
}
