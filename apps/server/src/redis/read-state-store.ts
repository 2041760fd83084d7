import type { Room } from '@chat/shared';
import type { ReadStateStore } from '../ports';
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

  /** One round trip (lua/unread-counts.lua): counted inside Redis, only numbers come back. */
  async unreadCounts(
    userId: string,
    rooms: Pick<Room, 'id' | 'kind'>[],
    cap: number,
  ): Promise<Map<string, number>> {
    if (rooms.length === 0) return new Map();
    const counts = await redisCall(() =>
      this.scripts.unreadCounts(
        [this.keys.readMarkers(userId), ...rooms.map((room) => this.keys.roomMessages(room.id))],
        [userId, cap, ...rooms.flatMap((room) => [room.id, room.kind === 'public' ? '1' : '0'])],
      ),
    );
    return new Map(rooms.map((room, index) => [room.id, Number(counts[index] ?? 0)]));
  }
}
