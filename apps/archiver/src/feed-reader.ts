import { setTimeout as sleep } from 'node:timers/promises';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { ARCHIVE_GROUP, type ChatScripts, type RedisClient } from '@chat/server/archive-kit';
import type { RawFeedEntry } from './feed-entry';
import type { Retrier } from './retry';

/** A consumer holding nothing and silent this many claim periods is removed from the group. */
export const IDLE_CONSUMER_PERIODS = 10;

/** Entries read from one feed shard (a batch may hold several shards' in cluster mode). */
export interface ShardEntries {
  feed: string;
  entries: RawFeedEntry[];
}

export interface FeedReaderOptions {
  /** The feed shards: the one feed (single mode), or one per room partition (cluster mode). */
  feeds: string[];
  /** This process's unique name in the consumer group. */
  consumer: string;
  /** Commands: non-blocking reads, XAUTOCLAIM, scripts. */
  redis: RedisClient;
  /**
   * Single mode: a connection of its own for XREADGROUP BLOCK on the one feed. Absent in
   * cluster mode, where one call cannot block on several slots: shards are polled instead.
   */
  blocking?: Redis;
  scripts: Pick<ChatScripts, 'archiveDropConsumers'>;
  batchSize: number;
  claimIdleMs: number;
  /** The longest XREADGROUP BLOCK (below the connection's command timeout). */
  blockMs: number;
  /** Cluster mode: the wait after a round of reads found nothing in any shard. */
  pollMs: number;
  retrier: Retrier;
  logger: Logger;
  /** A shard or its group is gone (NOGROUP): register again, and backfill. */
  onLost(): Promise<void>;
  stopSignal: AbortSignal;
}

interface Shard {
  feed: string;
  /** Re-read this consumer's own pending entries from here (after a start or a read error). */
  pendingCursor: string | undefined;
  claimCursor: string;
  /** This claim pass reached the shard's end (XAUTOCLAIM returned cursor 0-0). */
  claimDone: boolean;
}

/**
 * Reads the archive feed through the `archivers` group: this consumer's own
 * pending entries first (after a start or a read whose reply was lost), then,
 * every ARCHIVER_CLAIM_IDLE_MS / 2, XAUTOCLAIM of what idle consumers hold,
 * else new entries. Single mode: one feed, new entries with XREADGROUP BLOCK
 * on a connection of its own, so an entry is read as soon as it is stored.
 * Cluster mode: every shard read concurrently without blocking, in rounds
 * (ioredis routes each read to its slot's master, so a round costs about one
 * round trip per master), waiting `pollMs` only when a whole round found
 * nothing: that wait is the archive's added latency when idle (at most
 * `pollMs`), not a cost per message, and its price is `shards / pollMs`
 * XREADGROUP calls per second at idle (docs/ARCHITECTURE.md "Cluster mode:
 * the archive feed"). Never throws: failures are counted and retried.
 */
export class FeedReader {
  private readonly shards: Shard[];
  private nextClaimAt = 0;

  constructor(private readonly options: FeedReaderOptions) {
    this.shards = options.feeds.map((feed) => ({
      feed,
      pendingCursor: '0-0',
      claimCursor: '0-0',
      claimDone: false,
    }));
  }

  /** The next entries to archive, by shard (empty when none came within the wait). */
  async next(): Promise<ShardEntries[]> {
    const { blocking, claimIdleMs } = this.options;
    const pending = this.shards.filter((shard) => shard.pendingCursor !== undefined);
    if (pending.length > 0)
      return this.readEach(
        pending,
        (shard) => shard.pendingCursor!,
        (shard, got) => {
          shard.pendingCursor = got.length > 0 ? got[got.length - 1]![0] : undefined;
        },
      );
    if (Date.now() >= this.nextClaimAt) {
      const claimed = await this.claim();
      if (claimed.length > 0) return claimed;
    }
    if (blocking) {
      // Single mode: the one feed, blocking on the reader's own connection.
      return this.readEach(this.shards, () => '>', undefined, blocking);
    }
    const read = await this.readEach(this.shards, () => '>');
    if (read.length === 0 && !this.options.stopSignal.aborted)
      await this.pause(Math.min(this.options.pollMs, claimIdleMs));
    return read;
  }

  /** Leaves the group of every shard where it holds nothing (what it holds stays, for another). */
  async leave(): Promise<number> {
    const { scripts, consumer, claimIdleMs } = this.options;
    const removed = await Promise.all(
      this.shards.map(({ feed }) =>
        scripts.archiveDropConsumers(
          [feed],
          [consumer, claimIdleMs * IDLE_CONSUMER_PERIODS, ARCHIVE_GROUP],
        ),
      ),
    );
    return removed.reduce((sum, one) => sum + one, 0);
  }

