import { Redis } from 'ioredis';
import type { HistoryResponse, Message } from '@chat/shared';
import { PostgresServer } from '@chat/testkit';
import type { Config } from '../../src/config';
import type { Backend } from '../../src/ports';
import { redisKeys } from '../../src/redis/keys';
import { http } from './clients';

/** What `usePostgres` hands a suite; valid from its beforeAll on. */
export interface PostgresFixture {
  readonly server: PostgresServer;
  /** The suite's database (created in beforeAll), migrated by the first server that starts. */
  readonly databaseUrl: string;
  /**
   * `config` with DATABASE_URL set to the suite's database, read when the cluster starts (a
   * getter): pass it to useCluster, called after usePostgres so that PostgreSQL starts first.
   */
  withDatabase(config: Partial<Config>): Partial<Config>;
}

/** A suite's PostgreSQL (the test kit's, on a free port) with one fresh database. */
export function usePostgres(database = 'chat_test'): PostgresFixture {
  let server: PostgresServer | undefined;
  let databaseUrl: string | undefined;
  beforeAll(async () => {
    server = await PostgresServer.start();
    databaseUrl = await server.createDatabase(database);
  });
  afterAll(async () => {
    await server?.destroy();
  });
  const fixture: PostgresFixture = {
    get server() {
      if (!server) throw new Error('usePostgres: PostgreSQL starts in beforeAll');
      return server;
    },
    get databaseUrl() {
      if (!databaseUrl) throw new Error('usePostgres: the database is created in beforeAll');
      return databaseUrl;
    },
    withDatabase(config) {
      return Object.defineProperty({ ...config }, 'databaseUrl', {
        enumerable: true,
        get: () => fixture.databaseUrl,
      });
    },
  };
  return fixture;
}

/**
 * Stands in for the archiver (branch i13-archiver) until it lands, keeping its guarantee:
 * reads the room's stream (XRANGE, through the MessageLog), writes those messages into
 * PostgreSQL (`writeBatch`), and only then trims the stream to its newest `keep` (XTRIM
 * MAXLEN, exact), so that everything older than what Redis retains is in the archive. With
 * `archive: 'trimmed'`, an archiver that is behind: PostgreSQL gets only what the trim
 * removes, nothing of what Redis still retains. Returns every message the stream held.
 */
export async function archiveAndTrim(
  backend: Pick<Backend, 'messageLog' | 'archive'>,
  redis: Redis,
  roomId: string,
  keep: number,
  options: { archive?: 'all' | 'trimmed'; keyPrefix?: string } = {},
): Promise<Message[]> {
  const archive = backend.archive;
  if (!archive) throw new Error('archiveAndTrim: the server has no archive (DATABASE_URL)');
  const streamed: Message[] = [];
  for (;;) {
    const page = await backend.messageLog.list(roomId, {
      from: 'oldest',
      after: streamed.at(-1)?.id,
      limit: 1000,
    });
    streamed.push(...page.messages);
    if (!page.hasMore) break;
  }
  const trimmed = streamed.slice(0, Math.max(0, streamed.length - keep));
  await archive.writeBatch(options.archive === 'trimmed' ? trimmed : streamed);
  await redis.xtrim(redisKeys(options.keyPrefix ?? 'chat:').roomMessages(roomId), 'MAXLEN', keep);
  return streamed;
}

/** One history page over HTTP; fails the test on any status but 200. */
export async function historyPage(
  baseUrl: string,
  token: string,
  roomId: string,
  query: Record<string, string | number | undefined>,
): Promise<HistoryResponse> {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(query))
    if (value !== undefined) search.set(key, String(value));
  const response = await http<HistoryResponse>(
    baseUrl,
    'GET',
    `/api/rooms/${roomId}/messages?${search.toString()}`,
    { token },
  );
  if (response.status !== 200)
    throw new Error(
      `history ${search.toString()}: ${response.status} ${JSON.stringify(response.body)}`,
    );
  return response.body;
}

/**
 * The whole history, paged from the newest to the first with `before` (`limit` a page), as
 * a client scrolls back; checks every page's size on the way. Oldest first.
 */
export async function pageBackToFirst(
  baseUrls: string[],
  token: string,
  roomId: string,
  limit: number,
): Promise<Message[]> {
  const all: Message[] = [];
  for (let page = 0; ; page += 1) {
    const before = all[0]?.id;
    const { messages, hasMore } = await historyPage(
      baseUrls[page % baseUrls.length]!,
      token,
      roomId,
      {
        before,
        limit,
      },
    );
    expect(messages.length).toBeLessThanOrEqual(limit);
    if (hasMore) expect(messages.length).toBe(limit);
    all.unshift(...messages);
    if (!hasMore) return all;
  }
}

/** The whole history, paged forward from the first with `from=oldest` and `after`. */
export async function pageForwardFromFirst(
  baseUrls: string[],
  token: string,
  roomId: string,
  limit: number,
): Promise<Message[]> {
  const all: Message[] = [];
  for (let page = 0; ; page += 1) {
    const after = all.at(-1)?.id;
    const { messages, hasMore } = await historyPage(
      baseUrls[page % baseUrls.length]!,
      token,
      roomId,
      {
        from: 'oldest',
        after,
        limit,
      },
    );
    expect(messages.length).toBeLessThanOrEqual(limit);
    if (hasMore) expect(messages.length).toBe(limit);
    all.push(...messages);
    if (!hasMore) return all;
  }
}

/** A Redis client for a test's own commands (XTRIM, DEL), closed with the suite. */
export function testRedis(url: string): Redis & { close(): void } {
  const redis = new Redis(url, { maxRetriesPerRequest: 1 });
  return Object.assign(redis, { close: () => redis.disconnect() });
}
