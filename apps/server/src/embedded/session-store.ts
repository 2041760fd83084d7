import type { LiveSession, SessionStore } from '../ports';
import { NOTHING_KEPT, type DurableState, type SessionRecord } from './durable-state';

/**
 * A sliding idle expiry is written through only once it has moved by this much (or by a
 * tenth of the idle window, when that is less), not on every use: a crash can cost a
 * session at most this much of its idle time.
 */
export const IDLE_PERSIST_STEP_MS = 60_000;

interface StoredSession extends SessionRecord {
  /** The idle expiry as last written to the durable state. */
  keptIdleUntil: number;
}

/**
 * Sessions in memory, written through to `durable`: creations and revocations resolve
 * once kept; idle expiries are kept at the coarser step above.
 */
export class EmbeddedSessionStore implements SessionStore {
  private readonly sessions = new Map<string, StoredSession>();
  /** User id → token hashes of their sessions (pruned on revocation and expiry). */
  private readonly byUser = new Map<string, Set<string>>();

  constructor(
    private readonly now: () => number = Date.now,
    private readonly durable: DurableState = NOTHING_KEPT,
  ) {}

  /** Start-up: the sessions kept before (expired ones are skipped). */
  restore(sessions: (SessionRecord & { tokenHash: string })[]): void {
    const now = this.now();
    for (const { tokenHash, ...session } of sessions)
      if (session.idleUntil > now)
        this.remember(tokenHash, { ...session, keptIdleUntil: session.idleUntil });
  }

  async create(tokenHash: string, userId: string, ttlSec: number, idleSec = ttlSec): Promise<void> {
    const now = this.now();
    const absoluteAt = now + ttlSec * 1000;
    const idleUntil = Math.min(now + idleSec * 1000, absoluteAt);
    const session = { userId, absoluteAt, idleUntil };
    await this.durable.saveSession(tokenHash, session);
    this.remember(tokenHash, { ...session, keptIdleUntil: idleUntil });
  }

  async resolve(tokenHash: string): Promise<string | null> {
    return (await this.use(tokenHash))?.userId ?? null;
  }

  async use(tokenHash: string, idleSec?: number): Promise<LiveSession | null> {
    const session = this.live(tokenHash);
    if (!session) return null;
    if (idleSec !== undefined) {
      session.idleUntil = Math.min(this.now() + idleSec * 1000, session.absoluteAt);
      const step = Math.min(IDLE_PERSIST_STEP_MS, (idleSec * 1000) / 10);
      if (Math.abs(session.idleUntil - session.keptIdleUntil) > step) {
        session.keptIdleUntil = session.idleUntil;
        await this.durable.saveSession(tokenHash, session);
      }
    }
    return { userId: session.userId, ttlMs: session.idleUntil - this.now() };
  }

  async revoke(tokenHash: string): Promise<boolean> {
    const session = this.live(tokenHash);
    if (!session) return false;
    await this.forgetDurably(new Map([[tokenHash, session]]));
    return true;
  }

  async revokeAllOf(userId: string, keepTokenHash?: string): Promise<string[]> {
    const revoked = new Map<string, StoredSession>();
    for (const hash of this.byUser.get(userId) ?? []) {
      const session = hash === keepTokenHash ? null : this.live(hash);
      if (session) revoked.set(hash, session);
    }
    await this.forgetDurably(revoked);
    return [...revoked.keys()];
  }

  /**
   * Revocation: gone from memory at once (no use succeeds meanwhile), then from the durable
   * state; when that fails, they are back (a restart would have revived them) and it rejects.
   */
  private async forgetDurably(sessions: Map<string, StoredSession>): Promise<void> {
    if (sessions.size === 0) return;
    for (const hash of sessions.keys()) this.forget(hash);
    try {
      await this.durable.deleteSessions([...sessions.keys()]);
    } catch (error) {
      for (const [hash, session] of sessions) this.remember(hash, session);
      throw error;
    }
  }

  private remember(tokenHash: string, session: StoredSession): void {
    this.sessions.set(tokenHash, session);
    const hashes = this.byUser.get(session.userId) ?? new Set<string>();
    for (const hash of hashes) if (!this.live(hash)) hashes.delete(hash);
    this.byUser.set(session.userId, hashes.add(tokenHash));
  }

  /** The session if it has not expired; an expired one is forgotten (its row goes at the next start). */
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
