import { Redis } from 'ioredis';
import { connect, registerUser } from './support/clients';
import { useCluster } from './support/cluster';

/*
 * A subscriber connection that broke and came back missed whatever was published meanwhile,
 * so the instance must send its clients away to reconnect and catch up (`room:join` with
 * `after`). Killing only Redis's pub/sub connections (CLIENT KILL TYPE pubsub) leaves the
 * command connection up, which isolates exactly that promise. Both channels share the one
 * subscriber connection, so the one break is reported for each of them.
 */

const cluster = useCluster({ instances: 1, captureLogs: true });

test('a restored subscription closes the local transports, so clients reconnect and catch up', async () => {
  const { token } = await registerUser(cluster.url(0));
  const socket = cluster.closeAfterAll(await connect(cluster.url(0), token));
  const disconnected = new Promise<string>((resolve) => socket.once('disconnect', resolve));
  const admin = new Redis(cluster.redis.url);
  try {
    await admin.call('CLIENT', 'KILL', 'TYPE', 'pubsub');
    expect(await disconnected).toBe('transport close');
  } finally {
    admin.disconnect();
  }
  const restored = cluster.logLines
    .map((line) => JSON.parse(line) as { msg?: string; channel?: string })
    .filter((line) => line.msg?.startsWith('pub/sub subscription restored'));
  expect(restored.map((line) => line.channel).sort()).toEqual(['EVENTS', 'MESSAGES']);
});
