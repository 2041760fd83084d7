import type { Message } from '@chat/shared';
import {
  emptyTimeline,
  hasOlder,
  joinedWith,
  shownMessages,
  withGapPage,
  withMessages,
} from '../lib/timeline-state';
import { flush, msg, setup } from './support/timelines';

/*
 * A rejoin whose catch-up was capped (`complete: false`) used to be merged as
 * if `missed` were everything: the messages between the last one held and
 * the first missed one were silently never shown. Now the timeline keeps a
 * gap and fills it through history with `after` and `before`, as scrolling
 * back loads older pages.
 */

const ids = (messages: readonly Message[]) => messages.map((m) => m.id);

describe('the gap of a capped catch-up', () => {
  const held = withMessages(emptyTimeline('r1'), [msg('1-0'), msg('2-0')]);

  it('opens on complete: false, shows only what lies above it, and closes once filled', () => {
    const complete = joinedWith(held, { missed: [msg('3-0')], complete: true }, '2-0');
    expect(complete.gap).toBeNull();
    expect(shownMessages(complete)).toBe(complete.messages);

    const capped = joinedWith(held, { missed: [msg('8-0'), msg('9-0')], complete: false }, '2-0');
    expect(capped.gap).toEqual({ after: '2-0', before: '8-0' });
    expect(hasOlder(capped)).toBe(true);
    expect(ids(shownMessages(capped).sent)).toEqual(['8-0', '9-0']);
    // Nothing held is dropped: it shows again once the gap is filled.
    expect(ids(capped.messages.sent)).toEqual(['1-0', '2-0', '8-0', '9-0']);

    const part = withGapPage(capped, { messages: [msg('6-0'), msg('7-0')], hasMore: true });
    expect(part.gap).toEqual({ after: '2-0', before: '6-0' });
    expect(ids(shownMessages(part).sent)).toEqual(['6-0', '7-0', '8-0', '9-0']);

    const done = withGapPage(part, {
      messages: [msg('3-0'), msg('4-0'), msg('5-0')],
      hasMore: false,
    });
    expect(done.gap).toBeNull();
    expect(hasOlder(done)).toBe(false);
    expect(ids(shownMessages(done).sent)).toEqual([
      '1-0',
      '2-0',
      '3-0',
      '4-0',
      '5-0',
      '6-0',
      '7-0',
      '8-0',
      '9-0',
    ]);
  });

  it('widens an open gap when a second rejoin is capped too: no hole between them', () => {
    const first = joinedWith(held, { missed: [msg('8-0')], complete: false }, '2-0');
    const second = joinedWith(first, { missed: [msg('20-0')], complete: false }, '8-0');
    expect(second.gap).toEqual({ after: '2-0', before: '20-0' });
  });

  it('loads the gap with after and before before any older page, then pages on as usual', async () => {
    const { socket, store, history, timeline } = setup([
      { messages: [msg('1-0'), msg('2-0')], hasMore: true },
      { messages: [msg('6-0'), msg('7-0')], hasMore: true },
      { messages: [msg('3-0'), msg('4-0'), msg('5-0')], hasMore: false },
      { messages: [msg('0-1')], hasMore: false },
    ]);
    socket.answers['room:join'] = async () => ({ ok: true, room: {}, missed: [] });
    socket.connect();
    store.open('r1');
    await flush();
    socket.disconnect();
    socket.answers['room:join'] = async () => ({
      ok: true,
      room: {},
      missed: [msg('8-0'), msg('9-0')],
      complete: false,
      updated: [],
    });
    socket.connect();
    await flush();
    expect(socket.joins().at(-1)).toEqual({ roomId: 'r1', after: '2-0' });
    expect(timeline()?.gap).toEqual({ after: '2-0', before: '8-0' });

    await store.loadOlder('r1');
    expect(history).toHaveBeenLastCalledWith('r1', { after: '2-0', before: '8-0', limit: 50 });
    await store.loadOlder('r1');
    expect(history).toHaveBeenLastCalledWith('r1', { after: '2-0', before: '6-0', limit: 50 });
    expect(timeline()?.gap).toBeNull();
    await store.loadOlder('r1');
    expect(history).toHaveBeenLastCalledWith('r1', { before: '1-0', limit: 50 });
    expect(ids(timeline()!.messages.sent)).toEqual([
      '0-1',
      '1-0',
      '2-0',
      '3-0',
      '4-0',
      '5-0',
      '6-0',
      '7-0',
      '8-0',
      '9-0',
    ]);
  });
});
