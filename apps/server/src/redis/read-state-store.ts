import type { Room } from '@chat/shared';
import type { RedisClient } from './connection';
import type { ReadStateStore, UnreadCount } from '../ports';
import type { RedisKeys } from './keys';
import { roomPartition } from './room-partition';
import type { ChatScripts } from './scripts';
import { redisCall } from './unavailable';

/** Read markers as one hash per user, `read:{userId}`: room id → last read message id. */
export class RedisReadStateStore implements ReadStateStore {
  constructor(
    private readonly redis: RedisClient,
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
   * per room (unread, and mentions among them). In cluster mode two (unreadCountsAcrossSlots).
   */
  async unreadCounts(
    userId: string,
    rooms: Pick<Room, 'id' | 'kind'>[],
    cap: number,
  ): Promise<Map<string, UnreadCount>> {
    if (rooms.length === 0) return new Map();
    if (this.keys.mode === 'cluster') return this.unreadCountsAcrossSlots(userId, rooms, cap);
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

  /**
   * Cluster mode: the user's markers (their slot) and the rooms' streams (their partitions'
   * slots) cannot meet in one script. Two round trips: one HMGET of the markers, then one
   * lua/unread-counts-of.lua per room partition with the markers as arguments, all at once
   * (batched per node by the connection's auto-pipelining). Same counts as single mode; the
   * markers are read a moment before the streams, as a marker moved in between would be.
   */
  private async unreadCountsAcrossSlots(
    userId: string,
    rooms: Pick<Room, 'id' | 'kind'>[],
    cap: number,
  ): Promise<Map<string, UnreadCount>> {
    const markers = await redisCall(() =>
      this.redis.hmget(this.keys.readMarkers(userId), ...rooms.map((room) => room.id)),
    );
    const byPartition = new Map<number, number[]>();
    rooms.forEach((room, index) => {
      const partition = roomPartition(room.id);
      const group = byPartition.get(partition);
      if (group) group.push(index);
      else byPartition.set(partition, [index]);
    });
    const groups = [...byPartition.values()];
    const replies = await redisCall(() =>
      Promise.all(
        groups.map((indexes) =>
          this.scripts.unreadCountsOf(
            indexes.flatMap((index) => {
              const log = this.keys.roomLog(rooms[index]!.id);
              return [log[0]!, log[5]!];
            }),
            [
              userId,
              cap,
              ...indexes.flatMap((index) => [
                markers[index] ?? '',
                rooms[index]!.kind === 'public' ? '1' : '0',
              ]),
            ],
          ),
        ),
      ),
    );
    const counts = new Map<string, UnreadCount>();
    groups.forEach((indexes, group) => {
      const reply = replies[group]!;
      indexes.forEach((index, position) => {
        counts.set(rooms[index]!.id, {
          unread: Number(reply[2 * position] ?? 0),
          mentions: Number(reply[2 * position + 1] ?? 0),
        });
      });
    });
    // In the order given, as single mode answers.
    return new Map(rooms.map((room) => [room.id, counts.get(room.id)!]));
  }
}
