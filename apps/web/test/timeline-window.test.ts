import { compareMessageIds, type Message } from '@chat/shared';
import type { ApiClient, HistoryPage } from '../lib/api';
import type { ChatSocket } from '../lib/socket';
import { emptyTimeline, shownMessages, withMessages, type Timeline } from '../lib/timeline-state';
import { TimelineStore } from '../lib/timelines';
import { openedAt, withWindowNewerPage, withWindowPages } from '../lib/timeline-window';
import { FakeSocket } from './support/fake-socket';
import { flush, msg, SELF } from './support/timelines';

/*
 * A room opened at an old message (a search result) shows a window of history
 * around it, apart from the live end, and pages forward until it joins the
 * live end. Joining must leave one run with no hole and no duplicate, and the
 * live messages that arrived while the window was open must all be there, in
 * order.
 */

const id = (n: number) => `${n}-0`;
const ids = (messages: readonly Message[]) => messages.map((m) => m.id);
const range = (from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, i) => id(from + i));

/** A room on the "server": messages 1..count, answering history as the protocol says. */
class FakeRoom {
  messages: Message[] = [];
  /** The most `missed` a catch-up carries (MISSED_MAX). */
  missedMax = 100;
  constructor(count: number) {
    for (let n = 1; n <= count; n += 1) this.messages.push(msg(id(n)));
  }
  /** Stores a message and returns it (to fire it live, or not). */
  add(): Message {
    const last = this.messages.at(-1)?.id ?? '0-0';
    const message = msg(id(Number(last.split('-')[0]) + 1));
    this.messages.push(message);
    return message;
  }
  history(query: HistoryPage) {
    const limit = query.limit ?? 50;
    const inRange = this.messages.filter(
      (m) =>
        (!query.after || compareMessageIds(m.id, query.after) > 0) &&
        (!query.before || compareMessageIds(m.id, query.before) < 0),
    );
    const page = query.from === 'oldest' ? inRange.slice(0, limit) : inRange.slice(-limit);
    return { messages: page, hasMore: inRange.length > page.length };
  }
  /** The ack of `room:join`: the newest `missedMax` after `after`. */
  join(after: string | undefined) {
    const missed = after ? this.messages.filter((m) => compareMessageIds(m.id, after) > 0) : [];
    return {
      ok: true,
      room: {},
      missed: missed.slice(-this.missedMax),
      complete: missed.length <= this.missedMax,
      updated: [],
    };
  }
}

function setup(count: number) {
  const room = new FakeRoom(count);
  const socket = new FakeSocket();
  const history = jest.fn(async (_roomId: string, query: HistoryPage) => room.history(query));
  const store = new TimelineStore({ history } as unknown as ApiClient, SELF);
  store.attach(socket as unknown as ChatSocket);
  socket.answers['room:join'] = async (payload) => room.join(payload.after as string | undefined);
  const timeline = () => store.getSnapshot()['r1'] as Timeline;
  const shown = () => ids(shownMessages(timeline()).sent);
  const live = (message = room.add()) => socket.fire('message:new', message);
  return { room, socket, history, store, timeline, shown, live };
}

/** Loads newer pages until the window joins the live end (bounded: a loop would fail the test). */
async function pageToLiveEnd(store: TimelineStore, timeline: () => Timeline) {
  for (let i = 0; i < 20 && timeline().window; i += 1) {
    await store.loadNewer('r1');
    await flush();
  }
  expect(timeline().window).toBeNull();
}

