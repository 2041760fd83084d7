import { randomUUID } from 'node:crypto';
import type { Credentials, User } from '@chat/shared';
import { AppError } from '../chat/app-error';
import { decoyPasswordHash, hashPassword, verifyPassword } from '../chat/passwords';
import { RATE_POLICIES } from '../chat/rate-limits';
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
}

/** Registration, login, logout and token checks. */
export class Accounts {
  /**
   * Computed at start-up: computing it at the first unknown-user login would make that login
   * cost two scrypt runs instead of one, which a timing probe right after a deploy could see.
   */
  private readonly decoyHash = decoyPasswordHash();

  constructor(
    private readonly backend: Pick<Backend, 'users' | 'sessions' | 'eventBus' | 'rateLimiter'>,
    private readonly sessionTtlSec: number,
  ) {}

  async register({ username, password }: Credentials): Promise<Session> {
    const user: User = { id: randomUUID(), username };
    const passwordHash = await hashPassword(password);
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
   * wrong password. Attempts are limited per username and per client address,
   * cluster-wide, to slow password guessing.
   */
  async login({ username, password }: Credentials, clientIp: string): Promise<Session> {
    const limiter = this.backend.rateLimiter;
    await enforceRate(limiter, `login-ip:${clientIp}`, RATE_POLICIES.loginPerIp, 'login attempts');
    await enforceRate(
      limiter,
      `login-user:${username.toLowerCase()}`,
      RATE_POLICIES.loginPerUsername,
      'login attempts',
    );
    const stored = await this.backend.users.findByUsername(username);
    const valid = await verifyPassword(password, stored?.passwordHash ?? (await this.decoyHash));
    if (!stored || !valid) throw new AppError('unauthorized', 'wrong username or password');
    return {
      user: { id: stored.id, username: stored.username },
      token: await this.startSession(stored.id),
    };
  }

  /** Revokes the token on every instance; its live sockets are disconnected wherever they are. */
  async logout(identity: Identity): Promise<void> {
    await this.backend.sessions.revoke(identity.tokenHash);
    await this.backend.eventBus.publish({
      type: 'session:revoked',
      tokenHash: identity.tokenHash,
    });
  }

  /** The identity behind a token, or null when it is unknown, expired or revoked. */
  async authenticate(token: string | undefined): Promise<Identity | null> {
    if (!token) return null;
    const tokenHash = hashToken(token);
    const userId = await this.backend.sessions.resolve(tokenHash);
    if (!userId) return null;
    const user = await this.backend.users.findById(userId);
    return user ? { user, tokenHash } : null;
  }

  private async startSession(userId: string): Promise<string> {
    const token = newToken();
    await this.backend.sessions.create(hashToken(token), userId, this.sessionTtlSec);
    return token;
  }
}
