import { hashPassword, verifyPassword } from '../../src/chat/passwords';
import { takeToken } from '../../src/chat/token-bucket';
import { bearerToken, hashToken, newToken } from '../../src/chat/tokens';
import { ConfigError, loadConfig, redactRedisUrl } from '../../src/config';
import { redactDatabaseUrl } from '../../src/postgres/archive-database';
import { parseRelayEnvelope } from '../../src/redis/relay-envelope';

describe('passwords', () => {
  test('verifies the right password only, with a different salt per hash', async () => {
    const first = await hashPassword('correct horse');
    const second = await hashPassword('correct horse');
    expect(first).not.toBe(second);
    expect(first).not.toContain('correct horse');
    expect(await verifyPassword('correct horse', first)).toBe(true);
    expect(await verifyPassword('correct hors', first)).toBe(false);
    expect(await verifyPassword('correct horse', 'garbage')).toBe(false);
  });
});

describe('tokens', () => {
  test('are 256 random bits and stored only as a SHA-256', () => {
    const token = newToken();
    expect(Buffer.from(token, 'base64url')).toHaveLength(32);
    expect(newToken()).not.toBe(token);
    expect(hashToken(token)).toMatch(/^[0-9a-f]{64}$/);
  });

  test('are read from a Bearer header only', () => {
    expect(bearerToken('Bearer abc')).toBe('abc');
    expect(bearerToken('bearer abc')).toBe('abc');
    expect(bearerToken('Basic abc')).toBeUndefined();
    expect(bearerToken(undefined)).toBeUndefined();
  });
});

describe('token bucket', () => {
  test('admits a burst, refuses with the wait for one token, and refills with time', () => {
    let state;
    const allowed: boolean[] = [];
    for (let i = 0; i < 3; i += 1) {
      const result = takeToken(state, 1000, 1, 2);
      state = result.state;
      allowed.push(result.allowed);
    }
    expect(allowed).toEqual([true, true, false]);
    expect(takeToken(state, 1000, 1, 2).retryAfterMs).toBe(1000);
    expect(takeToken(state, 2000, 1, 2).allowed).toBe(true);
  });
});

describe('config', () => {
  test('has safe defaults', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      port: 8000,
      redisUrl: undefined,
      messageRatePerSec: 10,
      messageRetention: 10_000,
    });
  });

  test('fails fast naming the bad variable', () => {
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(ConfigError);
    expect(() => loadConfig({ REDIS_URL: 'http://nope' })).toThrow(/REDIS_URL/);
    expect(() => loadConfig({ MESSAGE_RATE_PER_SEC: '-1' })).toThrow(/MESSAGE_RATE_PER_SEC/);
  });

  test('treats empty variables as unset and splits CORS origins', () => {
    const config = loadConfig({ REDIS_URL: '', CORS_ORIGIN: 'http://a.test, http://b.test' });
    expect(config.redisUrl).toBeUndefined();
    expect(config.corsOrigins).toEqual(['http://a.test', 'http://b.test']);
  });

  test('redacts passwords from Redis URLs', () => {
    expect(redactRedisUrl('rediss://default:s3cret@redis.example.com:12345')).toBe(
      'rediss://default:***@redis.example.com:12345',
    );
    expect(redactRedisUrl('redis://localhost:6379')).not.toContain('***');
  });

  test('redacts passwords from PostgreSQL URLs, also as ?password=, and never echoes a broken one', () => {
    expect(redactDatabaseUrl('postgres://chat:s3cret@db.example.com:5432/chat')).toBe(
      'postgres://chat:***@db.example.com:5432/chat',
    );
    expect(redactDatabaseUrl('postgresql://db/chat?password=s3cret')).toBe(
      'postgresql://db/chat?password=***',
    );
    expect(redactDatabaseUrl('postgres://chat:s3cret@[broken')).toBe('postgres://<unparsable url>');
  });
});

describe('relay envelope', () => {
  const message = {
    id: '1-0',
    roomId: 'r',
    userId: 'u',
    username: 'n',
    text: 't',
    clientId: 'c',
    createdAt: 'd',
  };

  test('accepts what append.lua publishes', () => {
    expect(parseRelayEnvelope(JSON.stringify({ origin: 'i', message }))).toEqual({
      origin: 'i',
      message,
    });
  });

  test.each([
    ['not JSON', 'hello'],
    ['a number', '42'],
    ['null', 'null'],
    ['no message', '{"origin":"i"}'],
    ["a foreign app's shape", '{"event":"order.created","id":7}'],
    [
      'a field of the wrong type',
      JSON.stringify({ origin: 'i', message: { ...message, text: 5 } }),
    ],
  ])('rejects %s', (_what, raw) => {
    expect(parseRelayEnvelope(raw)).toEqual({ invalid: expect.any(String) });
  });
});
