import { randomUUID } from 'node:crypto';
import type { ChangePasswordBody, Credentials, User } from '@chat/shared';
import { AppError } from '../chat/app-error';
import {
  DEFAULT_SCRYPT_PARAMS,
  decoyPasswordHash,
  hashPassword,
  needsRehash,
  verifyPassword,
  type ScryptParams,
} from '../chat/passwords';
import { GateFull, PriorityGate } from '../chat/priority-gate';
import { RATE_POLICIES, type RatePolicy } from '../chat/rate-limits';
import { hashToken, newToken } from '../chat/tokens';
import type { Backend } from '../ports';
import { enforceRate } from './rate-limits';

export interface Session {
  user: User;
  token: string;
}

/** Who a request or a socket is: always derived from its token, never from a payload. */
export interface Identity {
  user: User;
  tokenHash: string;
  /** In how many ms the session ends unless it is used again. */
  sessionTtlMs: number;
}

/** How accounts and sessions behave; every field has the default of its setting (config.ts). */
export interface AccountOptions {
  /** SESSION_IDLE_TTL_SEC; default: the session TTL (no idle timeout). */
  sessionIdleTtlSec?: number;
  /** REGISTRATIONS_PER_HOUR per client address; 0 or absent = unlimited. */
  registrationsPerHour?: number;
  /** Parameters of new password hashes; default OWASP's minimum. */
  scrypt?: ScryptParams;
  /** PASSWORD_HASH_WORKERS, default 2. */
  hashConcurrency?: number;
  /** PASSWORD_HASH_QUEUE_MAX, default 32. */
  hashQueueMax?: number;
}

/** Password work waits in two lines: logins go first, so a registration flood does not delay them. */
type HashWork = 'login' | 'register';

/** Registration, login, logout (one session or all), password change and token checks. */
export class Accounts {
  private readonly scrypt: ScryptParams;
  private readonly idleTtlSec: number;
  private readonly registrationPolicy: RatePolicy | null;
  private readonly hashing: PriorityGate<HashWork>;
  /**
   * Computed at start-up: computing it at the first unknown-user login would make that login
   * cost two scrypt runs instead of one, which a timing probe right after a deploy could see.
   */
  private readonly decoyHash: Promise<string>;

  constructor(
    private readonly backend: Pick<Backend, 'users' | 'sessions' | 'eventBus' | 'rateLimiter'>,
    private readonly sessionTtlSec: number,
    options: AccountOptions = {},
  ) {
    this.scrypt = options.scrypt ?? DEFAULT_SCRYPT_PARAMS;
    this.idleTtlSec = Math.min(options.sessionIdleTtlSec ?? sessionTtlSec, sessionTtlSec);
    const perHour = options.registrationsPerHour ?? 0;
    this.registrationPolicy = perHour > 0 ? { ratePerSec: perHour / 3600, burst: perHour } : null;
    this.hashing = new PriorityGate<HashWork>(
      ['login', 'register'],
      options.hashConcurrency ?? 2,
      options.hashQueueMax ?? 32,
    );
    this.decoyHash = decoyPasswordHash(this.scrypt);
  }

  /**
   * Limited per client address; a taken name is refused before any password
   * work, and the hash waits behind logins.
   */
  async register({ username, password }: Credentials, clientIp?: string): Promise<Session> {
    if (this.registrationPolicy && clientIp !== undefined) {
      await enforceRate(
        this.backend.rateLimiter,
        `register-ip:${clientIp}`,
        this.registrationPolicy,
        'registrations',
      );
    }
    if (await this.backend.users.findByUsername(username))
      throw new AppError('conflict', 'username is taken');
    const user: User = { id: randomUUID(), username };
    const passwordHash = await this.hash('register', password);
    const outcome = await this.backend.users.create({
      ...user,
      passwordHash,
      createdAt: new Date().toISOString(),
    });
    if (outcome === 'taken') throw new AppError('conflict', 'username is taken');
    return { user, token: await this.startSession(user.id) };
  }

  /**
   * The same 401, after the same amount of work, for an unknown user and a
   * wrong password. Attempts are limited per client address, per username and
   * address, and (more loosely) per username, cluster-wide, to slow password
   * guessing without letting a stranger lock the owner out. A hash made with
   * older parameters is replaced by one with the current ones.
   */
  async login({ username, password }: Credentials, clientIp: string): Promise<Session> {
    await this.limitGuessing(username, clientIp);
    const stored = await this.backend.users.findByUsername(username);
    const valid = await this.verify(password, stored?.passwordHash ?? (await this.decoyHash));
    if (!stored || !valid) throw new AppError('unauthorized', 'wrong username or password');
    if (needsRehash(stored.passwordHash, this.scrypt)) {
      // Best effort: a busy gate or a failed write leaves the old hash, which still verifies.
      await this.hash('login', password)
        .then((hash) => this.backend.users.setPasswordHash(stored.id, hash))
        .catch(() => {});
    }
    return {
      user: { id: stored.id, username: stored.username },
      token: await this.startSession(stored.id),
    };
  }

