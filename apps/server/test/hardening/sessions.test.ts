import type { AuthResponse } from '@chat/shared';
import { call, connect, http, registerUser, type ClientSocket } from '../support/clients';
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
