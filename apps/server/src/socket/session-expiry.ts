import type { Accounts } from '../services/accounts';
import type { ChatSocket } from './types';

/** setTimeout's ceiling (about 24.8 days); a longer wait is taken in steps. */
const MAX_TIMER_MS = 2 ** 31 - 1;
/** After a failed look at the store (Redis away), look again this much later. */
const RETRY_MS = 5000;
/** The shortest wait between two looks at one socket's session: never a busy loop. */
const MIN_WAIT_MS = 1000;

/** One watched socket: its timer and when it last used its session. */
interface Watch {
  readonly socket: ChatSocket;
  timer: NodeJS.Timeout | undefined;
  lastUse: number;
}

/**
 * Closes a socket when its session ends, idle or absolute, even if the socket
 * sends nothing, as a revocation does (`io server disconnect`). Each client
 * event is a use of the session (it moves the idle expiry on), as an HTTP call
 * is: `used`, called for every event the socket sends while connected.
 *
 * Cost: one timer per socket, due when its session would end; when it fires,
 * one look at the store, and the socket is closed or the timer set again (the
 * session was used elsewhere meanwhile). Client events cost a clock read each
 * and at most one store call per socket per `useEveryMs`. A socket's state is one
 * small record and its timer, no closure (issue 16); `forget` ends it at the disconnect.
 */
export class SessionExpiry {
  private readonly useEveryMs: number;
  private readonly watches = new WeakMap<ChatSocket, Watch>();
  /** The timers' callback, one for all sockets (the watch is the timer's argument). */
  private readonly fire = (watch: Watch) => void this.check(watch);

  constructor(
    private readonly accounts: Accounts,
    idleTtlSec: number,
  ) {
    // Often enough that an active socket's session never runs out between two uses.
    this.useEveryMs = Math.min(60_000, (idleTtlSec * 1000) / 4);
  }

  watch(socket: ChatSocket): void {
    const watch: Watch = { socket, timer: undefined, lastUse: Date.now() };
    this.watches.set(socket, watch);
    this.schedule(watch, socket.data.sessionTtlMs);
  }

  /** The socket sent an event: a use of its session. */
  used(socket: ChatSocket): void {
    const watch = this.watches.get(socket);
    if (watch === undefined) return;
    const now = Date.now();
    if (now - watch.lastUse < this.useEveryMs) return;
    watch.lastUse = now;
    this.accounts.sessionTtlMs(socket.data.tokenHash, true).then(
      (ttlMs) => this.settle(watch, ttlMs),
      () => {},
    );
  }

  /** The socket disconnected: no more looks at its session. */
  forget(socket: ChatSocket): void {
    const watch = this.watches.get(socket);
    if (watch === undefined) return;
    this.watches.delete(socket);
    clearTimeout(watch.timer);
  }

  private check(watch: Watch): Promise<void> {
    return this.accounts.sessionTtlMs(watch.socket.data.tokenHash, false).then(
      (ttlMs) => this.settle(watch, ttlMs),
      () => this.schedule(watch, RETRY_MS),
    );
  }

  private settle(watch: Watch, ttlMs: number | null): void {
    if (ttlMs === null) watch.socket.disconnect(true);
    else this.schedule(watch, ttlMs);
  }

  private schedule(watch: Watch, ttlMs: number): void {
    clearTimeout(watch.timer);
    // A look that was under way when the socket disconnected sets no timer.
    if (this.watches.get(watch.socket) !== watch) return;
    const waitMs = Math.min(Math.max(ttlMs, MIN_WAIT_MS), MAX_TIMER_MS);
    watch.timer = setTimeout(this.fire, waitMs, watch);
  }
}
