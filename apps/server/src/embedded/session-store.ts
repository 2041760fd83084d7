import type { LiveSession, SessionStore } from '../ports';

interface StoredSession {
  userId: string;
  /** Ends here unless used again (sliding). */
  idleUntil: number;
  /** Ends here whatever happens. */
  absoluteAt: number;
}

export class EmbeddedSessionStore implements SessionStore {
  private readonly sessions = new Map<string, StoredSession>();
  /** User id → token hashes of their sessions (pruned on revocation and expiry). */
  private readonly byUser = new Map<string, Set<string>>();

  constructor(private readonly now: () => number = Date.now) {}

  create(tokenHash: string, userId: string, ttlSec: number, idleSec = ttlSec): Promise<void> {
    const now = this.now();
    const absoluteAt = now + ttlSec * 1000;
    this.sessions.set(tokenHash, {
      userId,
      absoluteAt,
      idleUntil: Math.min(now + idleSec * 1000, absoluteAt),
    });
    const hashes = this.byUser.get(userId) ?? new Set<string>();
    for (const hash of hashes) if (!this.live(hash)) hashes.delete(hash);
    this.byUser.set(userId, hashes.add(tokenHash));
    return Promise.resolve();
  }

  async resolve(tokenHash: string): Promise<string | null> {
    return (await this.use(tokenHash))?.userId ?? null;
  }

  use(tokenHash: string, idleSec?: number): Promise<LiveSession | null> {
    const session = this.live(tokenHash);
    if (!session) return Promise.resolve(null);
    if (idleSec !== undefined)
      session.idleUntil = Math.min(this.now() + idleSec * 1000, session.absoluteAt);
    return Promise.resolve({ userId: session.userId, ttlMs: session.idleUntil - this.now() });
  }

  revoke(tokenHash: string): Promise<boolean> {
    const session = this.live(tokenHash);
    this.forget(tokenHash);
    return Promise.resolve(session !== null);
  }

  revokeAllOf(userId: string, keepTokenHash?: string): Promise<string[]> {
    const revoked: string[] = [];
    for (const hash of this.byUser.get(userId) ?? []) {
      if (hash === keepTokenHash) continue;
      if (this.live(hash)) revoked.push(hash);
      this.forget(hash);
    }
    return Promise.resolve(revoked);
  }

  /** The session if it has not expired; an expired one is forgotten. */
  private live(tokenHash: string): StoredSession | null {
    const session = this.sessions.get(tokenHash);
    if (!session) return null;
    if (session.idleUntil > this.now()) return session;
    this.forget(tokenHash);
    return null;
  }

  private forget(tokenHash: string): void {
    const session = this.sessions.get(tokenHash);
    if (!session) return;
    this.sessions.delete(tokenHash);
    this.byUser.get(session.userId)?.delete(tokenHash);
  }
}
