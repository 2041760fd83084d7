import * as crypto from 'node:crypto';
import { AppError } from '../../src/chat/app-error';
import * as passwords from '../../src/chat/passwords';
import { configWith, IN_MEMORY } from '../../src/config';
import { createEmbeddedBackend } from '../../src/embedded/backend';
import { Accounts } from '../../src/services/accounts';

/*
 * Login timing does not reveal whether a username exists. Not measured with
 * a clock (too noisy to assert on): the mechanism is checked instead. A
 * login for an unknown user runs exactly the work of a login with a wrong
 * password, one scrypt verification against a hash with the same parameters,
 * and fails with the same error, from the very first attempt after start-up
 * on. scrypt and verifyPassword are wrapped (not replaced) to count calls.
 */

jest.mock('node:crypto', () => {
  const actual = jest.requireActual<typeof crypto>('node:crypto');
  return { ...actual, scrypt: jest.fn(actual.scrypt) };
});

jest.mock('../../src/chat/passwords', () => {
  const actual = jest.requireActual<typeof passwords>('../../src/chat/passwords');
  return { ...actual, verifyPassword: jest.fn(actual.verifyPassword) };
});

const scrypt = crypto.scrypt as unknown as jest.Mock;
const verifyPassword = passwords.verifyPassword as jest.MockedFunction<
  typeof passwords.verifyPassword
>;

const backend = createEmbeddedBackend(configWith({ dataDir: IN_MEMORY }));
// scrypt's cheapest accepted N, like the test clusters: 22 attempts at the default (2^17) take
// long enough for the per-username bucket to refill a token before the last one.
const accounts = new Accounts(backend, 3600, { scrypt: { N: 2 ** 14, r: 8, p: 1 } });
const password = 'correct horse battery';
let username: string;

/** The failure, and the work it took: scrypt derivations and password verifications. */
async function attempt(name: string, secret: string) {
  scrypt.mockClear();
  verifyPassword.mockClear();
  const outcome = await accounts.login({ username: name, password: secret }, '192.0.2.1').then(
    () => 'logged in',
    (error: unknown) =>
      error instanceof AppError ? { code: error.code, message: error.message } : String(error),
  );
  return {
    outcome,
    scrypts: scrypt.mock.calls.length,
    verifications: verifyPassword.mock.calls.map(([, hash]) => hashShape(hash)),
  };
}

/** `scrypt$N$r$p$salt$hash` → the parts that decide the work, plus the salt and key sizes. */
function hashShape(stored: string) {
  const [scheme, n, r, p, salt, key] = stored.split('$');
  return {
    scheme,
    n,
    r,
    p,
    saltBytes: Buffer.from(salt ?? '', 'base64url').length,
    keyBytes: Buffer.from(key ?? '', 'base64url').length,
  };
}

beforeAll(async () => {
  username = `timing_${process.pid}`;
  await accounts.register({ username, password });
});

test('the mocks wrap the real functions: a right password logs in after one verification', async () => {
  const result = await attempt(username, password);
  expect(result.outcome).toBe('logged in');
  expect(result.scrypts).toBe(1);
  expect(result.verifications).toHaveLength(1);
});

test('the first login of an unknown user after start-up costs what a wrong password costs', async () => {
  // This is the first unknown-user login this process sees (the decoy hash's first use).
  const unknown = await attempt('nobody_by_this_name', password);
  const wrong = await attempt(username, 'wrong password!');
  expect(unknown.outcome).toEqual(wrong.outcome);
  expect(unknown.verifications).toEqual(wrong.verifications);
  expect(unknown.scrypts).toBe(wrong.scrypts);
});

test('every later unknown-user login costs what a wrong password costs, with the same error', async () => {
  const stored = await backend.users.findByUsername(username);
  const realShape = hashShape(stored!.passwordHash);
  for (const name of ['nobody_else', 'NOBODY_ELSE', username.toUpperCase() + 'x']) {
    const unknown = await attempt(name, password);
    const wrong = await attempt(username, `${password}!`);
    expect(unknown.outcome).toEqual({ code: 'unauthorized', message: expect.any(String) });
    expect(unknown.outcome).toEqual(wrong.outcome);
    // One verification each, against a hash with the real hashes' parameters (same work).
    expect(unknown.verifications).toEqual([realShape]);
    expect(wrong.verifications).toEqual([realShape]);
    expect(unknown.scrypts).toBe(1);
    expect(wrong.scrypts).toBe(1);
  }
});

test('repeated attempts fail the same way for known and unknown users, ending in rate_limited', async () => {
  // The per-username bucket (10, then 1 per 6 s) treats an unknown name like a known one.
  const outcomes = async (name: string) => {
    const results: unknown[] = [];
    for (let i = 0; i < 11; i += 1) results.push((await attempt(name, 'wrong password!')).outcome);
    return results;
  };
  const fresh = `timing_b_${process.pid}`;
  await accounts.register({ username: fresh, password });
  const known = await outcomes(fresh);
  const unknown = await outcomes('never_registered');
  const codes = (results: unknown[]) => results.map((result) => (result as { code: string }).code);
  expect(codes(unknown)).toEqual(codes(known));
  expect(codes(known).at(-1)).toBe('rate_limited');
});
