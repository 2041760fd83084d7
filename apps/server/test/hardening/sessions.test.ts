import { Redis } from 'ioredis';
import type { AuthResponse } from '@chat/shared';
import { waitUntil } from '@chat/testkit';
import { hashToken } from '../../src/chat/tokens';
import { DEFAULT_KEY_PREFIX, redisKeys } from '../../src/redis/keys';
import {
  call,
  connect,
  createRoom,
  http,
  registerUser,
  type ClientSocket,
} from '../support/clients';
import { useCluster, type ClusterOptions } from '../support/cluster';

/*
 * Sessions lived 7 days with no idle timeout, a socket outlived its expired session, and there
 * was no password change nor "log out everywhere": these reproduce each, on two instances.
 */

const password = 'correct horse battery';

/** Resolves with the reason the server gave when it closes `socket`. */
function closed(socket: ClientSocket): Promise<string> {
  return new Promise((resolve) => socket.once('disconnect', (reason) => resolve(reason)));
}

async function login(url: string, username: string, secret = password) {
  return http<AuthResponse>(url, 'POST', '/api/auth/login', {
    body: { username, password: secret },
  });
}

// Issue 15: also on a Redis Cluster, where a user's session index and each session lie in different slots.
describe.each([
  ['two instances on Redis', {}],
  ['two instances on a Redis Cluster', { redis: { cluster: true } }],
] as [string, ClusterOptions][])(
  'log out everywhere and password change, %s',
  (_topology, options) => {
    const cluster = useCluster(options);

    async function twoSessions() {
      const first = await registerUser(cluster.url(0));
      const second = (await login(cluster.url(1), first.user.username)).body;
      const sockets = [
        await connect(cluster.url(0), first.token),
        await connect(cluster.url(1), second.token),
      ];
      cluster.sockets.push(...sockets);
      return { username: first.user.username, tokens: [first.token, second.token], sockets };
    }

    test('POST /api/auth/logout-all revokes every session of the user and closes their sockets on every instance', async () => {
      const { tokens, sockets } = await twoSessions();
      const reasons = sockets.map(closed);
      expect(
        (await http(cluster.url(1), 'POST', '/api/auth/logout-all', { token: tokens[0] })).status,
      ).toBe(204);
      expect(await Promise.all(reasons)).toEqual(['io server disconnect', 'io server disconnect']);
      for (const token of tokens)
        expect((await http(cluster.url(0), 'GET', '/api/me', { token })).status).toBe(401);
    });

    test('POST /api/auth/password needs the current password, then revokes every other session everywhere and keeps this one', async () => {
      const { username, tokens, sockets } = await twoSessions();
      const body = { currentPassword: password, newPassword: 'a brand new secret' };
      const wrong = await http<{ error: { code: string } }>(
        cluster.url(0),
        'POST',
        '/api/auth/password',
        {
          token: tokens[0],
          body: { ...body, currentPassword: 'not the password' },
        },
      );
      expect(wrong.status).toBe(401);
      expect(wrong.body.error.code).toBe('unauthorized');

      const otherClosed = closed(sockets[1]!);
      expect(
        (await http(cluster.url(0), 'POST', '/api/auth/password', { token: tokens[0], body }))
          .status,
      ).toBe(204);
      expect(await otherClosed).toBe('io server disconnect');
      expect((await http(cluster.url(0), 'GET', '/api/me', { token: tokens[1] })).status).toBe(401);
      expect((await http(cluster.url(1), 'GET', '/api/me', { token: tokens[0] })).status).toBe(200);
      expect(sockets[0]!.connected).toBe(true);
      expect((await call(sockets[0]!, 'room:leave', { roomId: 'no-such-room' })).ok).toBeDefined();

      expect((await login(cluster.url(1), username)).status).toBe(401);
      expect((await login(cluster.url(1), username, body.newPassword)).status).toBe(200);
    });
  },
);

describe('idle timeout', () => {
  const cluster = useCluster({ config: { sessionIdleTtlSec: 2 } });

  test('a socket that sends nothing is closed when its session idles out, and the token is dead', async () => {
    const { token } = await registerUser(cluster.url(0));
    const socket = await connect(cluster.url(1), token);
    cluster.sockets.push(socket);
    expect(await closed(socket)).toBe('io server disconnect');
    expect((await http(cluster.url(0), 'GET', '/api/me', { token })).status).toBe(401);
  });
});

describe('idle timeout of a socket in use', () => {
  // 6 s: a session is used at most every 1.5 s (SessionExpiry's useEveryMs, a quarter of it),
  // and the margins below are seconds, not milliseconds, on a busy machine.
  const cluster = useCluster({ config: { sessionIdleTtlSec: 6 } });

  test('client events move the idle expiry on, as HTTP calls do: the session outlives its idle TTL while the socket is active', async () => {
    const owner = await registerUser(cluster.url(0));
    const roomId = await createRoom(cluster.url(0), owner.token);
    const { token } = await registerUser(cluster.url(0));
    // Not an HTTP call with this token after this: each would be a use of the session itself.
    const socket = await connect(cluster.url(1), token);
    cluster.sockets.push(socket);
    const redis = new Redis(cluster.redis.url);
    try {
      const key = redisKeys(DEFAULT_KEY_PREFIX).session(hashToken(token));
      const remaining = async () => Number(await redis.pttl(key));
      for (let round = 0; round < 3; round += 1) {
        // Left alone, the session runs down (more than useEveryMs since its last use)...
        await waitUntil(async () => (await remaining()) < 4000, {
          what: 'the session to run down',
          intervalMs: 100,
        });
        // ...and one client event (a join) is a use: it is slid back towards the full 6 s.
        expect(await call(socket, 'room:join', { roomId })).toMatchObject({ ok: true });
        await waitUntil(async () => (await remaining()) > 4500, {
          what: 'the event to slide the idle expiry',
          intervalMs: 50,
        });
      }
      // Three rounds of at least 2 s: the socket lived past its 6 s idle TTL, and is still on.
      expect(socket.connected).toBe(true);
    } finally {
      redis.disconnect();
    }
  }, 60_000);
});
