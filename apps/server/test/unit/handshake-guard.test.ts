import { HandshakeGuard, HandshakeRefused } from '../../src/socket/handshake-guard';
import type { RateLimiter } from '../../src/ports';

/** A limiter that refuses every take with a 1 s wait: each failure blocks its address. */
const alwaysOver = { take: () => Promise.resolve(1000) } as unknown as RateLimiter;

const tracked = (guard: HandshakeGuard) =>
  (guard as unknown as { blockedUntil: Map<string, number> }).blockedUntil.size;

test('an address over its failure budget is refused until its wait is over', async () => {
  const guard = new HandshakeGuard(alwaysOver, { maxSocketsPerUser: 1, trustProxy: false });
  await guard.failed('10.0.0.1', 0);
  expect(() => guard.checkAddress('10.0.0.1', 999)).toThrow(HandshakeRefused);
  expect(() => guard.checkAddress('10.0.0.1', 1000)).not.toThrow();
  expect(tracked(guard)).toBe(0);
});

test('many guessing addresses do not grow the blocked list without bound', async () => {
  const guard = new HandshakeGuard(alwaysOver, { maxSocketsPerUser: 1, trustProxy: false });
  for (let i = 0; i <= 10_000; i += 1) await guard.failed(`2001:db8::${i.toString(16)}`, 0);
  expect(tracked(guard)).toBe(10_001);
  // Once their waits are over, the next block sweeps them, though none of them came back.
  await guard.failed('2001:db8::ffff:1', 5000);
  expect(tracked(guard)).toBe(1);
});
