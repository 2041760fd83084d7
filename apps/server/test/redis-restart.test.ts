import type { Message } from '@chat/shared';
import { call, connect, createRoom, http, join, registerUser, send } from './support/clients';
import { waitUntil } from '@chat/testkit';
import { useCluster } from './support/cluster';
import { ResilientClient } from './support/resilient-client';

/*
 * Redis goes away and comes back (with AOF, as production runs it). While it
 * is away: /readyz is 503 and sends get a clear `unavailable` error, never a
 * false ack. Afterwards: every instance reconnects and resubscribes by
 * itself, and what was acked before is still in history.
 */

const cluster = useCluster({ instances: 2, redis: { aof: true } });

const readyStatus = async (instance: number) =>
  (await http(cluster.url(instance), 'GET', '/readyz')).status;

test('instances survive a Redis restart: 503 while down, relay and history intact after', async () => {
  const alice = await registerUser(cluster.url(0));
  const bob = await registerUser(cluster.url(1));
  const roomId = await createRoom(cluster.url(0), alice.token);
  const aliceSocket = await connect(cluster.url(0), alice.token);
  await join(aliceSocket, roomId);
  // Bob's client reconnects and rejoins with `after` when his instance asks it to (after the restart).
  const bobClient = new ResilientClient(cluster.url(1), bob.token, roomId);
  await bobClient.ready();
  const before = await send(aliceSocket, roomId, 'acked before the restart');
  await bobClient.waitForCount(1);

  await cluster.redis.stop();
  for (const instance of [0, 1]) {
    await waitUntil(async () => (await readyStatus(instance)) === 503, {
      what: `instance ${instance} not ready`,
    });
  }
  const duringOutage = await call(aliceSocket, 'message:send', {
    roomId,
    text: 'lost?',
    clientId: 'outage-1',
  });
  expect(duringOutage).toEqual({
    ok: false,
    error: { code: 'unavailable', message: expect.any(String) },
  });
  expect((await http(cluster.url(1), 'GET', '/healthz')).status).toBe(200);

  await cluster.redis.launch();
  for (const instance of [0, 1]) {
    await waitUntil(async () => (await readyStatus(instance)) === 200, {
      what: `instance ${instance} ready`,
    });
  }

  // Each instance asked its clients to reconnect once its subscription was back; Alice's plain
  // socket does not reconnect by itself, so she opens a new one, as a real client would.
  const aliceAgain = await connect(cluster.url(0), alice.token);
  await join(aliceAgain, roomId, before.id);
  // Resubscribed: a message sent on instance 0 reaches the client on instance 1.
  const after = await send(aliceAgain, roomId, 'after the restart');
  await bobClient.waitForCount(2);
  expect(bobClient.received).toEqual([before, after]);

  // The failed send is safe to retry with its clientId: stored once now.
  const retried = await send(aliceAgain, roomId, 'lost?', 'outage-1');
  const history = await http<{ messages: Message[] }>(
    cluster.url(1),
    'GET',
    `/api/rooms/${roomId}/messages`,
    {
      token: bob.token,
    },
  );
  expect(history.body.messages).toEqual([before, after, retried]);

  aliceSocket.close();
  aliceAgain.close();
  bobClient.close();
});