describe('a room opened at a message it does not show', () => {
  it('shows the messages around it, highlighted, while the live end stays as it was', async () => {
    const { socket, history, store, timeline, shown } = setup(300);
    socket.connect();
    store.open('r1');
    await flush();
    expect(shown()).toEqual(range(251, 300));

    await store.openAt('r1', id(120));
    expect(history).toHaveBeenCalledWith('r1', { before: id(120), limit: 50 });
    // From the message itself on: after the one just before it.
    expect(history).toHaveBeenCalledWith('r1', { after: id(119), from: 'oldest', limit: 50 });
    expect(timeline().focusId).toBe(id(120));
    expect(shown()).toEqual(range(70, 169));
    expect(ids(timeline().messages.sent)).toEqual(range(251, 300));
    expect(timeline().window).toMatchObject({ loaded: true, hasOlder: true, newer: 'more' });
  });

  it('joins the live end when newer pages reach it: no hole, no duplicate, live messages kept', async () => {
    const { socket, store, timeline, shown, live } = setup(300);
    socket.connect();
    store.open('r1');
    await flush();
    await store.openAt('r1', id(120));

    // Live messages while the window is open: kept at the live end, not shown in the window.
    live();
    live();
    expect(shown()).toEqual(range(70, 169));
    expect(ids(timeline().messages.sent)).toEqual(range(251, 302));

    await store.loadNewer('r1');
    expect(shown()).toEqual(range(70, 219));
    live();
    await pageToLiveEnd(store, timeline);

    expect(shown()).toEqual(range(70, 303));
    expect(timeline()).toMatchObject({ focusId: id(120), hasMore: true, gap: null });
    // Older pages go on from the window's oldest message, and reach the room's start.
    while (timeline().hasMore) await store.loadOlder('r1');
    expect(shown()).toEqual(range(1, 303));
    live();
    expect(shown()).toEqual(range(1, 304));
  });

  it('at the room start: the newer page has no `after`, and nothing older is offered', async () => {
    const { socket, history, store, timeline, shown } = setup(300);
    socket.connect();
    store.open('r1');
    await flush();
    await store.openAt('r1', id(1));
    expect(history).toHaveBeenLastCalledWith('r1', { from: 'oldest', limit: 50 });
    expect(shown()).toEqual(range(1, 50));
    expect(timeline().window?.hasOlder).toBe(false);
  });

  it('catches up with room:join from the newest shown when the window reaches the end on its own', async () => {
    // The live run holds nothing: the room's latest page failed, and no live message came.
    const { room, socket, history, store, timeline, shown, live } = setup(120);
    history.mockRejectedValueOnce(new Error('down'));
    socket.connect();
    store.open('r1');
    await flush();
    expect(timeline().messages.sent).toHaveLength(0);

    // Stored while the window loads, and not heard live (the catch-up must bring it).
    const history0 = history.getMockImplementation()!;
    history.mockImplementation(async (roomId, query) => {
      const page = await history0(roomId, query);
      if (query.from === 'oldest') room.add();
      return page;
    });
    await store.openAt('r1', id(80));
    await flush();
    expect(socket.joins().at(-1)).toEqual({ roomId: 'r1', after: id(120) });
    expect(timeline().window).toBeNull();
    expect(shown()).toEqual(range(30, 121));
    live();
    expect(shown()).toEqual(range(30, 122));
  });

  it('pages on when the catch-up is capped, until the window reaches what it carried', async () => {
    const { room, socket, history, store, timeline, shown } = setup(100);
    room.missedMax = 5;
    history.mockRejectedValueOnce(new Error('down'));
    socket.connect();
    store.open('r1');
    await flush();
    const history0 = history.getMockImplementation()!;
    let burst = true;
    history.mockImplementation(async (roomId, query) => {
      const page = await history0(roomId, query);
      // A burst of 60 is stored just after the server answered "nothing newer".
      if (query.from === 'oldest' && !page.hasMore && burst) {
        burst = false;
        for (let i = 0; i < 60; i += 1) room.add();
      }
      return page;
    });
    await store.openAt('r1', id(60));
    await flush();
    // Capped: the 5 newest went to the live end; the window still has 55 to load.
    expect(ids(timeline().messages.sent)).toEqual(range(156, 160));
    expect(timeline().window?.newer).toBe('more');
    await pageToLiveEnd(store, timeline);
    expect(shown()).toEqual(range(10, 160));
  });

  it('shows why a catch-up failed, keeps the window, and lets it go on after the room is rejoined', async () => {
    const { room, socket, history, store, timeline, shown } = setup(120);
    history.mockRejectedValueOnce(new Error('down'));
    socket.connect();
    store.open('r1');
    await flush();
    const join = socket.answers['room:join']!;
    socket.answers['room:join'] = async () => ({
      ok: false,
      error: { code: 'unavailable', message: 'store down' },
    });
    await store.openAt('r1', id(80));
    expect(timeline().window).toMatchObject({ newer: 'more', error: 'Store down' });
    expect(shown()).toEqual(range(30, 120));

    socket.disconnect();
    socket.answers['room:join'] = join;
    room.add();
    socket.connect();
    await flush();
    expect(timeline().window?.error).toBeNull();
    await pageToLiveEnd(store, timeline);
    expect(shown()).toEqual(range(30, 121));
  });

  it('drops the answers of a window replaced or closed meanwhile', async () => {
    const { socket, history, store, timeline, shown } = setup(300);
    socket.connect();
    store.open('r1');
    await flush();
    const history0 = history.getMockImplementation()!;
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    history.mockImplementationOnce(async (roomId, query) => {
      await held;
      return history0(roomId, query);
    });
    const first = store.openAt('r1', id(50));
    await store.openAt('r1', id(150));
    release();
    await first;
    expect(timeline().focusId).toBe(id(150));
    expect(shown()).toEqual(range(100, 199));

    store.jumpToLatest('r1');
    expect(timeline()).toMatchObject({ window: null, focusId: null });
    expect(shown()).toEqual(range(251, 300));
  });

  it('only highlights a message already shown, and sending goes back to the live end', async () => {
    const { socket, history, store, timeline, shown } = setup(300);
    socket.answers['message:send'] = async () => new Promise(() => {});
    socket.connect();
    store.open('r1');
    await flush();
    const calls = history.mock.calls.length;
    await store.openAt('r1', id(280));
    expect(history.mock.calls.length).toBe(calls);
    expect(timeline()).toMatchObject({ window: null, focusId: id(280) });

    await store.openAt('r1', id(20));
    expect(timeline().window).not.toBeNull();
    // Another message of the open window: highlighted in place, the window kept as it is.
    const window = timeline().window;
    await store.openAt('r1', id(45));
    expect(history.mock.calls.length).toBe(calls + 2);
    expect(timeline().window).toBe(window);
    expect(timeline().focusId).toBe(id(45));
    store.send('r1', 'hello');
    expect(timeline().window).toBeNull();
    expect(shown()).toEqual(range(251, 300));
    expect(timeline().messages.local.map((m) => m.text)).toEqual(['hello']);
  });
});

