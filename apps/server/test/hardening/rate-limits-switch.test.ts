import { loadConfig } from '../../src/config';
import { call, connect, createRoom, http, join, registerUser } from '../support/clients';
import { useCluster, type ClusterFixture } from '../support/cluster';

/*
 * Regression: there was no RATE_LIMITS setting (PROTOCOL v1.1), so a load test or an acceptance
 * check whose clients all share one address met every per-user and per-address limit. With
 * RATE_LIMITS=off every one of them is lifted (the message rate, every rate policy but those
 * against guessing, sockets per user and per address), while login guessing and token guessing
 * stay limited; with the default, `on`, every limit holds.
 */

const tight = { messageRatePerSec: 2, maxSocketsPerUser: 2, maxConnectionsPerAddress: 3 };

/** What one user meets doing each limited thing a little too often. */
async function outcomes(cluster: ClusterFixture) {
  const user = await registerUser(cluster.url(0));
  const roomId = await createRoom(cluster.url(0), user.token);
  const created: number[] = [];
  for (let i = 0; i < 20; i += 1) {
    const response = await http(cluster.url(0), 'POST', '/api/rooms', {
      token: user.token,
      body: { name: `switch-${process.pid}-${Math.random()}` },
    });
    created.push(response.status);
  }
  const sockets = [];
  for (let i = 0; i < 3; i += 1) {
    sockets.push(await connect(cluster.url(0), user.token).catch((error: Error) => error.message));
  }
  const socket = sockets[0] as Awaited<ReturnType<typeof connect>>;
  for (const open of sockets) if (typeof open !== 'string') cluster.sockets.push(open);
  await join(socket, roomId);
  const sends = await Promise.all(
    Array.from({ length: 8 }, (_, i) =>
      call(socket, 'message:send', { roomId, text: `m${i}`, clientId: `c-${Math.random()}` }),
    ),
  );
  const others = [];
  for (let i = 0; i < 2; i += 1) {
    const other = await registerUser(cluster.url(0));
    others.push(await connect(cluster.url(0), other.token).catch((error: Error) => error.message));
  }
  for (const open of others) if (typeof open !== 'string') cluster.sockets.push(open);
  return {
    roomCreation: created.includes(429) ? 'limited' : 'free',
    socketsPerUser: sockets.includes('rate_limited') ? 'limited' : 'free',
    messages: sends.some((ack) => !ack.ok) ? 'limited' : 'free',
    socketsPerAddress: others.includes('rate_limited') ? 'limited' : 'free',
  };
}

/** Wrong logins for one username, and bad-token handshakes, until refused (or not). */
async function guessing(cluster: ClusterFixture) {
  const victim = await registerUser(cluster.url(0));
  let login = 'free';
  for (let i = 0; i < 30 && login === 'free'; i += 1) {
    const response = await http(cluster.url(0), 'POST', '/api/auth/login', {
      body: { username: victim.user.username, password: `wrong-password-${i}` },
    });
    if (response.status === 429) login = 'limited';
  }
  const handshakes = await Promise.all(
    Array.from({ length: 150 }, () =>
      connect(cluster.url(0), 'guessed-token').catch((error: Error) => error.message),
    ),
  );
  return { login, handshakes: handshakes.includes('rate_limited') ? 'limited' : 'free' };
}

describe('RATE_LIMITS=off', () => {
  const cluster = useCluster({ instances: 1, config: { ...tight, rateLimits: 'off' } });

  test('lifts every per-user and per-address limit', async () => {
    expect(await outcomes(cluster)).toEqual({
      roomCreation: 'free',
      socketsPerUser: 'free',
      messages: 'free',
      socketsPerAddress: 'free',
    });
  });

  test('keeps the limits against password and token guessing', async () => {
    expect(await guessing(cluster)).toEqual({ login: 'limited', handshakes: 'limited' });
  });
});

describe('RATE_LIMITS=on (the default)', () => {
  const cluster = useCluster({ instances: 1, config: tight });

  test('every limit holds', async () => {
    expect(loadConfig({}).rateLimits).toBe('on');
    expect(await outcomes(cluster)).toEqual({
      roomCreation: 'limited',
      socketsPerUser: 'limited',
      messages: 'limited',
      socketsPerAddress: 'limited',
    });
  });

  test('any other value stops the process at start-up', () => {
    expect(() => loadConfig({ RATE_LIMITS: 'maybe' })).toThrow(/RATE_LIMITS/);
  });
});
