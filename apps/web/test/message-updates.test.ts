import { LIMITS } from '@chat/shared';
import { EMPTY_MESSAGE_LIST, mergeMessages } from '../lib/message-list';
import { applyUpdates } from '../lib/message-updates';
import {
  emptyTimeline,
  joinedWith,
  TimelineState,
  withMessages,
  withUpdates,
} from '../lib/timeline-state';
import { openedAt, windowCaughtUp, withWindowPages } from '../lib/timeline-window';
import { ALICE, at, ids, msg } from './support/messages';

/*
 * Protocol v1.1 `message:updated` and a join's `updated`: the current state
 * replaces what is held by id, in place, and never an older state a newer one.
 */

const list = (...messages: ReturnType<typeof msg>[]) => mergeMessages(EMPTY_MESSAGE_LIST, messages);

describe('applyUpdates', () => {
  it('replaces a held message by id in place, keeping the order, and ignores messages not held', () => {
    const held = list(msg('1-0'), msg('2-0'), msg('3-0'));
    const edited = msg('2-0', { text: 'edited', editedAt: at(5) });
    const next = applyUpdates(held, [edited, msg('9-0', { text: 'not loaded' })]);
    expect(ids(next)).toEqual(['1-0', '2-0', '3-0']);
    expect(next.sent[1]).toBe(edited);
    expect(next.sent[0]).toBe(held.sent[0]);
    // Nothing held changes: the same list back.
    expect(applyUpdates(held, [msg('9-0')])).toBe(held);
    expect(applyUpdates(next, [edited])).toBe(next);
  });

  it('never lets an older state overwrite a newer one: a late edit, an undeleted copy', () => {
    const newer = msg('1-0', { text: 'second edit', editedAt: at(10) });
    const held = list(newer);
    const older = msg('1-0', { text: 'first edit', editedAt: at(5) });
    expect(applyUpdates(held, [older])).toBe(held);
    expect(applyUpdates(held, [msg('1-0', { text: 'original' })])).toBe(held);

    const tombstone = msg('1-0', { text: '', deleted: true });
    const deleted = applyUpdates(held, [tombstone]);
    expect(deleted.sent[0]).toBe(tombstone);
    expect(applyUpdates(deleted, [newer])).toBe(deleted);
  });

  it('applies reaction states in arrival order (the room order the server guarantees)', () => {
    const held = list(msg('1-0'));
    const one = msg('1-0', { reactions: [{ emoji: '👍', userIds: ['a'] }] });
    const two = msg('1-0', { reactions: [{ emoji: '👍', userIds: ['a', 'b'] }] });
    expect(applyUpdates(held, [one, two]).sent[0]).toBe(two);
  });

  it("makes the quotes of held replies follow their original's edit and delete", () => {
    const original = msg('1-0', { text: 'original' });
    const reply = msg('2-0', {
      userId: ALICE.id,
      replyTo: { id: '1-0', userId: original.userId, username: 'bob', text: 'original' },
    });
    const held = list(original, reply);

    const long = 'é'.repeat(LIMITS.replyTextMax + 50);
    const edited = applyUpdates(held, [msg('1-0', { text: long, editedAt: at(3) })]);
    expect(edited.sent[1]?.replyTo?.text).toBe('é'.repeat(LIMITS.replyTextMax));

    const deleted = applyUpdates(edited, [msg('1-0', { text: '', deleted: true })]);
    expect(deleted.sent[1]?.replyTo).toEqual(expect.objectContaining({ text: '', deleted: true }));

    // The original need not be loaded: a reply held alone follows too.
    const alone = list(reply);
    const followed = applyUpdates(alone, [msg('1-0', { text: 'new', editedAt: at(4) })]);
    expect(followed.sent[0]?.replyTo?.text).toBe('new');
    expect(ids(followed)).toEqual(['2-0']);
  });
});

describe('updates in timelines', () => {
  it('replaces in the live run and in an open window alike', () => {
    let timeline = withMessages(emptyTimeline('r1'), [msg('50-0')]);
    timeline = openedAt(timeline, '5-0');
    timeline = withWindowPages(
      timeline,
      { messages: [msg('4-0')], hasMore: false },
      { messages: [msg('5-0'), msg('6-0')], hasMore: true },
    );
    expect(timeline.window).not.toBeNull();
    const edits = [
      msg('5-0', { text: 'in window', editedAt: at(1) }),
      msg('50-0', { text: 'live', editedAt: at(1) }),
    ];
    const next = withUpdates(timeline, edits);
    expect(next.window?.messages.sent.find((m) => m.id === '5-0')?.text).toBe('in window');
    expect(next.messages.sent[0]?.text).toBe('live');
  });

  it("applies a rejoin's `updated` by id, and takes v1 acks without it", () => {
    const timeline = withMessages(emptyTimeline('r1'), [msg('1-0'), msg('2-0')]);
    const rejoined = joinedWith(
      timeline,
      { missed: [msg('3-0')], complete: true, updated: [msg('1-0', { text: '', deleted: true })] },
      '2-0',
    );
    expect(ids(rejoined.messages)).toEqual(['1-0', '2-0', '3-0']);
    expect(rejoined.messages.sent[0]?.deleted).toBe(true);
    expect(joinedWith(timeline, { missed: [], complete: true }, '2-0').messages).toBe(
      timeline.messages,
    );
  });

  it("applies the `updated` of a window's catch-up too", () => {
    let timeline = openedAt(withMessages(emptyTimeline('r1'), [msg('50-0')]), '5-0');
    timeline = withWindowPages(
      timeline,
      { messages: [], hasMore: false },
      { messages: [msg('5-0'), msg('6-0')], hasMore: false },
    );
    const caughtUp = windowCaughtUp(timeline, {
      missed: [],
      complete: false,
      updated: [msg('5-0', { text: 'changed meanwhile', editedAt: at(2) })],
    });
    expect(caughtUp.window?.messages.sent[0]?.text).toBe('changed meanwhile');
  });

  it('receives updates for the rooms held only', () => {
    const state = new TimelineState();
    state.update('r1', (t) => withMessages(t, [msg('1-0')]));
    const listener = jest.fn();
    state.subscribe(listener);
    state.receiveUpdates([msg('1-0', { roomId: 'r9', text: 'elsewhere' })]);
    expect(listener).not.toHaveBeenCalled();
    state.receiveUpdates([msg('1-0', { text: 'edited', editedAt: at(1) })]);
    expect(state.get('r1')?.messages.sent[0]?.text).toBe('edited');
    expect(listener).toHaveBeenCalledTimes(1);
  });
});
