import type { Redis } from 'ioredis';
import type pg from 'pg';
import type { Logger } from 'pino';
import type { Message } from '@chat/shared';
import {
  ARCHIVE_GROUP,
  FEED_FIELDS,
  ensureArchiveFeed,
  migrate,
  type ChatScripts,
  type PostgresArchive,
  type RedisClient,
  type RedisKeys,
} from '@chat/server/archive-kit';
import { backfillRooms } from './backfill';
import type { ArchiverConfig } from './config';
import { parseFeedEntry, type FeedEntry } from './feed-entry';
import { FeedReader, type ShardEntries } from './feed-reader';
import type { ArchiverMetrics } from './metrics';
import { Retrier } from './retry';
import { RoomTrimmer } from './room-trimmer';

/** The dead-letter stream keeps about this many entries. */
const DEAD_LETTER_MAX = 10_000;

type Archivable = Extract<FeedEntry, { kind: 'message' | 'change' }>;
type Invalid = Extract<FeedEntry, { kind: 'invalid' }>;

export interface ArchiverDeps {
  config: ArchiverConfig;
  /** This process's unique name in the consumer group. */
  consumer: string;
  /** Commands and scripts: one Redis (single mode) or the Cluster client (cluster mode). */
  redis: RedisClient;
  /**
   * Single mode: a connection of its own for XREADGROUP BLOCK. Absent in cluster mode, where
   * the feed shards are polled in rounds (feed-reader.ts).
   */
  reader?: Redis;
  scripts: ChatScripts;
  keys: RedisKeys;
  pool: pg.Pool;
  archive: PostgresArchive;
  metrics: ArchiverMetrics;
  logger: Logger;
}

/**
 * Moves the archive feed into PostgreSQL: reads batches through the
 * `archivers` consumer group, writes each in one idempotent statement, and
 * acknowledges an entry only after its batch is committed, so an archiver
 * killed at any point loses nothing (its pending entries are taken over by
 * another after ARCHIVER_CLAIM_IDLE_MS, or re-read by itself). Then trims the
 * feed and the rooms up to what is committed. PostgreSQL or Redis away: the
 * batch in hand is retried with backoff until it commits, nothing is
 * acknowledged meanwhile, and it carries on by itself when they are back.
 */
export class Archiver {
  private stopping = false;
  private readonly stopSignal = new AbortController();
  private readonly abandonSignal = new AbortController();
  private readonly retrier: Retrier;
  private readonly trimmer: RoomTrimmer;
  private readonly feedReader: FeedReader;
  private backfillNeeded = true;

  constructor(private readonly deps: ArchiverDeps) {
    this.retrier = new Retrier(
      deps.logger,
      (stage) => deps.metrics.errors.inc({ stage }),
      this.abandonSignal.signal,
    );
    this.trimmer = new RoomTrimmer(deps.scripts, deps.keys, deps.config.messageRetention);
    this.feedReader = new FeedReader({
      feeds: deps.keys.archiveFeeds(),
      consumer: deps.consumer,
      redis: deps.redis,
      blocking: deps.reader,
      scripts: deps.scripts,
      batchSize: deps.config.batchSize,
      claimIdleMs: deps.config.claimIdleMs,
      // The blocking read must return well before the connection's command timeout.
      blockMs: Math.max(50, Math.min(2000, Math.floor(deps.config.redisCommandTimeoutMs / 2))),
      pollMs: deps.config.pollMs,
      retrier: this.retrier,
      logger: deps.logger,
      onLost: async () => {
        this.backfillNeeded = true;
        await ensureArchiveFeed(deps.scripts, deps.keys);
      },
      stopSignal: this.stopSignal.signal,
    });
  }

