import { Redis } from 'ioredis';
import { io } from 'socket.io-client';
import { Nginx } from '@chat/testkit';
import type { Config } from '../../src/config';
import { rawHttp } from '../abuse/support/outcomes';
import { uniqueName } from '../support/clients';
import { useCluster, type ClusterFixture } from '../support/cluster';
import { agentFrom } from '../support/source-address';

/*
 * A client chose the address its per-address limits charge: the shipped nginx appended to the
 * client's own X-Forwarded-For and the server took its left-most entry, so a forged address per
 * attempt escaped the failed-handshake cool-down and the login limit per address, through the
 * balancer and directly. Real nginx from the shipped template; clients on distinct loopback
 * addresses (127.0.0.2, .3, ...), instances trusting only the balancer's address.
 */

/** Attempts before giving up: far above any per-address budget, so a forged address shows. */
const MAX_ATTEMPTS = 400;
const forged = (attempt: number) => `198.51.${(attempt >> 8) & 255}.${attempt & 255}`;

/** The connect_error of one handshake with a bad token, from `address`, forging X-Forwarded-For. */
function failedHandshake(url: string, address: string, spoofed?: string): Promise<string> {
  const socket = io(url, {
    auth: { token: 'not-a-token' },
    transports: ['websocket'],
    forceNew: true,
    reconnection: false,
    ...(spoofed === undefined ? {} : { extraHeaders: { 'x-forwarded-for': spoofed } }),
    ...({ agent: agentFrom(address) } as object),
  });
  return new Promise((resolve) => {
    socket.once('connect', () => {
      socket.close();
      resolve('connected');
    });
    socket.once('connect_error', (error) => {
      socket.close();
      resolve(error.message);
    });
  });
}

/** Failed handshakes, each with a new forged address, until one is refused; how many it took. */
async function handshakesUntilRefused(url: string, address: string): Promise<number> {
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt += 1) {
    const outcome = await failedHandshake(url, address, forged(attempt));
    if (outcome === 'rate_limited') return attempt;
    expect(outcome).toBe('unauthorized');
  }
  return Infinity;
}

/** One login with an unknown username, from `address`. */
function login(url: string, address: string, spoofed?: string) {
  return rawHttp(url, {
    method: 'POST',
    path: '/api/auth/login',
    headers: {
      'content-type': 'application/json',
      ...(spoofed === undefined ? {} : { 'x-forwarded-for': spoofed }),
    },
    body: JSON.stringify({ username: uniqueName('nobody'), password: 'not the password' }),
    localAddress: address,
  });
}

/** A cluster of two instances with this TRUST_PROXY, behind the shipped nginx. */
function behindNginx(trustProxy: Config['trustProxy']) {
  const cluster = useCluster({ instances: 2, config: { trustProxy } });
  const balancer: { nginx?: Nginx } = {};
  beforeAll(async () => {
    balancer.nginx = await Nginx.start({
      upstreamPorts: cluster.servers.map((server) => server.port()),
    });
  });
  afterAll(async () => {
    await balancer.nginx?.destroy();
  });
  return { cluster, url: () => balancer.nginx!.url };
}

describe('instances that trust only the balancer (TRUST_PROXY=127.0.0.1)', () => {
  const { cluster, url } = behindNginx(['127.0.0.1']);

  test('through nginx, a forged X-Forwarded-For does not escape the failed-handshake cool-down', async () => {
    expect(await handshakesUntilRefused(url(), '127.0.0.2')).toBeLessThan(MAX_ATTEMPTS);
    // Charged to 127.0.0.2, the address nginx saw: another address is not cooling down.
    expect(await failedHandshake(url(), '127.0.0.3')).toBe('unauthorized');
  });

  test('directly, a forged X-Forwarded-For from an untrusted peer is charged to the peer', async () => {
    const direct = cluster.url(1);
    expect(await handshakesUntilRefused(direct, '127.0.0.4')).toBeLessThan(MAX_ATTEMPTS);
    expect(await failedHandshake(direct, '127.0.0.5')).toBe('unauthorized');
  });

  test('directly, a login with a forged X-Forwarded-For from an untrusted peer is charged to the peer', async () => {
    expect((await login(cluster.url(1), '127.0.0.8', '198.51.100.2')).status).toBe(401);
    expect(await bucketsNaming(cluster, '127.0.0.8')).not.toEqual([]);
    expect(await bucketsNaming(cluster, '198.51.')).toEqual([]);
  });
});

/** The rate-limit buckets in the cluster's Redis whose names contain `text`. */
async function bucketsNaming(cluster: ClusterFixture, text: string): Promise<string[]> {
  const redis = new Redis(cluster.redis.url);
  try {
    return await redis.keys(`chat:ratelimit:*${text}*`);
  } finally {
    redis.disconnect();
  }
}

describe('instances that trust every peer (TRUST_PROXY=true, as the compose file once set)', () => {
  const { cluster, url } = behindNginx(true);

  test('through nginx, a login with a forged X-Forwarded-For is charged to the address nginx saw', async () => {
    // One attempt shows whose bucket it is: no need to spend the whole budget on decoy hashes.
    expect((await login(url(), '127.0.0.6', '198.51.100.1')).status).toBe(401);
    expect(await bucketsNaming(cluster, '127.0.0.6')).not.toEqual([]);
    expect(await bucketsNaming(cluster, '198.51.')).toEqual([]);
  });
});
