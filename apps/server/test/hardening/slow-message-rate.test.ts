import { takeToken } from '../../src/chat/token-bucket';
import { call, createRoom, join, send } from '../support/clients';
import { topologies, useCluster } from '../support/cluster';

/*
 * A message rate below 0.5/s gave a bucket of fewer than one token (burst =
 * rate × 2), so every message was refused forever; a bucket now always holds
 * at least one token, in both twins (chat/token-bucket.ts and the Lua one).
 */

test('the bucket arithmetic: at 0.25/s one message now, the next after 4 s', () => {
  const first = takeToken(undefined, 0, 0.25, 0.5);
  expect(first.allowed).toBe(true);
  const early = takeToken(first.state, 1000, 0.25, 0.5);
  expect(early).toMatchObject({ allowed: false, retryAfterMs: 3000 });
  expect(takeToken(early.state, 4000, 0.25, 0.5).allowed).toBe(true);
});

describe.each(topologies({ messageRatePerSec: 0.25 }))(
  '%s at 0.25 messages/s',
  (_name, options) => {
    const cluster = useCluster(options);

    test('the first message is stored, the second is rate_limited with a finite wait', async () => {
      const alice = await cluster.userOn(0);
      const roomId = await createRoom(cluster.url(0), alice.token);
      await join(alice.socket, roomId);
      const stored = await send(alice.socket, roomId, 'one every four seconds', 'slow-1');
      expect(stored.text).toBe('one every four seconds');
      const second = await call(alice.socket, 'message:send', {
        roomId,
        text: 'too soon',
        clientId: 'slow-2',
      });
      expect(second).toMatchObject({ ok: false, error: { code: 'rate_limited' } });
      const { retryAfterMs } = (second as { error: { retryAfterMs: number } }).error;
      expect(retryAfterMs).toBeGreaterThan(0);
      expect(retryAfterMs).toBeLessThanOrEqual(4000);
    });
  },
);
