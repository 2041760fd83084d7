import { compareMessageIds, type Room } from '@chat/shared';
import type { MessageLog, ReadStateStore } from '../ports';

export class EmbeddedReadStateStore implements ReadStateStore {
  private readonly markers = new Map<string, Map<string, string>>();

  constructor(private readonly messages: Pick<MessageLog, 'list'>) {}

  markRead(userId: string, roomId: string, messageId: string): Promise<boolean> {
    const rooms = this.markers.get(userId) ?? new Map<string, string>();
    this.markers.set(userId, rooms);
    const current = rooms.get(roomId);
    if (current && compareMessageIds(messageId, current) <= 0) return Promise.resolve(false);
    rooms.set(roomId, messageId);
    return Promise.resolve(true);
  }

  async unreadCounts(
    userId: string,
    rooms: Pick<Room, 'id' | 'kind'>[],
    cap: number,
  ): Promise<Map<string, number>> {
    const counts = new Map<string, number>();
    for (const room of rooms) {
      const marker = this.markers.get(userId)?.get(room.id);
      if (!marker && room.kind === 'public') {
        counts.set(room.id, 0);
        continue;
      }
      // The same bound as the Redis twin (lua/unread-counts.lua): the newest 2 × cap after the marker.
      const { messages } = await this.messages.list(room.id, { after: marker, limit: cap * 2 });
      counts.set(
        room.id,
        Math.min(cap, messages.filter((message) => message.userId !== userId).length),
      );
    }
    return counts;
  }
}
