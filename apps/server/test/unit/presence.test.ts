import pino from 'pino';
import type { User } from '@chat/shared';
import type { ClusterEvent } from '../../src/cluster-events';
import { EmbeddedPresenceStore } from '../../src/embedded/presence-store';
import { createMetrics } from '../../src/metrics';
import type { EventBus } from '../../src/ports';
import { Presence } from '../../src/services/presence';

/*
 * The grace period: a user whose last socket closes and who reconnects
 * within it must not flap offline/online for everybody (a page reload, a
 * network blip, a rolling restart).
 */

const alice: User = { id: 'a', username: 'alice' };

function setUp() {
  const published: ClusterEvent[] = [];
  const events: EventBus = {
    onEvent: () => {},
    onResync: () => {},
    publish: (event) => {
      published.push(event);
      return Promise.resolve();
    },
  };
  const tracker = new Presence(
    new EmbeddedPresenceStore(),
    events,
    { graceMs: 3000, heartbeatMs: 5000 },
    pino({ level: 'silent' }),
    createMetrics('unit'),
  );
  const presence = () =>
    published.map((event) => (event.type === 'presence' ? event.online : null));
  return { tracker, presence };
}

/** Lets the tracker's queued store calls run. */
const settle = async () => {
  for (let i = 0; i < 10; i += 1) await Promise.resolve();
};

beforeEach(() => jest.useFakeTimers());
afterEach(() => jest.useRealTimers());

test('a reconnect within the grace period publishes nothing', async () => {
  const { tracker, presence } = setUp();
  tracker.socketOpened(alice);
  await settle();
  tracker.socketClosed(alice);
  jest.advanceTimersByTime(2999);
  tracker.socketOpened(alice);
  jest.advanceTimersByTime(10_000);
  await settle();
  expect(presence()).toEqual([true]);
});

test('staying away past the grace period goes offline once', async () => {
  const { tracker, presence } = setUp();
  tracker.socketOpened(alice);
  tracker.socketOpened(alice);
  await settle();
  tracker.socketClosed(alice);
  jest.advanceTimersByTime(5000);
  await settle();
  expect(presence()).toEqual([true]);
  tracker.socketClosed(alice);
  jest.advanceTimersByTime(3000);
  await settle();
  expect(presence()).toEqual([true, false]);
});
