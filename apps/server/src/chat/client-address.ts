import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import proxyaddr from '@fastify/proxy-addr';

/**
 * TRUST_PROXY, parsed: `false` (no proxy: the peer is the client), a list of
 * proxy addresses/CIDRs (or proxy-addr's names `loopback`, `linklocal`,
 * `uniquelocal`), or `true` (every peer is a trusted proxy: dangerous, since
 * a client that reaches the port directly then picks its own address).
 */
export type TrustProxy = boolean | readonly string[];

/** Whether the hop at `address` (0 = the direct peer) is a trusted proxy. */
export type TrustFunction = (address: string, hop: number) => boolean;

/** Compiles TRUST_PROXY once; throws a TypeError on an address or CIDR that does not parse. */
export function trustFunction(trust: TrustProxy): TrustFunction {
  if (trust === true) return () => true;
  if (trust === false || trust.length === 0) return () => false;
  return proxyaddr.compile([...trust]);
}

/**
 * The client address every per-address limit charges, for HTTP (fastify's
 * `request.ip`, given the same trust function) and handshakes alike:
 * proxy-addr's rule, the right-most hop of `peer` + X-Forwarded-For that is
 * not a trusted proxy. A client's own X-Forwarded-For entries sit left of
 * what a trusted proxy appended or set, so they are never reached unless
 * every hop right of them is trusted.
 */
export function clientAddress(
  peer: string,
  headers: IncomingHttpHeaders,
  trust: TrustFunction,
): string {
  // proxy-addr reads only the peer address and the headers of the request; a handshake may
  // outlive the TCP connection it came on (polling), so hand it what Socket.IO recorded.
  const request = { socket: { remoteAddress: peer }, headers } as unknown as IncomingMessage;
  return proxyaddr(request, trust);
}
