import {
  applyRead,
  applySummaries,
  badgeLabel,
  countMessage,
  EMPTY_UNREAD,
  markViewed,
  unreadCount,
  type UnreadState,
} from '../lib/unread';

const SELF = 'u-alice';
const msg = (id: string, roomId = 'r1', userId = 'u-bob') => ({ id, roomId, userId });

function counts(state: UnreadState) {
  return state.counts;
}

describe('unread counts', () => {
  it('starts from the server summaries, except the room in view', () => {
    const state = applySummaries(
      EMPTY_UNREAD,
      [
        { id: 'r1', unread: 3 },
        { id: 'r2', unread: 0 },
        { id: 'r3', unread: 100 },
      ],
      'r3',
    );
    expect(counts(state)).toEqual({ r1: 3 });
    expect(unreadCount(state, 'r2')).toBe(0);
    expect(applySummaries(state, [{ id: 'r1', unread: 3 }], null)).toBe(state);
  });

  it('counts live messages from others in rooms not in view, each id once', () => {
    let state = EMPTY_UNREAD;
    const options = { selfId: SELF, viewingRoomId: 'r2' };
    state = countMessage(state, msg('1-0'), options);
    state = countMessage(state, msg('2-0'), options);
    state = countMessage(state, msg('2-0'), options); // the same message again
    state = countMessage(state, msg('3-0', 'r1', SELF), options); // own
    state = countMessage(state, msg('4-0', 'r2'), options); // in view
    expect(counts(state)).toEqual({ r1: 2 });
  });

  it('adds live messages to the server count, and a new summary replaces both', () => {
    let state = applySummaries(EMPTY_UNREAD, [{ id: 'r1', unread: 5 }], null);
    state = countMessage(state, msg('9-0'), { selfId: SELF, viewingRoomId: null });
    expect(unreadCount(state, 'r1')).toBe(6);
    state = applySummaries(state, [{ id: 'r1', unread: 6 }], null);
    expect(unreadCount(state, 'r1')).toBe(6);
  });

  it('clears a room when it is viewed', () => {
    let state = applySummaries(EMPTY_UNREAD, [{ id: 'r1', unread: 2 }], null);
    state = markViewed(state, 'r1');
    expect(unreadCount(state, 'r1')).toBe(0);
    expect(markViewed(state, 'r1')).toBe(state);
  });

  it('recounts after a read marker from another device', () => {
    let state = EMPTY_UNREAD;
    for (const id of ['1-0', '2-0', '3-0']) {
      state = countMessage(state, msg(id), { selfId: SELF, viewingRoomId: null });
    }
    const held = [msg('1-0'), msg('2-0'), msg('2-5', 'r1', SELF), msg('3-0')];
    const partly = applyRead(state, { roomId: 'r1', messageId: '1-0' }, { selfId: SELF, held });
    expect(unreadCount(partly, 'r1')).toBe(2);
    const all = applyRead(partly, { roomId: 'r1', messageId: '3-0' }, { selfId: SELF, held });
    expect(unreadCount(all, 'r1')).toBe(0);
    // Nothing held for the room: the marker is taken as its end.
    expect(
      unreadCount(applyRead(state, { roomId: 'r1', messageId: '1-0' }, { selfId: SELF }), 'r1'),
    ).toBe(0);
    // Never raises a count.
    const none = applyRead(
      EMPTY_UNREAD,
      { roomId: 'r1', messageId: '0-1' },
      { selfId: SELF, held },
    );
    expect(none).toBe(EMPTY_UNREAD);
  });

  it('labels badges, capping at 99+', () => {
    expect(badgeLabel(0)).toBe('');
    expect(badgeLabel(7)).toBe('7');
    expect(badgeLabel(99)).toBe('99');
    expect(badgeLabel(100)).toBe('99+');
  });
});

describe('unread counts from later fetches', () => {
  it('keeps live counts the server does not know (a public room never opened) when raising', () => {
    let state = applySummaries(EMPTY_UNREAD, [{ id: 'pub', unread: 0 }], null);
    for (const id of ['1-0', '2-0', '3-0']) {
      state = countMessage(state, msg(id, 'pub'), { selfId: SELF, viewingRoomId: null });
    }
    const raised = applySummaries(
      state,
      [
        { id: 'pub', unread: 0 },
        { id: 'dm', unread: 2 },
      ],
      null,
      'raise',
    );
    expect(counts(raised)).toEqual({ pub: 3, dm: 2 });
    // After a reconnect the server's numbers win (a room:read may have been missed).
    expect(counts(applySummaries(raised, [{ id: 'pub', unread: 0 }], null, 'replace'))).toEqual({});
  });
});