describe('joining a window to the live run (pure)', () => {
  const page = (from: number, to: number, hasMore: boolean) => ({
    messages: range(from, to).map((x) => msg(x)),
    hasMore,
  });

  it('shrinks the live run gap to what lies between it and the window, or closes it', () => {
    // Held: 1..10 below a gap, 50..60 above it.
    const held: Timeline = {
      ...withMessages(emptyTimeline('r1'), [
        ...page(1, 10, false).messages,
        ...page(50, 60, false).messages,
      ]),
      historyLoaded: true,
      gap: { after: id(10), before: id(50) },
    };
    const window = withWindowPages(openedAt(held, id(30)), page(20, 29, true), page(30, 40, true));
    expect(window.window).not.toBeNull();
    const joined = withWindowNewerPage(window, page(41, 55, true));
    expect(joined.window).toBeNull();
    expect(joined.gap).toEqual({ after: id(10), before: id(20) });
    expect(ids(shownMessages(joined).sent)).toEqual(range(20, 60));

    const reaching = withWindowPages(openedAt(held, id(5)), page(1, 4, false), page(5, 54, true));
    expect(reaching.window).toBeNull();
    expect(reaching.gap).toBeNull();
    expect(reaching.hasMore).toBe(false);
    expect(ids(shownMessages(reaching).sent)).toEqual(range(1, 60));
  });
});
