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
 * Closes the socket (server-side disconnect: clients do not come back by
 * themselves) once it sends events faster than `eventsPerSec` for longer
 * than a burst of five seconds' worth. Counted and logged once per socket.
 */
export function guardAgainstFloods(
  socket: ChatSocket,
  eventsPerSec: number,
  metrics: Metrics,
  logger: Logger,
): void {
  const flood = new EventFloodGuard(eventsPerSec, eventsPerSec * 5);
  let flooded = false;
  socket.use((_packet, next) => {
    // Packets already read in the same batch still pass through here after the
    // disconnect: drop them without logging or counting the flood again.
    if (flooded) return;
    if (flood.admit()) return next();
    flooded = true;
    metrics.floods.inc();
    logger.warn(
      { socket: socket.id, userId: socket.data.user.id },
      'closing a connection that floods events',
    );
    socket.disconnect(true);
  });
}
