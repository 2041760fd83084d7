import { setTimeout as sleep } from 'node:timers/promises';
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
  type RedisKeys,
} from '@chat/server/archive-kit';
import { backfillRooms } from './backfill';
import type { ArchiverConfig } from './config';
import { parseFeedEntry, type FeedEntry, type RawFeedEntry } from './feed-entry';
import type { ArchiverMetrics } from './metrics';
import { Retrier } from './retry';
import { RoomTrimmer } from './room-trimmer';

/** The dead-letter stream keeps about this many entries. */
const DEAD_LETTER_MAX = 10_000;
/** A consumer holding nothing and silent this many claim periods is removed from the group. */
const IDLE_CONSUMER_PERIODS = 10;

type Archivable = Extract<FeedEntry, { kind: 'message' | 'change' }>;
type Invalid = Extract<FeedEntry, { kind: 'invalid' }>;

export interface ArchiverDeps {
  config: ArchiverConfig;
  /** This process's unique name in the consumer group. */
  consumer: string;
  /** Commands and scripts. */
  redis: Redis;
  /** A connection of its own for XREADGROUP BLOCK. */
  reader: Redis;
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
  /** Re-read this consumer's own pending entries from here (after a start or a read error). */
  private pendingCursor: string | undefined = '0-0';
  private claimCursor = '0-0';
  private nextClaimAt = 0;
  private backfillNeeded = true;
  private readonly feed: string;
  private readonly blockMs: number;

