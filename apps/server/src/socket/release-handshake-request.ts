import type { ChatSocket } from './types';

/**
 * Lets go of the HTTP request that opened an admitted connection (Socket.IO's guide to memory
 * usage: "discard the initial HTTP request").
 *
 * Engine.IO keeps that `IncomingMessage` for the connection's life (`socket.conn.request`): its
 * raw headers, parser state and references, about 1.5 KB of heap per connection on the
 * benchmark machine (issue 16, docs/BENCHMARKS.md "Idle memory"), read by nothing here once the
 * handshake is done. Admission reads what it needs from `socket.handshake` (address, headers,
 * auth), which Socket.IO builds from the request when the socket is created and keeps; the
 * engine does not read the request again (a websocket upgrade arrives with a request of its own).
 * Socket.IO's own readers of `request` guard against it being absent: a second namespace on the
 * same connection would see no headers, and this server has one namespace.
 *
 * Guarantee: called once the socket is connected, so it never changes what a handshake sees.
 */
export function releaseHandshakeRequest(socket: ChatSocket): void {
  (socket.conn as unknown as { request: unknown }).request = null;
}
