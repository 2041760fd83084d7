import type { Logger } from 'pino';
import { takeToken, type BucketState } from '../chat/token-bucket';
import type { Metrics } from '../metrics';
import type { ChatSocket } from './types';

/**
 * Per-connection bound on incoming events of any kind (known or not): a
 * connection sending faster than `ratePerSec` for longer than its burst is
 * flooding and gets closed. Kept in memory: it protects this instance's CPU,
 * so it must cost nothing per event.
 */
export class EventFloodGuard {
  private state: BucketState | undefined;

  constructor(
    private readonly ratePerSec: number,
    private readonly burst: number,
  ) {}

  /** False once the connection is over its budget. */
  admit(now = Date.now()): boolean {
    if (this.ratePerSec <= 0) return true;
    const result = takeToken(this.state, now, this.ratePerSec, this.burst);
    this.state = result.state;
    return result.allowed;
  }
}

/**
 * Closes a socket (server-side disconnect: clients do not come back by
 * themselves) once it sends events faster than `eventsPerSec` for longer
 * than a burst of five seconds' worth. Counted and logged once per socket.
 *
 * One per instance: a socket costs its bucket (an EventFloodGuard) and no closure (issue 16).
 */
export class FloodGuards {
  private readonly guards = new WeakMap<ChatSocket, EventFloodGuard>();

  constructor(
    private readonly eventsPerSec: number,
    private readonly metrics: Metrics,
    private readonly logger: Logger,
  ) {}

  watch(socket: ChatSocket): void {
    if (this.eventsPerSec > 0)
      this.guards.set(socket, new EventFloodGuard(this.eventsPerSec, this.eventsPerSec * 5));
  }

  /** Whether the socket's event may go on; false drops it (the socket is closed or closing). */
  admit(socket: ChatSocket): boolean {
    // Packets already read in the same batch still arrive after the disconnect: drop them
    // without logging or counting the flood again.
    if (!socket.connected) return false;
    const guard = this.guards.get(socket);
    if (guard === undefined || guard.admit()) return true;
    this.guards.delete(socket);
    this.metrics.floods.inc();
    this.logger.warn(
      { socket: socket.id, userId: socket.data.user.id },
      'closing a connection that floods events',
    );
    socket.disconnect(true);
    return false;
  }
}
