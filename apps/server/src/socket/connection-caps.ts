import { HandshakeRefused } from './handshake-guard';

/** Why a handshake was refused by the caps, as counted in `chat_connections_refused_total`. */
export type CapRefusal = 'instance' | 'address';

/**
 * Bounds the connections one instance holds, counted in memory before any
 * Redis work: at most `maxConnections` in all (the next handshake gets
 * `unavailable`: another instance may have room) and at most `maxPerAddress`
 * from one client address (`rate_limited`). A connection counts from the
 * start of its handshake until it is released, so handshakes in flight count.
 */
export class ConnectionCaps {
  private total = 0;
  private readonly perAddress = new Map<string, number>();

  constructor(
    private readonly options: {
      maxConnections: number;
      /** Infinity turns the per-address cap off (RATE_LIMITS=off). */
      maxPerAddress: number;
      onRefused: (reason: CapRefusal) => void;
    },
  ) {}

  /** Counts a connection from `address`, or throws HandshakeRefused when a cap is reached. */
  reserve(address: string): void {
    if (this.total >= this.options.maxConnections) this.refuse('instance', 'unavailable');
    const count = this.perAddress.get(address) ?? 0;
    if (count >= this.options.maxPerAddress) this.refuse('address', 'rate_limited');
    this.total += 1;
    this.perAddress.set(address, count + 1);
  }

  /** The connection `reserve` counted for `address` is gone. */
  release(address: string): void {
    const count = this.perAddress.get(address);
    if (count === undefined) return;
    this.total -= 1;
    if (count <= 1) this.perAddress.delete(address);
    else this.perAddress.set(address, count - 1);
  }

  private refuse(reason: CapRefusal, message: 'unavailable' | 'rate_limited'): never {
    this.options.onRefused(reason);
    throw new HandshakeRefused(message);
  }
}
