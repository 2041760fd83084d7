import { compareMessageIds, type Room } from '@chat/shared';
import type { MessageLog, ReadStateStore, UnreadCount } from '../ports';
import { NOTHING_KEPT, type DurableState, type EmbeddedState } from './durable-state';

/**
 * Read markers in memory, written through to `durable` (a move resolves once kept; one
 * that could not be kept is undone and rejects); unread counts from the message log.
 */
export class EmbeddedReadStateStore implements ReadStateStore {
  private readonly markers = new Map<string, Map<string, string>>();

  constructor(
    private readonly messages: Pick<MessageLog, 'list'>,
    private readonly durable: DurableState = NOTHING_KEPT,
  ) {}

  /** Start-up: the markers kept before. */
  restore(markers: EmbeddedState['readMarkers']): void {
    for (const { userId, roomId, messageId } of markers)
      this.roomsOf(userId).set(roomId, messageId);
  }

  async markRead(userId: string, roomId: string, messageId: string): Promise<boolean> {
    const rooms = this.roomsOf(userId);
    const current = rooms.get(roomId);
    if (current && compareMessageIds(messageId, current) <= 0) return false;
    rooms.set(roomId, messageId);
    try {
      await this.durable.saveReadMarker(userId, roomId, messageId);
    } catch (error) {
      // Undone unless a later move went further meanwhile.
      if (rooms.get(roomId) === messageId) {
        if (current) rooms.set(roomId, current);
        else rooms.delete(roomId);
      }
      throw error;
    }
    return true;
  }

  async unreadCounts(
    userId: string,
    rooms: Pick<Room, 'id' | 'kind'>[],
    cap: number,
  ): Promise<Map<string, UnreadCount>> {
    const counts = new Map<string, UnreadCount>();
    for (const room of rooms) {
      const marker = this.markers.get(userId)?.get(room.id);
      if (!marker && room.kind === 'public') {
        counts.set(room.id, { unread: 0, mentions: 0 });
        continue;
      }
      // The same bound as the Redis twin (lua/unread-counts.lua): the newest 2 × cap after the
      // marker, in their current state (an edit re-computes `mentions`).
      const { messages } = await this.messages.list(room.id, { after: marker, limit: cap * 2 });
      const unread = messages
        .slice(-cap * 2)
        .filter((message) => message.userId !== userId)
        .slice(-cap);
      counts.set(room.id, {
        unread: unread.length,
        mentions: unread.filter((message) => message.mentions?.includes(userId)).length,
      });
    }
    return counts;
  }

  private roomsOf(userId: string): Map<string, string> {
    const rooms = this.markers.get(userId) ?? new Map<string, string>();
    this.markers.set(userId, rooms);
    return rooms;
  }
}
