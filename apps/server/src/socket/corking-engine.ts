import type { IncomingMessage } from 'node:http';
import type { Socket as NetSocket } from 'node:net';
import { Server as EngineServer, transports, type Transport } from 'engine.io';

/**
 * Engine.IO, with every batch of packets a websocket connection flushes
 * written to its TCP socket in one `writev` instead of one system call per
 * frame.
 *
 * Why: the fan-out's profile (`npm run bench -- --profile`) spends a third
 * of the server's CPU in `writev`. Engine.IO already batches: while one
 * write to a connection is pending, later packets wait in its write buffer
 * and leave together, but its websocket transport still writes them frame
 * by frame, one system call each. Corking the TCP socket around that loop
 * (Node's cork nests: ws corks around each frame too) sends the batch in
 * one. That is where bursts go (a presence wave, a busy big room, a
 * catch-up): the more a connection is sent at once, the fewer calls per
 * frame. A single frame is written exactly as before.
 *
 * createTransport is Engine.IO's own extension point (protected, meant for
 * subclasses); Socket.IO takes the engine through `io.bind()`.
 */
export class CorkingEngine extends EngineServer {
  protected override createTransport(transportName: string, req: IncomingMessage): Transport {
    const transport = super.createTransport(
      transportName as Parameters<EngineServer['createTransport']>[0],
      req,
    );
    // An own property pointing at one shared function: no closure per connection (issue 16).
    if (transport.name === 'websocket') transport.send = corkedSend;
    return transport;
  }
}

/** The websocket transport's own `send`: its prototype's, the same for every connection. */
const websocketSend = transports.websocket.prototype.send;

/** `send` with the batch corked; `this` is the websocket transport. */
function corkedSend(this: Transport, packets: Parameters<Transport['send']>[0]): void {
  const raw = tcpSocketOf(this);
  if (packets.length < 2 || raw === undefined) return websocketSend.call(this, packets);
  raw.cork();
  try {
    websocketSend.call(this, packets);
  } finally {
    raw.uncork();
  }
}

/**
 * The TCP socket under the transport's websocket. Neither Engine.IO nor ws
 * exposes it publicly (both have kept these fields through their current
 * majors); when it is missing, batches are simply written uncorked.
 */
function tcpSocketOf(transport: Transport): NetSocket | undefined {
  const { socket } = transport as unknown as { socket?: { _socket?: NetSocket } };
  const raw = socket?._socket;
  return raw !== undefined && typeof raw.cork === 'function' && !raw.destroyed ? raw : undefined;
}
