import type { User } from '@chat/shared';

/**
 * Origin side of typing indicators: which of a socket's typing signals are
 * worth publishing. A client may send `typing: true` on every keystroke; one
 * is forwarded per `refreshMs` while the state holds, plus every change.
 */
export class TypingThrottle {
  /** socket id → room id → when `typing: true` was last forwarded. */
  private readonly active = new Map<string, Map<string, number>>();

  constructor(private readonly refreshMs: number) {}

  shouldForward(socketId: string, roomId: string, typing: boolean, now: number): boolean {
    let rooms = this.active.get(socketId);
    const last = rooms?.get(roomId);
    if (!typing) {
      if (last === undefined) return false;
      rooms!.delete(roomId);
      return true;
    }
    if (last !== undefined && now - last < this.refreshMs) return false;
    if (!rooms) {
      rooms = new Map();
      this.active.set(socketId, rooms);
    }
    rooms.set(roomId, now);
    return true;
  }

  /** Rooms the socket was typing in; forgets them (it left or disconnected). */
  stop(socketId: string, roomId?: string): string[] {
    const rooms = this.active.get(socketId);
    if (!rooms) return [];
    if (roomId !== undefined) {
      return rooms.delete(roomId) ? [roomId] : [];
    }
    this.active.delete(socketId);
    return [...rooms.keys()];
  }
}

/**
 * Receiving side: every instance ends a typing state by itself when it is
 * not renewed within `ttlMs`, so a client (or a whole instance) that
 * vanishes mid-typing never leaves "is typing" behind.
 */
export class TypingExpiry {
  private readonly timers = new Map<string, NodeJS.Timeout>();

  constructor(
    private readonly ttlMs: number,
    private readonly onExpired: (roomId: string, user: User, socketId: string) => void,
  ) {}

  /** Records a typing signal; returns whether it should be shown (false: a stop for an unknown state). */
  update(roomId: string, user: User, typing: boolean, socketId: string): boolean {
    const key = `${roomId}\n${user.id}`;
    const existing = this.timers.get(key);
    clearTimeout(existing);
    if (!typing) {
      this.timers.delete(key);
      return existing !== undefined;
    }
    const timer = setTimeout(() => {
      this.timers.delete(key);
      this.onExpired(roomId, user, socketId);
    }, this.ttlMs);
    timer.unref();
    this.timers.set(key, timer);
    return true;
  }

  clear(): void {
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
  }
}
