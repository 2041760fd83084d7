import type { Socket as NetSocket } from 'node:net';
import { connect, registerUser, type ClientSocket } from './support/clients';
import { useCluster } from './support/cluster';
import { countWriteCalls } from './support/write-calls';

/*
 * A burst of frames to one websocket connection leaves in a handful of
 * system calls, not one per frame (CorkingEngine), and arrives complete and
 * in order. Counted at the server's TCP socket: each `_write`/`_writev` is
 * one write system call.
 */

const cluster = useCluster({ instances: 1, redis: false });
let client: ClientSocket;

beforeAll(async () => {
  const { token } = await registerUser(cluster.url(0));
  client = cluster.closeAfterAll(await connect(cluster.url(0), token));
});

test('a burst of 200 frames is written in a few system calls, complete and in order', async () => {
  const server = cluster.servers[0]!;
  const [serverSocket] = [...server.io.of('/').sockets.values()];
  const tcp = (serverSocket!.conn.transport as unknown as { socket: { _socket: NetSocket } }).socket
    ._socket;
  const writes = countWriteCalls(tcp);

  const burst = 200;
  const received: string[] = [];
  const all = new Promise<void>((resolve) => {
    // `room:read` goes to a socket only when its user's read marker moves, which nothing
    // else does here (the presence batch of the client's own connection would, under load,
    // land among the burst).
    client.on('room:read', ({ messageId }) => {
      received.push(messageId);
      if (received.length === burst) resolve();
    });
  });
  for (let i = 0; i < burst; i += 1)
    serverSocket!.emit('room:read', { roomId: 'r', messageId: `${i}-0` });
  await all;

  expect(received).toEqual(Array.from({ length: burst }, (_, i) => `${i}-0`));
  // The first frame goes at once; the rest wait for it and leave together.
  expect(writes.calls).toBeLessThan(10);
});
