import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

/*
 * Passwords are stored only as `scrypt$N$r$p$salt$hash` (base64url parts),
 * with a random 16-byte salt per user. Verification compares in constant time.
 * The parameters travel in the hash, so a hash made with weaker ones than the
 * current (`needsRehash`) still verifies, and is replaced at the next login.
 */

const KEY_LENGTH = 32;

/** scrypt's cost parameters: N (CPU and memory), r (block size), p (parallelism). */
export interface ScryptParams {
  N: number;
  r: number;
  p: number;
}

/**
 * OWASP's Password Storage Cheat Sheet (2025) minimum: N=2^17, r=8, p=1
 * (128 MiB and about 0.2 s of one core per hash). PASSWORD_SCRYPT_N sets N.
 */
export const DEFAULT_SCRYPT_PARAMS: ScryptParams = { N: 2 ** 17, r: 8, p: 1 };

/** Memory one derivation needs (128·N·r bytes), with room for Node's own bookkeeping. */
function maxmem({ N, r, p }: ScryptParams): number {
  return 128 * N * r + 128 * r * p + 1024 * 1024;
}

function derive(password: string, salt: Buffer, params: ScryptParams): Promise<Buffer> {
  const options: ScryptOptions = { ...params, maxmem: maxmem(params) };
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFC'), salt, KEY_LENGTH, options, (error, key) =>
      error ? reject(error) : resolve(key),
    );
  });
}

export async function hashPassword(
  password: string,
  params: ScryptParams = DEFAULT_SCRYPT_PARAMS,
): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, params);
  return [
    'scrypt',
    params.N,
    params.r,
    params.p,
    salt.toString('base64url'),
    key.toString('base64url'),
  ].join('$');
}

/** The parameters a stored hash was made with, or null when it is not a scrypt hash of ours. */
function parseHash(stored: string) {
  const [scheme, n, r, p, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || !salt || !hash) return null;
  const params = { N: Number(n), r: Number(r), p: Number(p) };
  if (!Object.values(params).every((value) => Number.isSafeInteger(value) && value > 0))
    return null;
  return { params, salt: Buffer.from(salt, 'base64url'), hash: Buffer.from(hash, 'base64url') };
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parsed = parseHash(stored);
  if (!parsed) return false;
  const actual = await derive(password, parsed.salt, parsed.params);
  return actual.length === parsed.hash.length && timingSafeEqual(actual, parsed.hash);
}

/**
 * True when `stored` was made with weaker parameters than `current`. Never the other way round:
 * during a rolling change of PASSWORD_SCRYPT_N, an instance still on the old value must not
 * undo what the others did.
 */
export function needsRehash(stored: string, current: ScryptParams): boolean {
  const parsed = parseHash(stored);
  if (!parsed) return false;
  const { N, r, p } = parsed.params;
  return N < current.N || r < current.r || p < current.p;
}

/**
 * A hash of a password nobody has, verified against when the username is
 * unknown, so that a login takes as long for an unknown user as for a wrong
 * password and its timing does not reveal which usernames exist. Made with the
 * current parameters, once per process and parameter set; Accounts asks for it
 * at start-up, so no login pays for computing it.
 */
const decoyHashes = new Map<string, Promise<string>>();
export function decoyPasswordHash(params: ScryptParams = DEFAULT_SCRYPT_PARAMS): Promise<string> {
  const key = `${params.N}$${params.r}$${params.p}`;
  let decoy = decoyHashes.get(key);
  if (!decoy) {
    decoy = hashPassword(randomBytes(16).toString('hex'), params);
    decoyHashes.set(key, decoy);
  }
  return decoy;
}
