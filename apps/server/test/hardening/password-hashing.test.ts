import { GateFull, PriorityGate } from '../../src/chat/priority-gate';
import { configWith, IN_MEMORY, loadConfig } from '../../src/config';
import { createEmbeddedBackend } from '../../src/embedded/backend';
import { Accounts } from '../../src/services/accounts';

/*
 * Password hashes used scrypt N=2^14, below OWASP's minimum (2^17), and a hash once stored kept
 * its parameters for ever: new hashes now use 2^17 by default, and a login replaces a hash made
 * with weaker parameters. The gate that bounds password work is checked step by step here.
 */

const password = 'correct horse battery';
const ip = '192.0.2.7';

test('new hashes use N=2^17 by default, and a login upgrades a hash made with a smaller N', async () => {
  expect(loadConfig({}).passwordScryptN).toBe(2 ** 17);
  expect(() => loadConfig({ PASSWORD_SCRYPT_N: '100000' })).toThrow(/PASSWORD_SCRYPT_N/);

  const backend = createEmbeddedBackend(configWith({ dataDir: IN_MEMORY }));
  const before = new Accounts(backend, 3600, { scrypt: { N: 2 ** 14, r: 8, p: 1 } });
  const now = new Accounts(backend, 3600);
  const { user } = await before.register({ username: 'rehash_me', password });
  const storedHash = async () => (await backend.users.findByUsername('rehash_me'))?.passwordHash;
  expect(await storedHash()).toMatch(/^scrypt\$16384\$8\$1\$/);

  await now.login({ username: 'rehash_me', password }, ip);
  expect(await storedHash()).toMatch(/^scrypt\$131072\$8\$1\$/);
  // The upgraded hash verifies, and an instance still on the old N never downgrades it.
  expect((await now.login({ username: 'rehash_me', password }, ip)).user).toEqual(user);
  await before.login({ username: 'rehash_me', password }, ip);
  expect(await storedHash()).toMatch(/^scrypt\$131072\$8\$1\$/);
});

describe('PriorityGate', () => {
  test('runs `concurrency` tasks at once, hands a freed slot to the higher priority first, refuses past the queue bound', async () => {
    const gate = new PriorityGate(['login', 'register'] as const, 1, 2);
    const started: string[] = [];
    const releases: (() => void)[] = [];
    const task = (name: string) => () =>
      new Promise<string>((resolve) => {
        started.push(name);
        releases.push(() => resolve(name));
      });

    const running = gate.run('register', task('r1'));
    const queued = [gate.run('register', task('r2')), gate.run('register', task('r3'))];
    await expect(gate.run('register', task('r4'))).rejects.toBeInstanceOf(GateFull);
    const login = gate.run('login', task('l1'));
    expect(gate.waiting('register')).toBe(2);
    expect(gate.waiting('login')).toBe(1);
    expect(started).toEqual(['r1']);

    releases.shift()!();
    await running;
    await Promise.resolve();
    expect(started).toEqual(['r1', 'l1']);
    releases.shift()!();
    await login;
    for (let i = 0; i < 2; i += 1) {
      await Promise.resolve();
      releases.shift()!();
      await queued[i];
    }
    expect(started).toEqual(['r1', 'l1', 'r2', 'r3']);
    expect(gate.waiting('register')).toBe(0);
  });
});
