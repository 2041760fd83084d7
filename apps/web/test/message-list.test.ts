import type { Message } from '@chat/shared';
import {
  addLocal,
  EMPTY_MESSAGE_LIST,
  markFailed,
  markPending,
  mergeMessages,
  newestId,
  oldestId,
  pendingMessages,
} from '../lib/message-list';
import { timelineEntries } from '../lib/timeline-rows';
import { ALICE, BOB, idOf, ids, local, msg } from './support/messages';

describe('mergeMessages', () => {
  it('keeps each id once, whatever the overlap', () => {
    let list = mergeMessages(EMPTY_MESSAGE_LIST, [msg('1-0'), msg('2-0'), msg('3-0')]);
    list = mergeMessages(list, [msg('2-0'), msg('3-0'), msg('4-0')]);
    list = mergeMessages(list, [msg('4-0'), msg('4-0')]);
    expect(ids(list)).toEqual(['1-0', '2-0', '3-0', '4-0']);
  });

  it('keeps the first copy of a known id', () => {
    const first = msg('1-0', { text: 'original' });
    const list = mergeMessages(EMPTY_MESSAGE_LIST, [first]);
    const again = mergeMessages(list, [msg('1-0', { text: 'duplicate' })]);
    expect(again).toBe(list);
    expect(again.sent[0]).toBe(first);
  });

  it('orders by compareMessageIds (numeric parts), not by string or arrival order', () => {
    const list = mergeMessages(EMPTY_MESSAGE_LIST, [
      msg('10-0'),
      msg('9-1'),
      msg('9-0'),
      msg('100-0'),
      msg('9-10'),
      msg('9-2'),
    ]);
    expect(ids(list)).toEqual(['9-0', '9-1', '9-2', '9-10', '10-0', '100-0']);
  });

  it('prepends an older history page and appends live messages', () => {
    let list = mergeMessages(EMPTY_MESSAGE_LIST, [msg('50-0'), msg('51-0'), msg('52-0')]);
    list = mergeMessages(list, [msg('53-0')]); // live
    list = mergeMessages(list, [msg('48-0'), msg('49-0'), msg('50-0')]); // older page, overlapping
    expect(ids(list)).toEqual(['48-0', '49-0', '50-0', '51-0', '52-0', '53-0']);
    expect(oldestId(list)).toBe('48-0');
    expect(newestId(list)).toBe('53-0');
  });

  it('interleaves messages that land between known ones', () => {
    let list = mergeMessages(EMPTY_MESSAGE_LIST, [msg('1-0'), msg('5-0'), msg('9-0')]);
    list = mergeMessages(list, [msg('7-0'), msg('3-0'), msg('5-0'), msg('10-0')]);
    expect(ids(list)).toEqual(['1-0', '3-0', '5-0', '7-0', '9-0', '10-0']);
  });

  it('returns the same list when nothing is new', () => {
    const list = mergeMessages(EMPTY_MESSAGE_LIST, [msg('1-0')]);
    expect(mergeMessages(list, [])).toBe(list);
    expect(mergeMessages(list, [list.sent[0] as Message])).toBe(list);
  });

  it('does not mutate its input', () => {
    const list = mergeMessages(EMPTY_MESSAGE_LIST, [msg('1-0'), msg('3-0')]);
    const before = [...list.sent];
    mergeMessages(list, [msg('2-0')]);
    expect(list.sent).toEqual(before);
    expect(EMPTY_MESSAGE_LIST.sent).toHaveLength(0);
  });
});