  /**
   * XREADGROUP on each of `shards` from `from(shard)`, concurrently. Entries of shards whose
   * read succeeded are returned even when another's failed; a failed shard re-reads its own
   * pending entries next (the lost reply may have delivered some to this consumer).
   */
  private async readEach(
    shards: Shard[],
    from: (shard: Shard) => string,
    after?: (shard: Shard, entries: RawFeedEntry[]) => void,
    blocking?: Redis,
  ): Promise<ShardEntries[]> {
    const { retrier } = this.options;
    const results = await Promise.allSettled(
      shards.map((shard) =>
        this.readGroup(
          blocking ?? this.options.redis,
          shard.feed,
          from(shard),
          blocking !== undefined,
        ),
      ),
    );
    const read: ShardEntries[] = [];
    let failure: unknown;
    results.forEach((result, index) => {
      const shard = shards[index]!;
      if (result.status === 'fulfilled') {
        after?.(shard, result.value);
        if (result.value.length > 0) read.push({ feed: shard.feed, entries: result.value });
      } else {
        failure ??= result.reason;
        shard.pendingCursor = '0-0';
      }
    });
    if (failure === undefined) {
      retrier.succeeded('read');
      return read;
    }
    retrier.failed('read', failure);
    if (/NOGROUP/.test(String(failure))) {
      // A shard or its group is gone (Redis lost its data, or someone deleted it).
      await this.options.onLost().catch(() => {});
    }
    if (read.length === 0) await this.pause(Math.min(this.options.claimIdleMs, 1000));
    return read;
  }

  private async readGroup(
    redis: RedisClient,
    feed: string,
    from: string,
    block: boolean,
  ): Promise<RawFeedEntry[]> {
    const { consumer, batchSize, blockMs } = this.options;
    const reply = (await redis.xreadgroup(
      'GROUP',
      ARCHIVE_GROUP,
      consumer,
      'COUNT',
      batchSize,
      ...((block ? ['BLOCK', blockMs] : []) as ['BLOCK', number]),
      'STREAMS',
      feed,
      from,
    )) as [string, RawFeedEntry[]][] | null;
    return reply?.[0]?.[1] ?? [];
  }

  /**
   * XAUTOCLAIM on every shard whose claim pass is not done: entries idle longer than
   * ARCHIVER_CLAIM_IDLE_MS with another consumer. Once every shard's pass is done, waits
   * ARCHIVER_CLAIM_IDLE_MS / 2 before the next pass, and forgets consumers that hold nothing.
   */
  private async claim(): Promise<ShardEntries[]> {
    const { consumer, claimIdleMs, batchSize, scripts, redis, retrier, logger } = this.options;
    const open = this.shards.filter((shard) => !shard.claimDone);
    const replies = await Promise.allSettled(
      open.map(
        (shard) =>
          redis.xautoclaim(
            shard.feed,
            ARCHIVE_GROUP,
            consumer,
            claimIdleMs,
            shard.claimCursor,
            'COUNT',
            batchSize,
          ) as Promise<[string, RawFeedEntry[], string[]?]>,
      ),
    );
    // Entries a claim moved to this consumer are returned even when another shard's claim
    // failed: left unreturned, they would wait a claim period for the next pass.
    const claimed: ShardEntries[] = [];
    let failure: unknown;
    replies.forEach((reply, index) => {
      const shard = open[index]!;
      if (reply.status === 'rejected') {
        failure ??= reply.reason;
        return;
      }
      const [cursor, entries] = reply.value;
      shard.claimCursor = cursor;
      if (cursor === '0-0') shard.claimDone = true;
      if (entries.length > 0) claimed.push({ feed: shard.feed, entries });
    });
    try {
      if (failure !== undefined) throw failure;
      if (this.shards.every((shard) => shard.claimDone)) {
        // A full pass: wait before the next one, and forget consumers that hold nothing.
        this.nextClaimAt = Date.now() + Math.max(50, Math.floor(claimIdleMs / 2));
        for (const shard of this.shards) shard.claimDone = false;
        await Promise.all(
          this.shards.map(({ feed }) =>
            scripts.archiveDropConsumers(
              [feed],
              ['', claimIdleMs * IDLE_CONSUMER_PERIODS, ARCHIVE_GROUP],
            ),
          ),
        );
      }
      retrier.succeeded('claim');
    } catch (error) {
      retrier.failed('claim', error);
      this.nextClaimAt = Date.now() + 1000;
    }
    const count = claimed.reduce((sum, { entries }) => sum + entries.length, 0);
    if (count > 0) logger.info({ entries: count }, 'took over entries of an idle archiver');
    return claimed;
  }

  /** Waits `ms`, or less when the archiver stops. */
  private async pause(ms: number): Promise<void> {
    await sleep(ms, undefined, { signal: this.options.stopSignal }).catch(() => {});
  }
}
