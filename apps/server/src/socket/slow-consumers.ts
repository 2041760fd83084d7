import type { Logger } from 'pino';
import type { Metrics } from '../metrics';
import type { ChatIoServer } from './types';

/**
 * Engine.IO internals read here. Output waits in two places: packets queued
 * on the connection (`writeBuffer`, which grows while the transport is not
 * writable, i.e. while the previous websocket write has not reached the
 * kernel or no polling request is open), and bytes the websocket holds
 * (`bufferedAmount`).
 */
interface EngineConnection {
  transport?: { name?: string; socket?: { bufferedAmount?: number } };
  writeBuffer?: { data?: unknown }[];
  close(discard?: boolean): void;
}

/** Size of one queued Engine.IO packet: its payload, as Socket.IO encoded it. */
function packetBytes(packet: { data?: unknown }): number {
  const { data } = packet;
  if (typeof data === 'string') return data.length;
  if (data instanceof ArrayBuffer || ArrayBuffer.isView(data)) return data.byteLength;
  return 0;
}

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
      let buffered =
        conn.transport?.name === 'websocket' ? (conn.transport.socket?.bufferedAmount ?? 0) : 0;
      for (const packet of conn.writeBuffer ?? []) buffered += packetBytes(packet);
      if (buffered <= this.maxBufferedBytes) continue;
      this.metrics.slowConsumers.inc();
      this.logger.warn(
        { socket: socket.id, userId: socket.data.user?.id, buffered },
        'closing a slow consumer',
      );
      // discard: a plain close() waits for the queue to drain first, which a reader that stopped
      // reading never lets happen; the connection (and its queue) would stay.
      conn.close(true);
    }
  }
}
