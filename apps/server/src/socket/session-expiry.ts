import type { Accounts } from '../services/accounts';
import type { ChatSocket } from './types';

/** setTimeout's ceiling (about 24.8 days); a longer wait is taken in steps. */
const MAX_TIMER_MS = 2 ** 31 - 1;
/** After a failed look at the store (Redis away), look again this much later. */
const RETRY_MS = 5000;
/** The shortest wait between two looks at one socket's session: never a busy loop. */
const MIN_WAIT_MS = 1000;

/**
 * Closes a socket when its session ends, idle or absolute, even if the socket
 * sends nothing, as a revocation does (`io server disconnect`). Each client
 * event is a use of the session (it moves the idle expiry on), as an HTTP call
 * is.
 *
 * Cost: one timer per socket, due when its session would end; when it fires,
 * one look at the store, and the socket is closed or the timer set again (the
 * session was used elsewhere meanwhile). Client events cost a clock read each
 * and at most one store call per socket per `useEveryMs`.
 */
export class SessionExpiry {
  private readonly useEveryMs: number;

  constructor(
    private readonly accounts: Accounts,
    idleTtlSec: number,
  ) {
    // Often enough that an active socket's session never runs out between two uses.
    this.useEveryMs = Math.min(60_000, (idleTtlSec * 1000) / 4);
  }

  watch(socket: ChatSocket): void {
    const { tokenHash } = socket.data;
    let timer: NodeJS.Timeout | undefined;
    let lastUse = Date.now();
    let closed = false;

    const schedule = (ttlMs: number) => {
      clearTimeout(timer);
      if (closed) return;
      timer = setTimeout(() => void check(), Math.min(Math.max(ttlMs, MIN_WAIT_MS), MAX_TIMER_MS));
    };
    const settle = (ttlMs: number | null) => {
      if (ttlMs === null) socket.disconnect(true);
      else schedule(ttlMs);
    };
    const check = () =>
      this.accounts.sessionTtlMs(tokenHash, false).then(settle, () => schedule(RETRY_MS));

    socket.use((_packet, next) => {
      const now = Date.now();
      if (now - lastUse >= this.useEveryMs) {
        lastUse = now;
        this.accounts.sessionTtlMs(tokenHash, true).then(settle, () => {});
      }
      next();
    });
    socket.on('disconnect', () => {
      closed = true;
      clearTimeout(timer);
    });
    schedule(socket.data.sessionTtlMs);
  }
}
