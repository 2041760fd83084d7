import { ServerResponse, type IncomingMessage } from 'node:http';
import type { ChatIoServer, ChatSocket } from './types';

/** What Engine.IO (6.6) hands its middlewares as the response to a websocket upgrade. */
interface UpgradeResponse {
  req: IncomingMessage | null;
}

/**
 * Lets go of the HTTP request that opened an admitted connection (Socket.IO's guide to memory
 * usage: "discard the initial HTTP request"), about 0.9 KB of heap per connection (issue 16:
 * the request, its raw headers, parser state and query, measured in a heap snapshot).
 *
 * Engine.IO keeps that `IncomingMessage` twice for the connection's life: as
 * `socket.conn.request`, and, for a websocket upgrade, in the stand-in response it builds for
 * its middlewares (`WebSocketResponse.req`), which the TCP socket's `close` listener holds.
 * Clearing only the first (the guide's advice) frees nothing on a websocket connection: both
 * are cleared. Admission reads what it needs from `socket.handshake` (address, headers, auth),
 * which Socket.IO builds from the request when the socket is created and keeps (the headers
 * object stays with it); the engine does not read the request again once the upgrade is done
 * (a later upgrade arrives with a request of its own, which is left alone), and the stand-in
 * response reads it only while the middlewares run. Socket.IO's own readers of `request` guard
 * against it being absent: a second namespace on the same connection would see no headers, and
 * this server has one namespace.
 *
 * Guarantee: released once the socket is connected, so it never changes what a handshake sees.
 */
export class HandshakeRequestRelease {
  /** Each upgrade request's stand-in response; an entry goes with its request. */
  private readonly upgradeResponses = new WeakMap<IncomingMessage, UpgradeResponse>();

  /** Notes each upgrade's stand-in response (an Engine.IO middleware: it sees every request). */
  attach(io: ChatIoServer): void {
    io.engine.use((request: IncomingMessage, response: object, next: () => void) => {
      if (!(response instanceof ServerResponse) && 'req' in response)
        this.upgradeResponses.set(request, response as UpgradeResponse);
      next();
    });
  }

  /** Called once the socket is connected. */
  release(socket: ChatSocket): void {
    const conn = socket.conn as unknown as { request: IncomingMessage | null };
    const response = conn.request && this.upgradeResponses.get(conn.request);
    if (response) response.req = null;
    conn.request = null;
  }
}