  /** Revokes the token on every instance; its live sockets are disconnected wherever they are. */
  async logout(identity: Identity): Promise<void> {
    await this.backend.sessions.revoke(identity.tokenHash);
    await this.announceRevoked(identity.user.id, [identity.tokenHash]);
  }

  /** Revokes every session of the user, this one included, and closes their sockets everywhere. */
  async logoutAll(identity: Identity): Promise<void> {
    await this.backend.sessions.revoke(identity.tokenHash);
    await this.announceRevoked(identity.user.id, [
      identity.tokenHash,
      ...(await this.backend.sessions.revokeAllOf(identity.user.id)),
    ]);
  }

  /**
   * Needs the current password (limited like a login); then every other
   * session of the user is revoked everywhere, and this one stays.
   */
  async changePassword(
    identity: Identity,
    { currentPassword, newPassword }: ChangePasswordBody,
    clientIp: string,
  ): Promise<void> {
    const { user } = identity;
    await this.limitGuessing(user.username, clientIp);
    const stored = await this.backend.users.findByUsername(user.username);
    if (!stored || !(await this.verify(currentPassword, stored.passwordHash)))
      throw new AppError('unauthorized', 'wrong password');
    await this.backend.users.setPasswordHash(user.id, await this.hash('login', newPassword));
    await this.announceRevoked(
      user.id,
      await this.backend.sessions.revokeAllOf(user.id, identity.tokenHash),
    );
  }

  /**
   * The identity behind a token, or null when it is unknown, expired or
   * revoked. A use of the session: its idle expiry moves on.
   *
   * `alongside` (issue 16: the socket handshake's reads of the user's own data) runs once the
   * session is known live, concurrently with the user lookup instead of after it: one Redis
   * round trip less. It must only read: it also runs when the user turns out unknown (null is
   * still returned), and a rejection rejects the call. A dead or unknown token never runs it.
   */
  async authenticate(
    token: string | undefined,
    alongside: (userId: string) => Promise<void> = () => Promise.resolve(),
  ): Promise<Identity | null> {
    if (!token) return null;
    const tokenHash = hashToken(token);
    const session = await this.backend.sessions.use(tokenHash, this.idleTtlSec);
    if (!session) return null;
    const [user] = await Promise.all([
      this.backend.users.findById(session.userId),
      alongside(session.userId),
    ]);
    return user ? { user, tokenHash, sessionTtlMs: session.ttlMs } : null;
  }

  /**
   * In how many ms a live session ends, or null once it has ended: with
   * `used`, a use that moves its idle expiry on; without, a look.
   */
  async sessionTtlMs(tokenHash: string, used: boolean): Promise<number | null> {
    const session = await this.backend.sessions.use(tokenHash, used ? this.idleTtlSec : undefined);
    return session?.ttlMs ?? null;
  }

  private async limitGuessing(username: string, clientIp: string): Promise<void> {
    const limiter = this.backend.rateLimiter;
    const name = username.toLowerCase();
    await enforceRate(limiter, `login-ip:${clientIp}`, RATE_POLICIES.loginPerIp, 'login attempts');
    await enforceRate(
      limiter,
      `login-user-ip:${name}:${clientIp}`,
      RATE_POLICIES.loginPerUsernameAndIp,
      'login attempts',
    );
    await enforceRate(
      limiter,
      `login-user:${name}`,
      RATE_POLICIES.loginPerUsername,
      'login attempts',
    );
  }

  private hash(work: HashWork, password: string): Promise<string> {
    return this.gated(work, () => hashPassword(password, this.scrypt));
  }

  private verify(password: string, stored: string): Promise<boolean> {
    return this.gated('login', () => verifyPassword(password, stored));
  }

  /** Password work through the gate; a full queue is a 503 the client may retry. */
  private gated<T>(work: HashWork, task: () => Promise<T>): Promise<T> {
    return this.hashing.run(work, task).catch((error: unknown) => {
      if (error instanceof GateFull)
        throw new AppError('unavailable', 'the server is busy; retry in a second', 1000);
      throw error;
    });
  }

  private async announceRevoked(userId: string, tokenHashes: string[]): Promise<void> {
    for (const tokenHash of tokenHashes)
      await this.backend.eventBus.publish({ type: 'session:revoked', tokenHash, userId });
  }

  private async startSession(userId: string): Promise<string> {
    const token = newToken();
    await this.backend.sessions.create(
      hashToken(token),
      userId,
      this.sessionTtlSec,
      this.idleTtlSec,
    );
    return token;
  }
}
