import type { IncomingHttpHeaders } from 'node:http';
import {
  clientAddress,
  trustFunction,
  type TrustFunction,
  type TrustProxy,
} from '../chat/client-address';
import { RATE_POLICIES } from '../chat/rate-limits';
import type { RateLimiter } from '../ports';

export class HandshakeRefused extends Error {}

/** Past this many cooling-down addresses, expired entries are swept on the next block. */
const MAX_TRACKED_ADDRESSES = 10_000;

/**
 * Bounds what one client can make an instance do at connect time:
 * - failed handshakes (unknown or revoked tokens) are limited per client
 *   address, cluster-wide; an address over the limit is refused without a
 *   token lookup until its wait is over, so guessing tokens costs the
 *   attacker time, not the cluster Redis round trips;
 * - one user may hold at most `maxSocketsPerUser` connections on this
 *   instance.
 */
export class HandshakeGuard {
  private readonly blockedUntil = new Map<string, number>();
  private readonly socketsPerUser = new Map<string, number>();
  private readonly trust: TrustFunction;

  constructor(
    private readonly limiter: RateLimiter,
    private readonly options: { maxSocketsPerUser: number; trustProxy: TrustProxy },
  ) {
    this.trust = trustFunction(options.trustProxy);
  }

  /** The client address a handshake comes from: the same one HTTP requests are charged to. */
  clientAddress(address: string, headers: IncomingHttpHeaders): string {
    return clientAddress(address, headers, this.trust);
  }

  /** Throws when the address is cooling down after too many failed handshakes. */
  checkAddress(address: string, now = Date.now()): void {
    const until = this.blockedUntil.get(address);
    if (until === undefined) return;
    if (until > now) throw new HandshakeRefused('rate_limited');
    this.blockedUntil.delete(address);
  }

  /** Records a failed handshake from the address. */
  async failed(address: string, now = Date.now()): Promise<void> {
    const waitMs = await this.limiter.take(
      `handshake-fail:${address}`,
      RATE_POLICIES.failedHandshakes,
    );
    if (waitMs <= 0) return;
    this.blockedUntil.set(address, now + waitMs);
    // An entry is otherwise dropped only when its address comes back: many guessing addresses
    // (an IPv6 range) must not grow the map without bound.
    if (this.blockedUntil.size > MAX_TRACKED_ADDRESSES) {
      for (const [blocked, until] of this.blockedUntil)
        if (until <= now) this.blockedUntil.delete(blocked);
    }
  }

  /** Reserves a connection slot for the user, or throws when they hold too many here. */
  reserve(userId: string): void {
    const count = this.socketsPerUser.get(userId) ?? 0;
    if (count >= this.options.maxSocketsPerUser) throw new HandshakeRefused('rate_limited');
    this.socketsPerUser.set(userId, count + 1);
  }

  release(userId: string): void {
    const count = (this.socketsPerUser.get(userId) ?? 1) - 1;
    if (count <= 0) this.socketsPerUser.delete(userId);
    else this.socketsPerUser.set(userId, count);
  }
}