describe('pending messages', () => {
  it('replaces the pending message with the acked one (same clientId)', () => {
    let list = addLocal(EMPTY_MESSAGE_LIST, local('a', { text: 'hello' }));
    const acked = msg('7-0', { userId: ALICE.id, username: 'alice', clientId: 'a', text: 'hello' });
    list = mergeMessages(list, [acked]);
    expect(list.local).toHaveLength(0);
    expect(list.sent).toEqual([acked]);
  });

  it('shows the message once when message:new comes before the ack, or after it', () => {
    const stored = msg('7-0', { userId: ALICE.id, clientId: 'a' });
    const pending = addLocal(EMPTY_MESSAGE_LIST, local('a'));

    const liveFirst = mergeMessages(mergeMessages(pending, [stored]), [{ ...stored }]);
    const ackFirst = mergeMessages(mergeMessages(pending, [{ ...stored }]), [stored]);
    for (const list of [liveFirst, ackFirst]) {
      expect(timelineEntries(list).map(idOf)).toEqual(['7-0']);
    }
  });

  it('only matches the clientId of the same sender', () => {
    let list = addLocal(EMPTY_MESSAGE_LIST, local('same'));
    list = mergeMessages(list, [msg('1-0', { userId: BOB.id, clientId: 'same' })]);
    expect(list.local.map((m) => m.clientId)).toEqual(['same']);
    expect(ids(list)).toEqual(['1-0']);
  });

  it('keeps other pending messages, in the order they were written', () => {
    let list = addLocal(EMPTY_MESSAGE_LIST, local('a'));
    list = addLocal(list, local('b'));
    list = addLocal(list, local('c'));
    list = mergeMessages(list, [msg('1-0', { userId: ALICE.id, clientId: 'b' })]);
    expect(list.local.map((m) => m.clientId)).toEqual(['a', 'c']);
  });

  it('marks a message failed, and a retry re-arms the same clientId in place', () => {
    let list = addLocal(EMPTY_MESSAGE_LIST, local('a'));
    list = addLocal(list, local('b'));
    list = markFailed(list, 'a', { code: 'rate_limited', message: 'you are sending too fast' });
    expect(list.local[0]).toMatchObject({
      clientId: 'a',
      status: 'failed',
      error: { code: 'rate_limited' },
    });
    expect(pendingMessages(list).map((m) => m.clientId)).toEqual(['b']);

    list = markPending(list, 'a');
    expect(list.local.map((m) => [m.clientId, m.status])).toEqual([
      ['a', 'pending'],
      ['b', 'pending'],
    ]);
    expect(list.local[0]?.error).toBeUndefined();
  });

  it('ignores unknown clientIds and no-op changes', () => {
    const list = addLocal(EMPTY_MESSAGE_LIST, local('a'));
    expect(markFailed(list, 'zzz', { code: 'internal', message: 'x' })).toBe(list);
    expect(markPending(list, 'a')).toBe(list);
  });

  it('does not add a local copy of a message the server already has', () => {
    const list = mergeMessages(EMPTY_MESSAGE_LIST, [
      msg('1-0', { userId: ALICE.id, clientId: 'a' }),
    ]);
    expect(addLocal(list, local('a'))).toBe(list);
  });

  it('adding the same clientId again replaces the local copy instead of duplicating it', () => {
    let list = addLocal(EMPTY_MESSAGE_LIST, local('a', { text: 'first' }));
    list = addLocal(list, local('a', { text: 'second' }));
    expect(list.local.map((m) => m.text)).toEqual(['second']);
  });
});

describe('reconnect catch-up', () => {
  it('merges `missed` after a rejoin without duplicates or gaps', () => {
    // Seen before the disconnect: 1..3, and a message of ours waiting for its ack.
    let list = mergeMessages(EMPTY_MESSAGE_LIST, [msg('1-0'), msg('2-0'), msg('3-0')]);
    list = addLocal(list, local('mine'));
    expect(newestId(list)).toBe('3-0'); // the `after` cursor

    // A live message raced the disconnect; then the rejoin's `missed` (after 3-0) overlaps it
    // and contains our own message, stored before the connection dropped.
    list = mergeMessages(list, [msg('5-0')]);
    const missed = [
      msg('4-0'),
      msg('5-0'),
      msg('6-0', { userId: ALICE.id, clientId: 'mine' }),
      msg('7-0'),
    ];
    list = mergeMessages(list, missed);
    // Live messages that followed the ack, partly repeated.
    list = mergeMessages(list, [msg('7-0'), msg('8-0')]);

    expect(ids(list)).toEqual(['1-0', '2-0', '3-0', '4-0', '5-0', '6-0', '7-0', '8-0']);
    expect(list.local).toHaveLength(0);
  });

  it('keeps unconfirmed messages pending for the resend after the rejoin', () => {
    let list = addLocal(EMPTY_MESSAGE_LIST, local('offline-1'));
    list = addLocal(list, local('offline-2'));
    list = mergeMessages(list, [msg('1-0')]); // missed, none of ours
    expect(pendingMessages(list).map((m) => m.clientId)).toEqual(['offline-1', 'offline-2']);
  });
});
