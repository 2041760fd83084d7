import { addLocal, EMPTY_MESSAGE_LIST, mergeMessages } from '../lib/message-list';
import { buildTimeline, localDayKey, messageKey, timelineEntries } from '../lib/timeline-rows';
import { ALICE, at, idOf, local, msg } from './support/messages';

describe('timelineEntries', () => {
  it('shows a pending message after the server messages', () => {
    let list = mergeMessages(EMPTY_MESSAGE_LIST, [msg('1-0')]);
    list = addLocal(list, local('a'));
    expect(timelineEntries(list).map((e) => [idOf(e), e.status])).toEqual([
      ['1-0', 'sent'],
      ['a', 'pending'],
    ]);
  });

  it('keeps the row key from pending to sent, so the row stays the same element', () => {
    const pending = addLocal(EMPTY_MESSAGE_LIST, local('a'));
    const [before] = timelineEntries(pending);
    const acked = mergeMessages(pending, [msg('7-0', { userId: ALICE.id, clientId: 'a' })]);
    const [after] = timelineEntries(acked);
    expect(before?.status).toBe('pending');
    expect(after?.status).toBe('sent');
    expect(after?.key).toBe(before?.key);
    expect(after?.key).toBe(messageKey({ userId: ALICE.id, clientId: 'a' }));
  });

  it('keys a reused (sender, clientId) pair by id, so keys stay unique', () => {
    const list = mergeMessages(EMPTY_MESSAGE_LIST, [
      msg('1-0', { clientId: 'again' }),
      msg('2-0', { clientId: 'again' }),
    ]);
    const keys = timelineEntries(list).map((e) => e.key);
    expect(new Set(keys).size).toBe(2);
    expect(keys[1]).toBe('id:2-0');
  });
});

describe('buildTimeline', () => {
  it('starts a group at each new sender, long pause or new day, and marks own messages', () => {
    let list = mergeMessages(EMPTY_MESSAGE_LIST, [
      msg('1-0', { createdAt: at(0) }),
      msg('2-0', { createdAt: at(1) }), // same sender, 1 min later
      msg('3-0', { createdAt: at(2), userId: ALICE.id, username: 'alice' }),
      msg('4-0', { createdAt: at(3), userId: ALICE.id, username: 'alice' }),
      msg('5-0', { createdAt: at(20), userId: ALICE.id, username: 'alice' }), // 17 min later
      msg('6-0', { createdAt: at(21, 6) }), // next day
    ]);
    list = addLocal(list, local('p', { createdAt: at(22, 6) }));

    const rows = buildTimeline(list, { selfId: ALICE.id });
    expect(
      rows.map((row) =>
        row.kind === 'day'
          ? row.key
          : [idOf(row.entry), row.startsGroup, row.own, row.entry.status],
      ),
    ).toEqual([
      `day:${localDayKey(at(0))}`,
      ['1-0', true, false, 'sent'],
      ['2-0', false, false, 'sent'],
      ['3-0', true, true, 'sent'],
      ['4-0', false, true, 'sent'],
      ['5-0', true, true, 'sent'],
      `day:${localDayKey(at(21, 6))}`,
      ['6-0', true, false, 'sent'],
      ['p', true, true, 'pending'],
    ]);
  });

  it('gives every row a unique key', () => {
    let list = mergeMessages(EMPTY_MESSAGE_LIST, [msg('1-0'), msg('2-0')]);
    list = addLocal(list, local('a'));
    const keys = buildTimeline(list, { selfId: ALICE.id }).map((row) => row.key);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('keeps message text as data: markup stays a plain string', () => {
    const text = '<img src=x onerror=alert(1)>\nsecond line';
    const list = mergeMessages(EMPTY_MESSAGE_LIST, [msg('1-0', { text })]);
    const row = buildTimeline(list, { selfId: ALICE.id }).find((r) => r.kind === 'message');
    expect(row?.kind === 'message' && row.entry.message.text).toBe(text);
  });
});
