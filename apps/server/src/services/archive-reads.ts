import type { Metrics } from '../metrics';

/** An archive read's outcome: its value, or that the archive could not answer. */
export type ArchiveRead<T> = { ok: true; value: T } | { ok: false; error: unknown };

/**
 * Runs one read of the archive, timed in chat_archive_read_seconds by `op`. Never rejects:
 * a failure (PostgreSQL down, schema not migrated yet, a statement timeout) is counted in
 * chat_archive_read_errors_total and returned, so that the caller decides what it can still
 * serve (history: what Redis has; search: 503 `unavailable`). chat_archive_available follows
 * the outcome.
 */
export async function readArchive<T>(
  metrics: Metrics,
  op: 'list' | 'search',
  read: () => Promise<T>,
): Promise<ArchiveRead<T>> {
  const stopTimer = metrics.archiveReads.startTimer({ op });
  try {
    const value = await read();
    stopTimer();
    metrics.archiveAvailable.set(1);
    return { ok: true, value };
  } catch (error) {
    metrics.archiveReadErrors.inc({ op });
    metrics.archiveAvailable.set(0);
    return { ok: false, error };
  }
}