  constructor(private readonly deps: ArchiverDeps) {
    this.retrier = new Retrier(
      deps.logger,
      (stage) => deps.metrics.errors.inc({ stage }),
      this.abandonSignal.signal,
    );
    this.trimmer = new RoomTrimmer(deps.scripts, deps.keys, deps.config.messageRetention);
    this.feed = deps.keys.archiveFeed();
    // The blocking read must return well before the connection's command timeout.
    this.blockMs = Math.max(50, Math.min(2000, Math.floor(deps.config.redisCommandTimeoutMs / 2)));
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
    logger.info(
      { consumer, feed: this.feed, batchSize: config.batchSize, claimIdleMs: config.claimIdleMs },
      'archiver ready',
    );
    while (!this.stopping) {
      const entries = await this.next();
      if (entries.length > 0) await this.archiveBatch(entries);
      if (this.backfillNeeded) await this.backfill();
      await this.trim(entries.length > 0);
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

  /** Own pending entries first, then what idle consumers hold, else new entries (blocking). */
  private async next(): Promise<RawFeedEntry[]> {
    const { reader, redis, config } = this.deps;
    try {
      if (this.pendingCursor !== undefined) {
        const entries = await this.readGroup(reader, this.pendingCursor, false);
        this.pendingCursor = entries.length > 0 ? entries[entries.length - 1]![0] : undefined;
        this.retrier.succeeded('read');
        return entries;
      }
      if (Date.now() >= this.nextClaimAt) {
        const entries = await this.claim(redis);
        if (entries.length > 0) return entries;
      }
      const entries = await this.readGroup(reader, '>', true);
      this.retrier.succeeded('read');
      return entries;
    } catch (error) {
      this.retrier.failed('read', error);
      // The reply of a read that failed may have been lost with entries in it: they are
      // pending under this consumer now, so read those again first.
      this.pendingCursor = '0-0';
      if (/NOGROUP/.test(String(error))) {
        // The feed or its group is gone (Redis lost its data, or someone deleted it).
        await ensureArchiveFeed(this.deps.scripts, this.deps.keys).catch(() => {});
        this.backfillNeeded = true;
      }
      await this.pause(Math.min(config.claimIdleMs, 1000));
      return [];
    }
  }

  private async readGroup(redis: Redis, from: string, block: boolean): Promise<RawFeedEntry[]> {
    const { consumer, config } = this.deps;
    const reply = (await redis.xreadgroup(
      'GROUP',
      ARCHIVE_GROUP,
      consumer,
      'COUNT',
      config.batchSize,
      ...((block ? ['BLOCK', this.blockMs] : []) as ['BLOCK', number]),
      'STREAMS',
      this.feed,
      from,
    )) as [string, RawFeedEntry[]][] | null;
    return reply?.[0]?.[1] ?? [];
  }

  /** XAUTOCLAIM: entries idle longer than ARCHIVER_CLAIM_IDLE_MS with another consumer. */
  private async claim(redis: Redis): Promise<RawFeedEntry[]> {
    const { consumer, config, scripts } = this.deps;
    try {
      const [cursor, entries] = (await redis.xautoclaim(
        this.feed,
        ARCHIVE_GROUP,
        consumer,
        config.claimIdleMs,
        this.claimCursor,
        'COUNT',
        config.batchSize,
      )) as [string, RawFeedEntry[], string[]?];
      this.claimCursor = cursor;
      if (cursor === '0-0') {
        // A full pass: wait before the next one, and forget consumers that hold nothing.
        this.nextClaimAt = Date.now() + Math.max(50, Math.floor(config.claimIdleMs / 2));
        await scripts.archiveDropConsumers(
          [this.feed],
          ['', config.claimIdleMs * IDLE_CONSUMER_PERIODS, ARCHIVE_GROUP],
        );
      }
      if (entries.length > 0)
        this.deps.logger.info({ entries: entries.length }, 'took over entries of an idle archiver');
      this.retrier.succeeded('claim');
      return entries;
    } catch (error) {
      this.retrier.failed('claim', error);
      this.nextClaimAt = Date.now() + 1000;
      return [];
    }
  }

  /** Parse, commit, then acknowledge (and dead-letter), each step retried until it passes. */
  private async archiveBatch(raw: RawFeedEntry[]): Promise<void> {
    const { metrics, redis, keys } = this.deps;
    const parsed = raw.map(parseFeedEntry);
    const unusable = parsed.filter((entry): entry is Invalid => entry.kind === 'invalid');
    for (const _ of unusable) metrics.errors.inc({ stage: 'parse' });
    const { written, committed, rejected } = await this.retrier.run('write', () =>
      this.write(parsed.filter((entry): entry is Archivable => entry.kind !== 'invalid')),
    );
    const dead = [...unusable, ...rejected];
    await this.retrier.run('ack', async () => {
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
      transaction.xack(this.feed, ARCHIVE_GROUP, ...raw.map(([id]) => id));
      const results = await transaction.exec();
      const failure = results?.find(([error]) => error)?.[0];
      if (!results || failure) throw failure ?? new Error('transaction aborted');
    });
    if (dead.length > 0)
      this.deps.logger.warn(
        { entries: dead.map(({ feedId, reason }) => ({ feedId, reason })) },
        'feed entries dead-lettered',
      );
    metrics.deadLettered.inc(dead.length);
    metrics.archived.inc(written);
    metrics.batchSize.observe(raw.length);
    // Only messages move the room's trim point; a change's message was archived before it.
    for (const entry of committed)
      if (entry.kind === 'message')
        this.trimmer.noteArchived(entry.message.roomId, entry.feedId, entry.message.id);
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

  /** Trims the feed to the group's safe point, then the rooms up to it. */
  private async trim(afterBatch: boolean): Promise<void> {
    if (!afterBatch && this.trimmer.waiting === 0) return;
    const { scripts, metrics } = this.deps;
    try {
      const result = await scripts.archiveTrimFeed([this.feed], [ARCHIVE_GROUP]);
      if (!result) return;
      const outcome = await this.trimmer.trim(result[0]);
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
    const { scripts, consumer, logger } = this.deps;
    try {
      const removed = await scripts.archiveDropConsumers(
        [this.feed],
        [consumer, this.deps.config.claimIdleMs * IDLE_CONSUMER_PERIODS, ARCHIVE_GROUP],
      );
      logger.info({ leftGroup: removed > 0 }, 'archiver stopped');
    } catch (error) {
      logger.warn({ err: (error as Error).message }, 'could not leave the consumer group');
    }
  }

  /** Waits `ms`, or less when stop() is called. */
  private async pause(ms: number): Promise<void> {
    await sleep(ms, undefined, { signal: this.stopSignal.signal }).catch(() => {});
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
