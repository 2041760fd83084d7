import type { SearchResponse } from '@chat/shared';
import { ApiError, type SearchPage } from '../lib/api';
import { searchErrorMessage, SearchSession } from '../lib/search-session';
import { msg } from './support/timelines';

/*
 * The search field's store: debounced, and an answer to an older query never
 * replaces the results of a newer one, however late it comes.
 */

interface Call {
  page: SearchPage;
  signal: AbortSignal;
  resolve: (response: SearchResponse) => void;
  reject: (error: unknown) => void;
}

function setup() {
  const calls: Call[] = [];
  const search = jest.fn(
    (page: SearchPage, signal: AbortSignal) =>
      new Promise<SearchResponse>((resolve, reject) =>
        calls.push({ page, signal, resolve, reject }),
      ),
  );
  const session = new SearchSession(search, 200);
  return { calls, search, session };
}

/** Lets the promise callbacks of settled answers run (microtasks only: the timers are fake). */
async function settle() {
  for (let i = 0; i < 5; i += 1) await Promise.resolve();
}

beforeEach(() => jest.useFakeTimers());
afterEach(() => jest.useRealTimers());

describe('SearchSession', () => {
  it('asks once typing pauses, with the last text, trimmed', () => {
    const { search, session } = setup();
    session.setQuery('h');
    jest.advanceTimersByTime(100);
    session.setQuery('he');
    jest.advanceTimersByTime(100);
    session.setQuery(' hel ');
    expect(session.getSnapshot()).toMatchObject({ status: 'searching', query: 'hel' });
    expect(search).not.toHaveBeenCalled();
    jest.advanceTimersByTime(200);
    expect(search).toHaveBeenCalledTimes(1);
    expect(search.mock.calls[0]?.[0]).toEqual({ q: 'hel', limit: 20 });
  });

  it('drops a slow answer to an older query, and aborts its request', async () => {
    const { calls, session } = setup();
    session.setQuery('old');
    jest.advanceTimersByTime(200);
    session.setQuery('new', 'room-1');
    jest.advanceTimersByTime(200);
    expect(calls[0]?.signal.aborted).toBe(true);
    expect(calls[1]?.page).toEqual({ q: 'new', roomId: 'room-1', limit: 20 });

    calls[1]?.resolve({ messages: [msg('2-0', { text: 'new' })], hasMore: false });
    await settle();
    calls[0]?.resolve({ messages: [msg('1-0', { text: 'old' })], hasMore: false });
    await settle();
    expect(session.getSnapshot()).toMatchObject({ status: 'done', query: 'new', roomId: 'room-1' });
    expect(session.getSnapshot().results.map((m) => m.text)).toEqual(['new']);
  });

  it('loads more with `before` = the last result, only into the query it continues', async () => {
    const { calls, session } = setup();
    session.setQuery('word');
    jest.advanceTimersByTime(200);
    calls[0]?.resolve({ messages: [msg('9-0'), msg('8-0')], hasMore: true });
    await settle();
    session.loadMore();
    session.loadMore(); // one at a time
    expect(calls).toHaveLength(2);
    expect(calls[1]?.page).toEqual({ q: 'word', limit: 20, before: '8-0' });
    calls[1]?.resolve({ messages: [msg('8-0'), msg('7-0')], hasMore: false });
    await settle();
    expect(session.getSnapshot().results.map((m) => m.id)).toEqual(['9-0', '8-0', '7-0']);
    expect(session.getSnapshot().hasMore).toBe(false);

    // A "load more" still on its way when the query changes adds nothing.
    session.setQuery('other');
    jest.advanceTimersByTime(200);
    calls[2]?.resolve({ messages: [msg('5-0')], hasMore: true });
    await settle();
    session.loadMore();
    session.setQuery('third');
    calls[3]?.resolve({ messages: [msg('4-0')], hasMore: false });
    await settle();
    expect(session.getSnapshot()).toMatchObject({
      query: 'third',
      status: 'searching',
      results: [],
    });
  });

  it('clears at once on an empty query, and refuses an overlong one without asking', () => {
    const { search, session } = setup();
    session.setQuery('abc');
    session.setQuery('   ');
    jest.advanceTimersByTime(1000);
    expect(search).not.toHaveBeenCalled();
    expect(session.getSnapshot().status).toBe('idle');
    session.setQuery('x'.repeat(201));
    jest.advanceTimersByTime(1000);
    expect(search).not.toHaveBeenCalled();
    expect(session.getSnapshot()).toMatchObject({ status: 'error' });
    expect(session.getSnapshot().error).toMatch(/at most 200/);
  });

  it('shows a failure as a message, and keeps the results when only "load more" failed', async () => {
    const { calls, session } = setup();
    session.setQuery('word');
    jest.advanceTimersByTime(200);
    calls[0]?.reject(new ApiError(503, 'unavailable', 'search is not configured'));
    await settle();
    expect(session.getSnapshot()).toMatchObject({
      status: 'error',
      error: 'Search is not available on this server right now.',
    });

    session.setQuery('word2');
    jest.advanceTimersByTime(200);
    calls[1]?.resolve({ messages: [msg('3-0')], hasMore: true });
    await settle();
    session.loadMore();
    calls[2]?.reject(new ApiError(429, 'rate_limited', 'slow down', 2500));
    await settle();
    expect(session.getSnapshot()).toMatchObject({
      status: 'done',
      error: 'Too many searches at once. Try again in 3 s.',
    });
    expect(session.getSnapshot().results).toHaveLength(1);
  });

  it('has a clear message for every answer of the protocol', () => {
    const cases: [ApiError, RegExp][] = [
      [new ApiError(400, 'invalid_input', 'q is too long'), /cannot be run: q is too long/],
      [new ApiError(401, 'unauthorized', 'x'), /session has ended/],
      [new ApiError(403, 'forbidden', 'x'), /cannot search this room/],
      [new ApiError(404, 'not_found', 'x'), /cannot search this room/],
      [new ApiError(429, 'rate_limited', 'x'), /Try again in 1 s/],
      [new ApiError(503, 'unavailable', 'x'), /not available/],
      [new ApiError(0, 'network_error', 'x'), /Cannot reach/],
      [new ApiError(500, 'internal', 'boom'), /Search failed: Boom/],
    ];
    for (const [error, pattern] of cases) expect(searchErrorMessage(error)).toMatch(pattern);
    expect(searchErrorMessage(new Error('?'))).toMatch(/Search failed/);
  });
});
