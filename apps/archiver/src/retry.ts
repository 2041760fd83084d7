import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from 'pino';

/** Where the archiver's work can fail; a label of chat_archive_errors_total. */
export type Stage = 'read' | 'claim' | 'parse' | 'write' | 'ack' | 'trim' | 'backfill' | 'migrate';

/**
 * Retries one step until it succeeds or the archiver is told to give up:
 * exponential backoff from 100 ms to 5 s, and a log line when an outage
 * begins and when it ends, not one per attempt (an hour of PostgreSQL down is
 * two lines, plus the error counter).
 */
export class Retrier {
  private readonly failing = new Set<Stage>();

  constructor(
    private readonly logger: Logger,
    private readonly onError: (stage: Stage) => void,
    private readonly signal: AbortSignal,
  ) {}

  /** `step`'s result; rejects only with an AbortError once the signal gives up. */
  async run<T>(stage: Stage, step: () => Promise<T>): Promise<T> {
    for (let attempt = 0; ; attempt += 1) {
      this.signal.throwIfAborted();
      try {
        const result = await step();
        this.succeeded(stage);
        return result;
      } catch (error) {
        this.failed(stage, error);
        await sleep(Math.min(100 * 2 ** attempt, 5000), undefined, { signal: this.signal });
      }
    }
  }

  /** Records a failure of `stage` (for steps that are not retried in place). */
  failed(stage: Stage, error: unknown): void {
    this.onError(stage);
    if (this.failing.has(stage)) return;
    this.failing.add(stage);
    this.logger.warn(
      { stage, err: error instanceof Error ? error.message : String(error) },
      'archiver step failing; retrying',
    );
  }

  succeeded(stage: Stage): void {
    if (this.failing.delete(stage)) this.logger.info({ stage }, 'archiver step recovered');
  }
}
