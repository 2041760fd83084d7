import type { Socket as NetSocket } from 'node:net';
import { connect, registerUser, type ClientSocket } from './support/clients';
import { useCluster } from './support/cluster';

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
  let writeCalls = 0;
  for (const method of ['_write', '_writev'] as const) {
    const original = tcp[method]!.bind(tcp) as (...args: unknown[]) => void;
    (tcp as unknown as Record<string, unknown>)[method] = (...args: unknown[]) => {
      writeCalls += 1;
      original(...args);
    };
  }

  const burst = 200;
  const received: string[] = [];
  const all = new Promise<void>((resolve) => {
    client.on('presence', ({ user }) => {
      received.push(user.username);
      if (received.length === burst) resolve();
    });
  });
  for (let i = 0; i < burst; i += 1)
    serverSocket!.emit('presence', { user: { id: `u${i}`, username: `user${i}` }, online: true });
  await all;

  expect(received).toEqual(Array.from({ length: burst }, (_, i) => `user${i}`));
  // The first frame goes at once; the rest wait for it and leave together.
  expect(writeCalls).toBeLessThan(10);
});
