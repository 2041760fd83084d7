import { Redis } from 'ioredis';
import type { Room } from '@chat/shared';
import { connect, createRoom, join, nextEvent, registerUser, send } from '../support/clients';
import { TestCluster, useCluster } from '../support/cluster';

/*
 * MESSAGES and EVENTS carried no prefix, so two deployments sharing one Redis
 * heard each other (one's public rooms and presence reached the other's
 * sockets); channels now carry REDIS_KEY_PREFIX, and keep the plain names
 * MESSAGES and EVENTS with the default prefix.
 */

const cluster = useCluster({ instances: 1 });

describe('two deployments on one Redis', () => {
  let other: TestCluster;
  // Nested, so that the second deployment stops before the fixture's Redis does.
  beforeAll(async () => {
    other = await TestCluster.start(1, cluster.redis.url, { redisKeyPrefix: 'other:' });
  });
  afterAll(async () => {
    await other.stop();
  });

  test("a deployment with another prefix hears nothing of this one's events", async () => {
    const watcher = await registerUser(other.url(0));
    const socket = await connect(other.url(0), watcher.token);
    cluster.sockets.push(socket);
    const firstSeen = nextEvent(socket, 'room:created');
    const mine = await registerUser(cluster.url(0));
    await createRoom(cluster.url(0), mine.token);
    // Redis delivers in publish order: had the first deployment's event crossed, it would come first.
    const ownRoom = await createRoom(other.url(0), watcher.token);
    expect(((await firstSeen) as Room).id).toBe(ownRoom);
  });

  test('with the default prefix the channels are MESSAGES and EVENTS; another prefix prefixes them', async () => {
    const listener = new Redis(cluster.redis.url);
    const heard: string[] = [];
    try {
      await listener.subscribe('MESSAGES', 'other:MESSAGES', 'EVENTS', 'other:EVENTS');
      const bothHeard = new Promise<void>((resolve) =>
        listener.on('message', (channel: string, payload: string) => {
          if (payload.includes('prefix check')) heard.push(channel);
          if (heard.length === 2) resolve();
        }),
      );
      for (const deployment of [cluster, other]) {
        const user = await registerUser(deployment.url(0));
        const roomId = await createRoom(deployment.url(0), user.token);
        const socket = await connect(deployment.url(0), user.token);
        cluster.sockets.push(socket);
        await join(socket, roomId);
        await send(socket, roomId, 'prefix check');
      }
      await bothHeard;
      expect(heard).toEqual(['MESSAGES', 'other:MESSAGES']);
    } finally {
      listener.disconnect();
    }
  });
});
