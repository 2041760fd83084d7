import { TestCluster, useCluster } from '../support/cluster';

/*
 * A password given as `?password=` in REDIS_URL (ioredis reads it from there
 * too) was written to the log in clear text by every connection line; it is
 * now hidden like one in the URL's user-info part.
 */

const cluster = useCluster({ instances: 1 });

test('a ?password= in REDIS_URL never reaches the log', async () => {
  const secret = 'hunter2-in-the-query';
  const url = new URL(cluster.redis.url);
  url.searchParams.set('password', secret);
  const server = await TestCluster.start(1, url.toString(), {}, { captureLogs: true });
  try {
    const log = server.logLines.join('');
    expect(log).toContain('password=***');
    expect(log).not.toContain(secret);
  } finally {
    await server.stop();
  }
});
