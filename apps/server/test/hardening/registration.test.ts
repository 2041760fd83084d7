import * as crypto from 'node:crypto';
import type { AuthResponse, ErrorResponse } from '@chat/shared';
import { uniqueName } from '../support/clients';
import { useCluster, type ClusterOptions } from '../support/cluster';
import { jsonCall } from './support/json-call';

/*
 * Registration was free and costly: a full scrypt ran before the name check, nothing limited
 * registrations per address, and every password hash went straight to libuv's thread pool,
 * so a registration flood queued every login behind it. scrypt is wrapped (not replaced) to
 * count derivations.
 */

jest.mock('node:crypto', () => {
  const actual = jest.requireActual<typeof crypto>('node:crypto');
  return { ...actual, scrypt: jest.fn(actual.scrypt) };
});
const scrypt = crypto.scrypt as unknown as jest.Mock;

const password = 'correct horse battery';
const PER_HOUR = 3;

// Issue 15: also on a Redis Cluster, where a username's key and its user lie in different slots.
describe.each([
  ['two instances on Redis', {}],
  ['two instances on a Redis Cluster', { redis: { cluster: true } }],
] as [string, ClusterOptions][])('registration limits, %s', (_topology, options) => {
  const cluster = useCluster({ ...options, config: { registrationsPerHour: PER_HOUR } });

  test('a taken name is refused with 409 before any password work', async () => {
    const username = uniqueName('taken');
    const first = await jsonCall(cluster.url(0), 'POST', '/api/auth/register', {
      body: { username, password },
      from: '127.0.0.20',
    });
    expect(first.status).toBe(201);
    scrypt.mockClear();
    const again = await jsonCall<ErrorResponse>(cluster.url(1), 'POST', '/api/auth/register', {
      body: { username: username.toUpperCase(), password },
      from: '127.0.0.20',
    });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('conflict');
    expect(scrypt).not.toHaveBeenCalled();
  });

  test('past REGISTRATIONS_PER_HOUR an address gets 429 rate_limited with Retry-After, cluster-wide; another address does not', async () => {
    const register = (index: number, from: string) =>
      jsonCall<ErrorResponse>(cluster.url(index), 'POST', '/api/auth/register', {
        body: { username: uniqueName('flood'), password },
        from,
      });
    const statuses: number[] = [];
    for (let i = 0; i < PER_HOUR; i += 1) statuses.push((await register(i, '127.0.0.21')).status);
    expect(statuses).toEqual([201, 201, 201]);
    const refused = await register(1, '127.0.0.21');
    expect(refused.status).toBe(429);
    expect(refused.body.error.code).toBe('rate_limited');
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect((await register(0, '127.0.0.22')).status).toBe(201);
  });

  test('register and login answers carry Cache-Control: no-store (they hold a token)', async () => {
    const username = uniqueName('nostore');
    const registered = await jsonCall<AuthResponse>(cluster.url(0), 'POST', '/api/auth/register', {
      body: { username, password },
      from: '127.0.0.23',
    });
    expect(registered.status).toBe(201);
    expect(registered.headers['cache-control']).toBe('no-store');
    const loggedIn = await jsonCall<AuthResponse>(cluster.url(1), 'POST', '/api/auth/login', {
      body: { username, password },
    });
    expect(loggedIn.status).toBe(200);
    expect(loggedIn.headers['cache-control']).toBe('no-store');
  });
});

describe('a registration flood', () => {
  const FLOOD = 24;
  const QUEUE_MAX = 16;
  const cluster = useCluster({
    instances: 1,
    config: { passwordHashWorkers: 1, passwordHashQueueMax: QUEUE_MAX },
  });

  test('logins overtake queued registrations; past the queue bound registrations get 503 unavailable with Retry-After', async () => {
    const url = cluster.url(0);
    const username = uniqueName('owner');
    await jsonCall(url, 'POST', '/api/auth/register', { body: { username, password } });

    // The order in which answers arrive: how many registrations succeeded before the login did.
    const finished: number[] = [];
    const flood = Array.from({ length: FLOOD }, () =>
      jsonCall<ErrorResponse>(url, 'POST', '/api/auth/register', {
        body: { username: uniqueName('flood'), password },
      }).then((answer) => {
        if (answer.status === 201) finished.push(answer.status);
        return answer;
      }),
    );
    const before = finished.length;
    const login = await jsonCall(url, 'POST', '/api/auth/login', {
      body: { username, password },
    });
    const registeredBeforeLogin = finished.length - before;
    const answers = await Promise.all(flood);

    expect(login.status).toBe(200);
    // The hash in flight when the login came and the few that finished while the login passed its
    // rate limits; not the whole flood ahead of it (about 20 before the gate existed).
    expect(registeredBeforeLogin).toBeLessThanOrEqual(4);
    for (const answer of answers) {
      expect([201, 503]).toContain(answer.status);
      if (answer.status === 503) {
        expect(answer.body.error.code).toBe('unavailable');
        expect(Number(answer.headers['retry-after'])).toBeGreaterThan(0);
      }
    }
    // Bounded, not dropped: what fits in the queue is served.
    expect(answers.filter((answer) => answer.status === 201).length).toBeGreaterThan(0);
  });
});
