import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { connect, createRoom, join, registerUser } from './support/clients';
import { useCluster } from './support/cluster';

/*
 * Issue 16: an admitted socket lets go of the HTTP request that opened it
 * (socket/release-handshake-request.ts), on a websocket connection too, where Engine.IO keeps it
 * a second time in its stand-in upgrade response; the socket keeps working without it.
 */

const cluster = useCluster({ instances: 1 });

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** The next Engine.IO connection's handshake request, held weakly. */
function nextHandshakeRequest(): Promise<WeakRef<object>> {
  return new Promise((resolve) =>
    cluster.servers[0]!.io.engine.once('connection', (raw: { request: object }) =>
      resolve(new WeakRef(raw.request)),
    ),
  );
}

test.each([['websocket'], ['polling']] as const)(
  'over %s, the handshake request can be collected once the socket is connected',
  async (transport) => {
    const { token } = await registerUser(cluster.url(0));
    const request = nextHandshakeRequest();
    const socket = await connect(cluster.url(0), token, { transports: [transport] });
    cluster.sockets.push(socket);
    const held = await request;
    // A WeakRef keeps its target until the current job ends: collect in a later turn.
    await new Promise(setImmediate);
    gc();
    expect(held.deref()).toBeUndefined();
    // What the socket needs from its handshake it kept: it works as before.
    const [server] = cluster.servers[0]!.io.of('/').sockets.values();
    expect(server?.handshake.headers.host).toBe(new URL(cluster.url(0)).host);
    await join(socket, await createRoom(cluster.url(0), token));
  },
);
