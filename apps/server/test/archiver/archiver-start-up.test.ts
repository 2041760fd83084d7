import { ARCHIVER_ENTRY, ManagedProcess, RedisServer, REPO_ROOT } from '@chat/testkit';

/*
 * The archiver refuses to start half-configured: a bad or missing setting
 * stops it at once with exit code 1 and a message naming the variable (and
 * never a stack trace), as wrong Redis credentials do.
 */

/** Runs the archiver until it exits, once it printed `expected` (rejects if it never does). */
async function run(
  env: Record<string, string>,
  expected: RegExp | string,
): Promise<{ code: number | null; output: string }> {
  const base = Object.fromEntries(
    Object.entries(process.env).filter(
      ([name]) => !/^(REDIS_|DATABASE_URL|ARCHIVER_|MESSAGE_RETENTION)/.test(name),
    ),
  );
  const child = await ManagedProcess.spawn({
    name: 'archiver',
    command: process.execPath,
    args: [ARCHIVER_ENTRY],
    env: { ...base, ARCHIVER_PORT: '0', HOST: '127.0.0.1', ...env },
    cwd: REPO_ROOT,
  });
  await child.waitForOutput(expected);
  const { code } = await child.exited;
  return { code, output: child.output };
}

const PG = 'postgres://postgres@127.0.0.1:1/none';

test.each([
  [{ DATABASE_URL: PG }, /REDIS_URL: required by the archiver/],
  [{ REDIS_URL: 'redis://127.0.0.1:1' }, /DATABASE_URL: required by the archiver/],
  [
    { REDIS_URL: 'redis://127.0.0.1:1', DATABASE_URL: PG, ARCHIVER_BATCH_SIZE: '0' },
    /ARCHIVER_BATCH_SIZE: /,
  ],
  [
    { REDIS_URL: 'redis://127.0.0.1:1', DATABASE_URL: PG, ARCHIVER_CLAIM_IDLE_MS: 'soon' },
    /ARCHIVER_CLAIM_IDLE_MS: /,
  ],
  [{ REDIS_URL: 'http://x', DATABASE_URL: PG }, /REDIS_URL: must start with redis:\/\//],
])('bad settings %j: exit 1 naming the variable', async (env, message) => {
  const { code, output } = await run(env, message);
  expect(code).toBe(1);
  expect(output).toMatch(message);
  expect(output).not.toMatch(/\n\s+at /);
});

test('wrong Redis credentials: exit 1 at once, the password not logged', async () => {
  const redis = await RedisServer.start({ args: ['--requirepass', 'right-password'] });
  try {
    const { code, output } = await run(
      {
        REDIS_URL: `redis://default:wrong-password@127.0.0.1:${redis.port}`,
        DATABASE_URL: PG,
      },
      'redis refused the credentials',
    );
    expect(code).toBe(1);
    expect(output).toContain('redis refused the credentials');
    expect(output).not.toContain('wrong-password');
  } finally {
    await redis.destroy();
  }
});
