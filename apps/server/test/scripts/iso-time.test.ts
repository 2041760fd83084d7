import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Redis } from 'ioredis';
import { RedisServer } from '@chat/testkit';

// lua/lib/iso-time.lua formats a message's createdAt from its id inside Redis, without
// string.format (issue 16): it must write exactly what JavaScript's Date#toISOString does,
// or history and live messages would disagree.
const source = readFileSync(path.join(__dirname, '../../src/redis/lua/lib/iso-time.lua'), 'utf8');

let redis: RedisServer;
let client: Redis;

beforeAll(async () => {
  redis = await RedisServer.start();
  client = new Redis(redis.url);
});

afterAll(async () => {
  client.disconnect();
  await redis.stop();
});

async function iso8601(...times: number[]): Promise<string[]> {
  return (await client.eval(
    `${source}\nlocal out = {}\nfor i, ms in ipairs(ARGV) do out[i] = iso8601(tonumber(ms)) end\nreturn out`,
    0,
    ...times,
  )) as string[];
}

test('writes what Date#toISOString writes, at the edges of days, months, years and centuries', async () => {
  const times = [
    0,
    1,
    999,
    1_000,
    59_999,
    86_399_999,
    86_400_000,
    Date.UTC(1999, 11, 31, 23, 59, 59, 999),
    Date.UTC(2000, 1, 29, 12, 0, 0, 5),
    Date.UTC(2024, 1, 29, 0, 0, 0, 50),
    Date.UTC(2026, 11, 2, 13, 45, 7, 123),
    Date.UTC(2100, 1, 28, 23, 59, 59, 900),
    Date.UTC(2100, 2, 1, 0, 0, 0, 0),
    Date.UTC(9999, 11, 31, 23, 59, 59, 999),
  ];
  expect(await iso8601(...times)).toEqual(times.map((ms) => new Date(ms).toISOString()));
});

test('agrees with Date#toISOString across a spread of times', async () => {
  // A fixed walk (no randomness: a failure is reproducible) over 1970..2200 in uneven steps.
  const times: number[] = [];
  for (let ms = 0; ms < Date.UTC(2200, 0, 1); ms += 7_777_777_777 + (times.length % 1000))
    times.push(ms);
  expect(await iso8601(...times)).toEqual(times.map((ms) => new Date(ms).toISOString()));
});
