import type { Logger } from 'pino';
import type { Metrics } from '../metrics';
import type { ChatIoServer } from './types';

/** Engine.IO internals read here: the websocket's queued bytes, the polling buffer. */
interface EngineConnection {
  transport?: { name?: string; socket?: { bufferedAmount?: number } };
  writeBuffer?: unknown[];
  close(): void;
}

/** Rough size of one buffered packet on the polling transport, for the same byte budget. */
const POLLING_PACKET_BYTES = 4096;

/**
 * Closes connections that stopped reading (a frozen tab, a stalled network,
 * a hostile client): once a socket's unsent output passes the budget, the
 * instance stops holding it. The rest of the room is never waited for: a
 * broadcast only queues on each socket. A closed client reconnects later and
 * catches up with `after`.
 */
export class SlowConsumerGuard {
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly io: ChatIoServer,
    private readonly maxBufferedBytes: number,
    private readonly metrics: Metrics,
    private readonly logger: Logger,
    private readonly intervalMs = 250,
  ) {}

  start(): void {
    this.timer = setInterval(() => this.sweep(), this.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** One pass over this instance's sockets. */
  sweep(): void {
    for (const socket of this.io.of('/').sockets.values()) {
      const conn = socket.conn as unknown as EngineConnection;
      const buffered =
        conn.transport?.name === 'websocket'
          ? (conn.transport.socket?.bufferedAmount ?? 0)
          : (conn.writeBuffer?.length ?? 0) * POLLING_PACKET_BYTES;
      if (buffered <= this.maxBufferedBytes) continue;
      this.metrics.slowConsumers.inc();
      this.logger.warn(
        { socket: socket.id, userId: socket.data.user?.id, buffered },
        'closing a slow consumer',
      );
      conn.close();
    }
  }
}
