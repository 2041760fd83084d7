import { call, createRoom, join, send } from '../support/clients';
import { topologies, useCluster } from '../support/cluster';
import { CatchUpTracker, orderId, type RelayEvent } from '../../src/socket/catch-up';

/*
 * Edits, deletes and reactions are rate limited per user, cluster-wide, like sends
 * (RATE_POLICIES.messageChange: bursts of 20; .reaction: bursts of 30), and RATE_LIMITS=off
 * lifts them. And the catch-up tracker orders changes with messages by one id: a change
 * buffered during a rejoin's read is released only when the read did not reflect it.
 */

describe.each(topologies({ rateLimits: 'on' }))('%s, RATE_LIMITS=on', (_name, topology) => {
  const cluster = useCluster(topology);

  test('a user editing or reacting faster than the policy gets rate_limited; another user does not', async () => {
    const alice = await cluster.userOn(0);
    const bob = await cluster.userOn(1);
    const roomId = await createRoom(cluster.url(0), alice.token);
    await join(alice.socket, roomId);
    const message = await send(alice.socket, roomId, 'x');
    const edits = await Promise.all(
      Array.from({ length: 24 }, (_, i) =>
        call(alice.socket, 'message:edit', { roomId, messageId: message.id, text: `e${i}` }),
      ),
    );
    const limited = edits.filter((ack) => !ack.ok);
    expect(limited.length).toBeGreaterThanOrEqual(3);
    expect(limited[0]).toEqual({
      ok: false,
      error: {
        code: 'rate_limited',
        message: expect.any(String),
        retryAfterMs: expect.any(Number),
      },
    });
    const reactions = await Promise.all(
      Array.from({ length: 34 }, (_, i) =>
        call(alice.socket, 'reaction:add', { roomId, messageId: message.id, emoji: `:${i % 20}:` }),
      ),
    );
    expect(reactions.filter((ack) => !ack.ok).length).toBeGreaterThanOrEqual(3);
    // Another user is not limited by alice's bucket (the emoji exists: no 21st).
    await join(bob.socket, roomId);
    expect(
      await call(bob.socket, 'reaction:add', {
        roomId,
        messageId: message.id,
        emoji: ':0:',
      }),
    ).toMatchObject({ ok: true });
  });
});

describe.each(topologies({ rateLimits: 'off' }))('%s, RATE_LIMITS=off', (_name, topology) => {
  const cluster = useCluster(topology);

  test('the same burst of edits passes', async () => {
    const alice = await cluster.userOn(0);
    const roomId = await createRoom(cluster.url(0), alice.token);
    await join(alice.socket, roomId);
    const message = await send(alice.socket, roomId, 'x');
    const edits = await Promise.all(
      Array.from({ length: 24 }, (_, i) =>
        call(alice.socket, 'message:edit', { roomId, messageId: message.id, text: `e${i}` }),
      ),
    );
    expect(edits.every((ack) => ack.ok)).toBe(true);
  });
});

test('the catch-up tracker releases buffered changes above the read, drops those it reflected', () => {
  const message = {
    id: '5-0',
    roomId: 'r',
    userId: 'u',
    username: 'u',
    text: '',
    clientId: 'c',
    createdAt: '',
  };
  const change = (changeId: string): RelayEvent => ({ kind: 'updated', message, changeId });
  const tracker = new CatchUpTracker();
  tracker.begin('r', 's');
  expect(tracker.socketsToSkip(change('6-1'))).toEqual(['s']);
  expect(tracker.socketsToSkip({ kind: 'new', message: { ...message, id: '7-0' } })).toEqual(['s']);
  expect(tracker.socketsToSkip(change('7-1'))).toEqual(['s']);
  // The read saw everything up to 7-0 (the message and the change before it), not 7-1.
  expect(tracker.finish('r', 's', '7-0').map(orderId)).toEqual(['7-1']);
  // A late live copy of what the read reflected is skipped; then tracking stops.
  expect(tracker.socketsToSkip(change('6-1'))).toEqual(['s']);
  expect(tracker.socketsToSkip(change('8-0'))).toBeUndefined();
});
