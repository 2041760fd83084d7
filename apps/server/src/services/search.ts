import type { SearchResponse, User } from '@chat/shared';
import { AppError } from '../chat/app-error';
import { RATE_POLICIES } from '../chat/rate-limits';
import type { Metrics } from '../metrics';
import type { Backend } from '../ports';
import { readArchive } from './archive-reads';
import { enforceRate } from './rate-limits';
import type { Rooms } from './rooms';

/** A search as `GET /api/search` asks it (validated by packages/shared's searchQuerySchema). */
export interface SearchInput {
  q: string;
  roomId?: string;
  limit: number;
  before?: string;
}

/**
 * Full-text search of the archive (protocol v1.1 `GET /api/search`): messages holding every
 * word of `q` (or a word's prefix), regardless of case, newest first, paged by `before`; only
 * in rooms the caller may read: `roomId` alone (with history's access rule and errors), or
 * every public room and the caller's private rooms and DMs. Deleted messages never match
 * (their text is empty). Rate limited per user (RATE_POLICIES.search). Answers 503
 * `unavailable` when there is no archive (Redis mode without DATABASE_URL) or it cannot be
 * reached: search has no fallback, Redis holds no index.
 */
export class Search {
  constructor(
    private readonly backend: Pick<Backend, 'archive' | 'rooms' | 'rateLimiter'>,
    private readonly rooms: Rooms,
    private readonly metrics: Metrics,
  ) {}

  async search(user: User, input: SearchInput): Promise<SearchResponse> {
    await enforceRate(
      this.backend.rateLimiter,
      `search:${user.id}`,
      RATE_POLICIES.search,
      'searches',
    );
    const archive = this.backend.archive;
    if (!archive)
      throw new AppError(
        'unavailable',
        'search needs the message archive, and this server has none (DATABASE_URL is not set)',
      );
    const roomIds =
      input.roomId === undefined
        ? await this.readableRoomIds(user)
        : [(await this.rooms.requireReadable(user, input.roomId)).id];
    const read = await readArchive(this.metrics, 'search', () =>
      archive.search({ query: input.q, roomIds, before: input.before, limit: input.limit }),
    );
    if (!read.ok)
      throw new AppError(
        'unavailable',
        'the message archive cannot be reached right now; try again',
      );
    return read.value;
  }

  /** Every public room, and the private rooms and DMs the user belongs to. */
  private async readableRoomIds(user: User): Promise<string[]> {
    const [publicRooms, mine] = await Promise.all([
      this.backend.rooms.listPublic(),
      this.backend.rooms.listPrivateFor(user.id),
    ]);
    return [...publicRooms, ...mine].map((room) => room.id);
  }
}
