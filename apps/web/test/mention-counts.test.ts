import type { Message } from '@chat/shared';
import { pageTitle } from '../lib/page-title';
import { shouldNotify } from '../lib/notifications';
import {
  applyRead,
  applySummaries,
  countMessage,
  EMPTY_UNREAD,
  forgetRoom,
  markViewed,
  mentionCount,
  unreadCount,
} from '../lib/unread';

/* Mention badges beside unread counts, the page title's count, and when to notify. */

const SELF = 'me';
const summary = (id: string, unread: number, mentions?: number) => ({
  id,
  name: id,
  kind: 'public' as const,
  createdBy: 'x',
  createdAt: '',
  unread,
  ...(mentions === undefined ? {} : { mentions }),
});
const live = (id: string, roomId: string, mentions?: string[]): Message => ({
  id,
  roomId,
  userId: 'someone',
  username: 'someone',
  text: 'hi',
  clientId: id,
  createdAt: '',
  ...(mentions ? { mentions } : {}),
});
const options = { selfId: SELF, viewingRoomId: 'open' };

describe('mention counts', () => {
  it("start from the summaries' mentions and count live messages that mention the reader", () => {
    let state = applySummaries(EMPTY_UNREAD, [summary('r1', 3, 1), summary('r2', 2)], null);
    expect(mentionCount(state, 'r1')).toBe(1);
    expect(mentionCount(state, 'r2')).toBe(0);
    state = countMessage(state, live('9-0', 'r2', [SELF]), options);
    state = countMessage(state, live('9-0', 'r2', [SELF]), options); // the same message again
    state = countMessage(state, live('10-0', 'r2', ['other']), options);
    state = countMessage(state, live('11-0', 'open', [SELF]), options); // the room in view
    expect(mentionCount(state, 'r2')).toBe(1);
    expect(unreadCount(state, 'r2')).toBe(4);
    expect(mentionCount(state, 'open')).toBe(0);
  });

  it('clear on viewing the room, on a read marker past them, and when the room is gone', () => {
    let state = applySummaries(EMPTY_UNREAD, [summary('r1', 2, 2), summary('r2', 1, 1)], null);
    expect(mentionCount(markViewed(state, 'r1'), 'r1')).toBe(0);
    const held = [
      { id: '1-0', userId: 'someone', mentions: [SELF] },
      { id: '2-0', userId: 'someone', mentions: [SELF] },
    ];
    state = applyRead(state, { roomId: 'r1', messageId: '1-0' }, { selfId: SELF, held });
    expect(mentionCount(state, 'r1')).toBe(1);
    expect(unreadCount(state, 'r1')).toBe(1);
    state = forgetRoom(state, 'r2');
    expect(mentionCount(state, 'r2')).toBe(0);
    expect(unreadCount(state, 'r2')).toBe(0);
    // A summary that changes nothing keeps the same state.
    expect(applySummaries(state, [summary('r1', 1, 1)], null)).toBe(state);
  });
});

describe('pageTitle', () => {
  it('counts unread messages of every room, capped, and is plain with none', () => {
    expect(pageTitle(EMPTY_UNREAD)).toBe('Chat');
    const state = applySummaries(EMPTY_UNREAD, [summary('r1', 2), summary('r2', 1)], null);
    expect(pageTitle(state)).toBe('(3) Chat');
    const many = applySummaries(EMPTY_UNREAD, [summary('r1', 80), summary('r2', 40)], null);
    expect(pageTitle(many)).toBe('(99+) Chat');
  });
});

describe('shouldNotify', () => {
  const base = { selfId: SELF, pageHidden: true };
  it('notifies mentions and DMs from others while the page is hidden only', () => {
    expect(shouldNotify(live('1', 'r', [SELF]), { ...base, roomKind: 'public' })).toBe(true);
    expect(shouldNotify(live('1', 'r'), { ...base, roomKind: 'dm' })).toBe(true);
    expect(shouldNotify(live('1', 'r'), { ...base, roomKind: 'public' })).toBe(false);
    expect(
      shouldNotify(live('1', 'r', [SELF]), { ...base, roomKind: 'public', pageHidden: false }),
    ).toBe(false);
    expect(shouldNotify({ ...live('1', 'r'), userId: SELF }, { ...base, roomKind: 'dm' })).toBe(
      false,
    );
  });
});
