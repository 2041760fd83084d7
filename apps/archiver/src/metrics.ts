import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Stage } from './retry';

/** What the lag gauges read from Redis at each scrape (feed-state.ts). */
export interface FeedState {
  /** Entries not yet delivered to any archiver plus entries delivered and not yet acknowledged. */
  lagEntries: number;
  /** Age of the oldest entry not yet committed (0 when none). */
  lagSeconds: number;
  length: number;
}

/**
 * The archiver's Prometheus metrics (GET /metrics on ARCHIVER_PORT), in its
 * own registry. The lag gauges are read from Redis at scrape time, so they
 * describe the whole group (every archiver), not this process; a scrape while
 * Redis is away keeps the last values.
 */
export function createArchiverMetrics(consumer: string, readFeed: () => Promise<FeedState>) {
  const registry = new Registry();
  registry.setDefaultLabels({ consumer });
  collectDefaultMetrics({ register: registry, prefix: 'chat_archive_process_' });
  let state: FeedState = { lagEntries: 0, lagSeconds: 0, length: 0 };
  let reading: Promise<void> | undefined;
  // One read of the feed per scrape, shared by the three gauges that show it.
  const refresh = () =>
    (reading ??= readFeed()
      .then((next) => {
        state = next;
      })
      .catch(() => {})
      .finally(() => {
        reading = undefined;
      }));
  const fromFeed = (name: string, help: string, pick: (state: FeedState) => number) =>
    new Gauge({
      name,
      help,
      registers: [registry],
      async collect() {
        await refresh();
        this.set(pick(state));
      },
    });
  return {
    registry,
    lagEntries: fromFeed(
      'chat_archive_lag_entries',
      'Feed entries not yet committed to PostgreSQL: undelivered plus pending (whole group)',
      (s) => s.lagEntries,
    ),
    lagSeconds: fromFeed(
      'chat_archive_lag_seconds',
      'Age of the oldest feed entry not yet committed to PostgreSQL (0 when none)',
      (s) => s.lagSeconds,
    ),
    feedLength: fromFeed(
      'chat_archive_feed_length',
      'Entries in the archive feed stream (committed ones are trimmed)',
      (s) => s.length,
    ),
    batchSize: new Histogram({
      name: 'chat_archive_batch_size',
      help: 'Feed entries per batch this archiver committed',
      buckets: [1, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000],
      registers: [registry],
    }),
    archived: new Counter({
      name: 'chat_archive_messages_archived_total',
      help: 'Messages this archiver wrote to PostgreSQL as new rows (re-deliveries not counted)',
      registers: [registry],
    }),
    deadLettered: new Counter({
      name: 'chat_archive_dead_lettered_total',
      help: 'Feed entries this archiver could not archive and moved to the dead-letter stream',
      registers: [registry],
    }),
    roomTrimmed: new Counter({
      name: 'chat_archive_room_entries_trimmed_total',
      help: 'Archived messages this archiver trimmed from room streams beyond the retention',
      registers: [registry],
    }),
    errors: new Counter({
      name: 'chat_archive_errors_total',
      help: 'Failures by stage (read, claim, parse, write, ack, trim, backfill, migrate)',
      labelNames: ['stage'] as const,
      registers: [registry],
    }),
  };
}

export type ArchiverMetrics = ReturnType<typeof createArchiverMetrics>;

/** For the Retrier: count a failure of `stage`. */
export const countError = (metrics: ArchiverMetrics) => (stage: Stage) =>
  metrics.errors.inc({ stage });
