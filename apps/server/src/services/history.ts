import { AppError } from '../chat/app-error';
import { reachesBelowRetained } from '../chat/retained-window';
import type { Metrics } from '../metrics';
import type { Backend, MessagePage, MessageRange, RetainedPage } from '../ports';
import { readArchive } from './archive-reads';

/**
 * A room's history across the seam: exactly MessageLog.list's contract (the newest, or with
 * `from: 'oldest'` the oldest, `limit` messages with `after < id < before`, oldest first,
 * `hasMore` when more remain in the range) over what Redis retains and the archive together,
 * with the same ids as cursors. Each page costs one MessageLog read and at most one archive
 * read, and the archive is asked only for the part of the range strictly below the oldest
 * message Redis returned (or below `before` when it returned none), which Redis cannot hold:
 * so no message comes from both (no duplicate), and everything below Redis's window is in the
 * archive, as trimming waits for the archiver (no gap), also while the archiver is behind.
 * Without an archive it is the MessageLog's page (protocol v1). With the archive down it
 * never fails what Redis can serve: see `page`.
 */
export class History {
  constructor(
    private readonly backend: Pick<Backend, 'messageLog' | 'archive'>,
    private readonly metrics: Metrics,
  ) {}

  /**
   * The page of `range`. When the archive fails: a page from the newest end returns what
   * Redis has, with `hasMore: true` whenever the archive might have held more (the client
   * asks again with `before`), and answers 503 `unavailable` only when Redis has nothing of
   * the page; a page from the oldest end that reaches below Redis's window answers 503, since
   * what Redis has lies after what the archive would have returned, and a client paging
   * forward from it would skip the rest.
   */
  async page(roomId: string, range: MessageRange): Promise<MessagePage> {
    const retained = await this.backend.messageLog.list(roomId, range);
    const redisPage = { messages: retained.messages, hasMore: retained.hasMore };
    if (!this.backend.archive) return redisPage;
    const fromNewest = range.from !== 'oldest';
    // Full, with older ones still in Redis: the archive has nothing for this page.
    if (fromNewest && retained.hasMore) return redisPage;
    // The range lies within Redis's window: Redis holds all of it.
    if (!reachesBelowRetained(range.after, retained.oldestRetained)) return redisPage;
    return fromNewest
      ? this.newestAcrossSeam(roomId, range, retained)
      : this.oldestAcrossSeam(roomId, range, retained);
  }

  private async newestAcrossSeam(
    roomId: string,
    { after, before, limit }: MessageRange,
    retained: RetainedPage,
  ): Promise<MessagePage> {
    const { messages } = retained;
    const below = { after, before: messages[0]?.id ?? before };
    if (messages.length === limit) {
      // Full: one archive message below it is enough to know whether the range goes on.
      const older = await this.listArchive(roomId, { ...below, limit: 1 });
      return { messages, hasMore: older ? older.messages.length > 0 : true };
    }
    const older = await this.listArchive(roomId, { ...below, limit: limit - messages.length });
    if (!older) {
      if (messages.length === 0) throw archiveUnavailable();
      return { messages, hasMore: true };
    }
    return { messages: [...older.messages, ...messages], hasMore: older.hasMore };
  }

  private async oldestAcrossSeam(
    roomId: string,
    { after, before, limit }: MessageRange,
    retained: RetainedPage,
  ): Promise<MessagePage> {
    const below = { after, before: retained.messages[0]?.id ?? before };
    const older = await this.listArchive(roomId, { ...below, limit, from: 'oldest' });
    if (!older) throw archiveUnavailable();
    const joined = [...older.messages, ...retained.messages];
    return {
      messages: joined.slice(0, limit),
      hasMore: older.hasMore || joined.length > limit || retained.hasMore,
    };
  }

  /** The archive's page, or undefined when it could not answer (counted in the metrics). */
  private async listArchive(roomId: string, range: MessageRange): Promise<MessagePage | undefined> {
    const archive = this.backend.archive!;
    const read = await readArchive(this.metrics, 'list', () => archive.list(roomId, range));
    return read.ok ? read.value : undefined;
  }
}

function archiveUnavailable(): AppError {
  return new AppError(
    'unavailable',
    'these messages are in the archive, which cannot be reached right now; try again',
  );
}
