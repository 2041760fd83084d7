import type { Room } from '@chat/shared';
import type { ReadStateStore, UnreadCount } from '../ports';
import type { RedisKeys } from './keys';
import type { ChatScripts } from './scripts';
import { redisCall } from './unavailable';

/** Read markers as one hash per user, `read:{userId}`: room id → last read message id. */
export class RedisReadStateStore implements ReadStateStore {
  constructor(
    private readonly scripts: ChatScripts,
    private readonly keys: RedisKeys,
  ) {}

  async markRead(userId: string, roomId: string, messageId: string): Promise<boolean> {
    const moved = await redisCall(() =>
      this.scripts.readMarker([this.keys.readMarkers(userId)], [roomId, messageId]),
    );
    return moved === 1;
  }

  /**
   * One round trip (lua/unread-counts.lua): counted inside Redis, only numbers come back, two
   * per room (unread, and mentions among them).
   */
  async unreadCounts(
    userId: string,
    rooms: Pick<Room, 'id' | 'kind'>[],
    cap: number,
  ): Promise<Map<string, UnreadCount>> {
    if (rooms.length === 0) return new Map();
    const counts = await redisCall(() =>
      this.scripts.unreadCounts(
        [
          this.keys.readMarkers(userId),
          ...rooms.flatMap((room) => {
            const log = this.keys.roomLog(room.id);
            return [log[0]!, log[5]!];
          }),
        ],
        [userId, cap, ...rooms.flatMap((room) => [room.id, room.kind === 'public' ? '1' : '0'])],
      ),
    );
    return new Map(
      rooms.map((room, index) => [
        room.id,
        { unread: Number(counts[2 * index] ?? 0), mentions: Number(counts[2 * index + 1] ?? 0) },
      ]),
    );
  }
}