  /**
   * Migrates, registers the feed, backfills once, logs `archiver ready`, then
   * consumes until stop(). Rejects only when abandon() gave up on a batch.
   */
  async run(): Promise<void> {
    const { logger, pool, scripts, keys, consumer, config } = this.deps;
    const applied = await this.retrier.run('migrate', () => migrate(pool));
    if (applied.length > 0) logger.info({ applied }, 'archive schema migrated');
    await this.retrier.run('read', () => ensureArchiveFeed(scripts, keys));
    await this.backfill();
    const feeds = keys.archiveFeeds();
    logger.info(
      {
        consumer,
        feed: feeds.length === 1 ? feeds[0] : `${feeds.length} shards`,
        batchSize: config.batchSize,
        claimIdleMs: config.claimIdleMs,
        ...(config.redisMode === 'cluster' ? { pollMs: config.pollMs } : {}),
      },
      'archiver ready',
    );
    while (!this.stopping) {
      const batch = await this.feedReader.next();
      if (batch.length > 0) await this.archiveBatch(batch);
      if (this.backfillNeeded) await this.backfill();
      await this.trim(batch.map(({ feed }) => feed));
    }
    await this.leave();
  }

  /** Finish the batch in hand (commit and acknowledge), then return from run(). */
  stop(): void {
    this.stopping = true;
    this.stopSignal.abort();
  }

  /** Give up a batch that cannot be committed (the shutdown deadline): it stays pending. */
  abandon(): void {
    this.stop();
    this.abandonSignal.abort();
  }

  /**
   * Parse, commit, then acknowledge (and dead-letter), each step retried until it passes.
   * A batch holds one shard's entries (single mode) or a round's, of several shards (cluster
   * mode): written in one statement, acknowledged shard by shard.
   */
  private async archiveBatch(batch: ShardEntries[]): Promise<void> {
    const { metrics, keys } = this.deps;
    const raw = batch.flatMap(({ entries }) => entries);
    const feedOf = new Map<string, string>();
    for (const { feed, entries } of batch) for (const [id] of entries) feedOf.set(id, feed);
    const parsed = raw.map(parseFeedEntry);
    const unusable = parsed.filter((entry): entry is Invalid => entry.kind === 'invalid');
    for (const _ of unusable) metrics.errors.inc({ stage: 'parse' });
    const { written, committed, rejected } = await this.retrier.run('write', () =>
      this.write(parsed.filter((entry): entry is Archivable => entry.kind !== 'invalid')),
    );
    const dead = [...unusable, ...rejected];
    await this.retrier.run('ack', () => this.acknowledge(batch, dead));
    if (dead.length > 0)
      this.deps.logger.warn(
        { entries: dead.map(({ feedId, reason }) => ({ feedId, reason })) },
        'feed entries dead-lettered',
      );
    metrics.deadLettered.inc(dead.length);
    metrics.archived.inc(written);
    metrics.batchSize.observe(raw.length);
    // Only messages move the room's trim point; a change's message was archived before it.
    // A message read from another shard than its room's (not written by append.lua) does not:
    // its feed id says nothing about the order of the room's own shard.
    for (const entry of committed)
      if (
        entry.kind === 'message' &&
        feedOf.get(entry.feedId) === keys.archiveFeedOf(entry.message.roomId)
      )
        this.trimmer.noteArchived(entry.message.roomId, entry.feedId, entry.message.id);
  }

  /**
   * Dead letters and XACK. Single mode: one MULTI, so an entry is dead-lettered exactly once.
   * Cluster mode: the dead-letter stream and the shards lie in different slots, which one
   * MULTI cannot span: the dead letters first (one MULTI), then each shard's XACK, so a crash
   * between the two can dead-letter an entry twice (each names its feed id), never lose one.
   */
  private async acknowledge(batch: ShardEntries[], dead: Invalid[]): Promise<void> {
    const { redis, keys } = this.deps;
    const sharded = keys.mode === 'cluster';
    if (!sharded || dead.length > 0) {
      const transaction = redis.multi();
      for (const entry of dead)
        transaction.xadd(
          keys.archiveDead(),
          'MAXLEN',
          '~',
          DEAD_LETTER_MAX,
          '*',
          'feedId',
          entry.feedId,
          'reason',
          entry.reason,
          'fields',
          JSON.stringify(entry.fields),
        );
      if (!sharded)
        for (const { feed, entries } of batch)
          transaction.xack(feed, ARCHIVE_GROUP, ...entries.map(([id]) => id));
      const results = await transaction.exec();
      const failure = results?.find(([error]) => error)?.[0];
      if (!results || failure) throw failure ?? new Error('transaction aborted');
    }
    if (sharded)
      await Promise.all(
        batch.map(({ feed, entries }) =>
          redis.xack(feed, ARCHIVE_GROUP, ...entries.map(([id]) => id)),
        ),
      );
  }

