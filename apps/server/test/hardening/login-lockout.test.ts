import type { ErrorResponse } from '@chat/shared';
import { registerUser } from '../support/clients';
import { useCluster } from '../support/cluster';
import { jsonCall } from './support/json-call';

/*
 * A stranger sending one wrong login every few seconds for a username ran that username's one
 * bucket dry, and the owner could not log in from anywhere: attempts are now counted per
 * username and address, with a looser limit per username alone.
 */

const password = 'correct horse battery';
const STRANGER = '127.0.0.30';
const OWNER = '127.0.0.31';

describe('login limits', () => {
  const cluster = useCluster();

  test("a stranger's wrong guesses from one address stop that address, not the owner's logins", async () => {
    const { user } = await registerUser(cluster.url(0));
    const guess = (index: number) =>
      jsonCall<ErrorResponse>(cluster.url(index), 'POST', '/api/auth/login', {
        body: { username: user.username, password: 'wrong guess 1234' },
        from: STRANGER,
      });
    const statuses: number[] = [];
    for (let i = 0; i < 12; i += 1) statuses.push((await guess(i)).status);
    // Ten quick guesses, then one every 6 s from that address, on every instance (a slow
    // machine may earn one more in between: the clock is not asserted on).
    expect(statuses.slice(0, 10)).toEqual(Array<number>(10).fill(401));
    expect(statuses.slice(10)).toContain(429);
    const refused = await guess(1);
    expect(refused.body.error.code).toBe('rate_limited');
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);

    const owner = await jsonCall(cluster.url(1), 'POST', '/api/auth/login', {
      body: { username: user.username.toUpperCase(), password },
      from: OWNER,
    });
    expect(owner.status).toBe(200);
  });

  test('guessing spread over many addresses still runs into the limit per username', async () => {
    const { user } = await registerUser(cluster.url(0));
    const statuses: number[] = [];
    // 40 guesses, 3 from each of 14 addresses: no address meets its own limit.
    for (let i = 0; i < 40; i += 1) {
      const answer = await jsonCall(cluster.url(i), 'POST', '/api/auth/login', {
        body: { username: user.username, password: 'wrong guess 1234' },
        from: `127.0.0.${40 + Math.floor(i / 3)}`,
      });
      statuses.push(answer.status);
    }
    // The burst of 30, then one every 2 s: the last ten cannot all pass unless they take 20 s.
    expect(statuses.slice(0, 30)).toEqual(Array<number>(30).fill(401));
    expect(statuses.slice(30)).toContain(429);
  });
});
