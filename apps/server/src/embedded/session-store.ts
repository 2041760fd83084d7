import type { SessionStore } from '../ports';

export class EmbeddedSessionStore implements SessionStore {
  private readonly sessions = new Map<string, { userId: string; expiresAt: number }>();

  constructor(private readonly now: () => number = Date.now) {}

  create(tokenHash: string, userId: string, ttlSec: number): Promise<void> {
    this.sessions.set(tokenHash, { userId, expiresAt: this.now() + ttlSec * 1000 });
    return Promise.resolve();
  }

  resolve(tokenHash: string): Promise<string | null> {
    const session = this.sessions.get(tokenHash);
    if (!session) return Promise.resolve(null);
    if (session.expiresAt <= this.now()) {
      this.sessions.delete(tokenHash);
      return Promise.resolve(null);
    }
    return Promise.resolve(session.userId);
  }

  revoke(tokenHash: string): Promise<boolean> {
    return Promise.resolve(this.sessions.delete(tokenHash));
  }
}
