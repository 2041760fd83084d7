import type { Redis } from 'ioredis';
import type { Room } from '@chat/shared';
import type { ReadStateStore } from '../ports';
import type { RedisKeys } from './keys';
import type { ChatScripts } from './scripts';
import { redisCall } from './unavailable';

type StreamEntry = [id: string, fields: string[]];

/** Read markers as one hash per user, `read:{userId}`: room id → last read message id. */
export class RedisReadStateStore implements ReadStateStore {
  constructor(
    private readonly redis: Redis,
    private readonly scripts: ChatScripts,
    private readonly keys: RedisKeys,
  ) {}

  async markRead(userId: string, roomId: string, messageId: string): Promise<boolean> {
    const moved = await redisCall(() =>
      this.scripts.readMarker([this.keys.readMarkers(userId)], [roomId, messageId]),
    );
    return moved === 1;
  }

  async unreadCounts(
    userId: string,
    rooms: Pick<Room, 'id' | 'kind'>[],
    cap: number,
  ): Promise<Map<string, number>> {
    const counts = new Map<string, number>();
    if (rooms.length === 0) return counts;
    const markers = await redisCall(() => this.redis.hgetall(this.keys.readMarkers(userId)));
    const pipeline = this.redis.pipeline();
    const counted: string[] = [];
    for (const room of rooms) {
      const marker = markers[room.id];
      if (!marker && room.kind === 'public') {
        counts.set(room.id, 0);
        continue;
      }
      // Entries are fetched to skip the user's own (append.lua writes userId as the first field);
      // COUNT bounds the work per room.
      pipeline.xrange(
        this.keys.roomMessages(room.id),
        marker ? `(${marker}` : '-',
        '+',
        'COUNT',
        cap * 2,
      );
      counted.push(room.id);
    }
    if (counted.length === 0) return counts;
    const results = await redisCall(() => pipeline.exec());
    counted.forEach((roomId, index) => {
      const [error, entries] = results?.[index] ?? [null, []];
      const fromOthers = error
        ? []
        : (entries as StreamEntry[]).filter(([, fields]) => fields[1] !== userId);
      counts.set(roomId, Math.min(cap, fromOthers.length));
    });
    return counts;
  }
}
