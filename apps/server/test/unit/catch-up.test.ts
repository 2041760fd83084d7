import { CatchUpTracker, orderId, type RelayEvent } from '../../src/socket/catch-up';

/*
 * The catch-up tracker decides, per relayed message, which sockets must not
 * get it by broadcast while they rejoin with `after`. A mistake here is a
 * duplicate or a gap for a reconnecting user.
 */

const message = (id: string, roomId = 'r'): RelayEvent => ({
  kind: 'new',
  message: { id, roomId, userId: 'u', username: 'u', text: id, clientId: id, createdAt: '' },
});

test('rooms with nobody catching up are broadcast to everybody', () => {
  const tracker = new CatchUpTracker();
  expect(tracker.socketsToSkip(message('1-0'))).toBeUndefined();
});

test('buffers live messages during the read and releases only those after what missed held', () => {
  const tracker = new CatchUpTracker();
  tracker.begin('r', 's1');
  // 5-0 was published before the read (so it is in missed); 6-0 after it.
  expect(tracker.socketsToSkip(message('5-0'))).toEqual(['s1']);
  expect(tracker.socketsToSkip(message('6-0'))).toEqual(['s1']);
  expect(tracker.finish('r', 's1', '5-0').map(orderId)).toEqual(['6-0']);
});

test('after the read, skips late copies of what the socket has, then stops tracking', () => {
  const tracker = new CatchUpTracker();
  tracker.begin('r', 's1');
  expect(tracker.finish('r', 's1', '9-0')).toEqual([]);
  // 8-0 and 9-0 were in missed but their live copies arrive only now.
  expect(tracker.socketsToSkip(message('8-0'))).toEqual(['s1']);
  expect(tracker.socketsToSkip(message('9-0'))).toEqual(['s1']);
  expect(tracker.socketsToSkip(message('10-0'))).toBeUndefined();
  expect(tracker.socketsToSkip(message('10-1'))).toBeUndefined();
});

test('tracks rooms and sockets independently', () => {
  const tracker = new CatchUpTracker();
  tracker.begin('r', 's1');
  tracker.begin('other', 's2');
  expect(tracker.socketsToSkip(message('1-0', 'other'))).toEqual(['s2']);
  expect(tracker.socketsToSkip(message('1-0', 'r'))).toEqual(['s1']);
  tracker.forgetSocket('s1');
  expect(tracker.socketsToSkip(message('2-0', 'r'))).toBeUndefined();
  tracker.abort('other', 's2');
  expect(tracker.socketsToSkip(message('2-0', 'other'))).toBeUndefined();
});

test('compares ids numerically, not as strings', () => {
  const tracker = new CatchUpTracker();
  tracker.begin('r', 's1');
  tracker.socketsToSkip(message('10-0'));
  // As strings '9-0' > '10-0'; as ids it is older, so 10-0 must still be released.
  expect(tracker.finish('r', 's1', '9-0').map(orderId)).toEqual(['10-0']);
});
