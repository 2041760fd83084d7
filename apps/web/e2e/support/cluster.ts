import path from 'node:path';

/*
 * The server's TestCluster (apps/server/test/support/cluster.ts), loaded at
 * run time through a computed specifier. It imports the server's sources,
 * which are type-checked by the server's own tsconfig; in the web app's
 * TypeScript program they would meet Next's global types (which make
 * `process.env.NODE_ENV` required) and fail to compile there. This file
 * states the small part of its API the browser tests use.
 */

export interface Cluster {
  /** Instance `index`'s base URL. */
  url(index: number): string;
  stop(): Promise<void>;
}

interface ClusterModule {
  TestCluster: {
    start(
      count: number,
      redisUrl: string | undefined,
      overrides?: { corsOrigins?: string[]; presenceGraceMs?: number },
    ): Promise<Cluster>;
  };
}

const MODULE = path.resolve(__dirname, '../../../server/test/support/cluster');

export async function startCluster(
  count: number,
  redisUrl: string,
  overrides: { corsOrigins: string[]; presenceGraceMs?: number },
): Promise<Cluster> {
  const { TestCluster } = (await import(MODULE)) as ClusterModule;
  return TestCluster.start(count, redisUrl, overrides);
}
