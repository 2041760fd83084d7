import { agentFrom } from '../support/source-address';
import { connect, registerUser, type ClientSocket } from '../support/clients';
import { useCluster, type ClusterFixture } from '../support/cluster';

/*
 * Regression: an instance accepted any number of connections, from one client address and in
 * all (only sockets per user were bounded, so many accounts, or many bad tokens, opened as many
 * sockets as they liked). Now MAX_CONNECTIONS_PER_ADDRESS and MAX_CONNECTIONS refuse the next
 * handshake with a clear connect_error, before any token lookup, and count it in metrics.
 */

/** A socket from a chosen loopback address; resolves when connected, rejects with the connect_error. */
const connectFrom = (url: string, token: string, address: string) =>
  connect(url, token, { agent: agentFrom(address) });

async function refusedCount(cluster: ClusterFixture, reason: string): Promise<number> {
  const text = await cluster.servers[0]!.metrics.registry.metrics();
  const line = text
    .split('\n')
    .find(
      (row) =>
        row.startsWith('chat_connections_refused_total{') && row.includes(`reason="${reason}"`),
    );
  return line ? Number(line.split(' ').at(-1)) : 0;
}

/** Closes a client socket and resolves once the server has let go of it. */
function closeAndWait(cluster: ClusterFixture, socket: ClientSocket): Promise<void> {
  const serverSide = cluster.servers[0]!.io.of('/').sockets.get(socket.id!);
  const gone = new Promise<void>((resolve) => serverSide?.once('disconnect', () => resolve()));
  socket.close();
  return gone;
}

describe('MAX_CONNECTIONS_PER_ADDRESS', () => {
  const cluster = useCluster({
    instances: 1,
    redis: false,
    config: { maxConnectionsPerAddress: 3, maxConnections: 100 },
  });

  test('the 4th connection from one address is refused with rate_limited, before its token is looked at; others and freed slots get in', async () => {
    const users = [await registerUser(cluster.url(0)), await registerUser(cluster.url(0))];
    const before = await refusedCount(cluster, 'address');
    const open: ClientSocket[] = [];
    for (let i = 0; i < 3; i += 1) {
      open.push(await connectFrom(cluster.url(0), users[i % 2]!.token, '127.0.0.2'));
      cluster.sockets.push(open.at(-1)!);
    }
    await expect(connectFrom(cluster.url(0), users[1]!.token, '127.0.0.2')).rejects.toMatchObject({
      message: 'rate_limited',
    });
    // A guessed token from that address is refused the same way, without a lookup.
    await expect(connectFrom(cluster.url(0), 'not-a-token', '127.0.0.2')).rejects.toMatchObject({
      message: 'rate_limited',
    });
    expect(await refusedCount(cluster, 'address')).toBe(before + 2);
    // Another address is not affected.
    cluster.sockets.push(await connectFrom(cluster.url(0), users[0]!.token, '127.0.0.3'));
    // A closed connection frees its slot.
    await closeAndWait(cluster, open[0]!);
    cluster.sockets.push(await connectFrom(cluster.url(0), users[0]!.token, '127.0.0.2'));
  });

  test('refused handshakes (bad tokens) do not hold a slot', async () => {
    for (let i = 0; i < 5; i += 1)
      await expect(connectFrom(cluster.url(0), 'nope', '127.0.0.4')).rejects.toMatchObject({
        message: 'unauthorized',
      });
    const user = await registerUser(cluster.url(0));
    for (let i = 0; i < 3; i += 1)
      cluster.sockets.push(await connectFrom(cluster.url(0), user.token, '127.0.0.4'));
  });
});

describe('MAX_CONNECTIONS', () => {
  const cluster = useCluster({
    instances: 1,
    redis: false,
    config: { maxConnections: 2, maxConnectionsPerAddress: 100 },
  });

  test('past the instance cap, a handshake from any address gets unavailable, counted', async () => {
    const user = await registerUser(cluster.url(0));
    const before = await refusedCount(cluster, 'instance');
    cluster.sockets.push(await connectFrom(cluster.url(0), user.token, '127.0.0.5'));
    const second = await connect(cluster.url(0), user.token);
    cluster.sockets.push(second);
    await expect(connectFrom(cluster.url(0), user.token, '127.0.0.6')).rejects.toMatchObject({
      message: 'unavailable',
    });
    expect(await refusedCount(cluster, 'instance')).toBe(before + 1);
    await closeAndWait(cluster, second);
    cluster.sockets.push(await connectFrom(cluster.url(0), user.token, '127.0.0.6'));
  });
});