  /**
   * One statement for the batch. When PostgreSQL rejects the data itself (a
   * text it cannot store, say), each message is written alone and those it
   * rejects are dead-lettered, so one bad entry never blocks the feed; any
   * other error (the server is away) rejects, and the batch is retried whole.
   */
  private async write(entries: Archivable[]): Promise<{
    written: number;
    committed: Archivable[];
    rejected: Invalid[];
  }> {
    try {
      return { written: await this.writeEntries(entries), committed: entries, rejected: [] };
    } catch (error) {
      if (!isDataError(error)) throw error;
    }
    let written = 0;
    const committed: Archivable[] = [];
    const rejected: Invalid[] = [];
    for (const entry of entries) {
      try {
        written += await this.writeEntries([entry]);
        committed.push(entry);
      } catch (error) {
        if (!isDataError(error)) throw error;
        rejected.push({
          feedId: entry.feedId,
          kind: 'invalid',
          reason: `rejected by PostgreSQL: ${(error as Error).message}`,
          fields:
            entry.kind === 'message'
              ? [FEED_FIELDS.message, JSON.stringify(entry.message)]
              : [
                  FEED_FIELDS.change,
                  JSON.stringify({ version: entry.version, message: entry.message }),
                ],
        });
      }
    }
    return { written, committed, rejected };
  }

  /**
   * Messages as inserts (a known one is skipped), changes as upserts by version (an older or
   * re-delivered one changes nothing): both idempotent and independent of their order, so a
   * batch retried whole, or a change committed before its message, ends the same.
   */
  private async writeEntries(entries: Archivable[]): Promise<number> {
    const { archive } = this.deps;
    const messages: Message[] = [];
    const changes: { message: Message; version: string }[] = [];
    for (const entry of entries) {
      if (entry.kind === 'message') messages.push(entry.message);
      else changes.push({ message: entry.message, version: entry.version });
    }
    let written = messages.length > 0 ? await archive.writeBatch(messages) : 0;
    if (changes.length > 0) written += await archive.writeChanges(changes);
    return written;
  }

  /**
   * Trims each feed shard the batch came from, and those of rooms still waiting for their
   * safe point, to the group's safe point there; then the rooms up to it.
   */
  private async trim(batchFeeds: string[]): Promise<void> {
    const feeds = new Set([...batchFeeds, ...this.trimmer.waitingFeeds()]);
    if (feeds.size === 0) return;
    const { scripts, metrics } = this.deps;
    try {
      const safePoints = new Map<string, string>();
      await Promise.all(
        [...feeds].map(async (feed) => {
          const result = await scripts.archiveTrimFeed([feed], [ARCHIVE_GROUP]);
          if (result) safePoints.set(feed, result[0]);
        }),
      );
      if (safePoints.size === 0) return;
      const outcome = await this.trimmer.trim(safePoints);
      metrics.roomTrimmed.inc(outcome.trimmed);
      if ('backfillNeeded' in outcome) this.backfillNeeded = true;
      this.retrier.succeeded('trim');
    } catch (error) {
      this.retrier.failed('trim', error);
    }
  }

  private async backfill(): Promise<void> {
    const { redis, keys, config, archive, logger } = this.deps;
    await backfillRooms({
      redis,
      keys,
      prefix: config.redisKeyPrefix,
      archive,
      retrier: this.retrier,
      logger,
      chunk: config.batchSize,
    });
    this.backfillNeeded = false;
  }

  /** Leaves the group when it holds nothing (what it holds stays, for another to claim). */
  private async leave(): Promise<void> {
    const { logger } = this.deps;
    try {
      const removed = await this.feedReader.leave();
      logger.info({ leftGroup: removed > 0 }, 'archiver stopped');
    } catch (error) {
      logger.warn({ err: (error as Error).message }, 'could not leave the consumer group');
    }
  }
}

/**
 * PostgreSQL refused the data itself (SQLSTATE class 22, data exception, or 23,
 * integrity): retrying the same rows cannot help. Anything else (connection
 * refused, server shutting down, timeouts) can pass on a retry.
 */
function isDataError(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && /^2[23][0-9A-Z]{3}$/.test(code);
}
