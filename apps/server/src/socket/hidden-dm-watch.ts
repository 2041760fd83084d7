import type { LiveInterestCounts } from './live-interest';
import { compareMessageIds, type Message, type Room } from '@chat/shared';
import { userRoom, type ChatIoServer } from './types';

/**
 * Hidden DMs coming back, live (issue 14): for the users with sockets on this instance, the
 * DMs they hid and the newest id each had then. The first relayed message above that id
 * sends the user's sockets here `room:added` with the DM (as when a DM is created), so their
 * sidebars show it again and the web app watches it; the list (`GET /api/rooms`) shows it
 * again by its own read-time rule, so nothing is written anywhere. Costs one Map lookup per
 * relayed message; a watch ends when it fires, when the DM is shown again otherwise, or when
 * the user's last socket here closes.
 *
 * Issue 15, cluster mode: an instance hears a room only while it holds interest in it, so a
 * watched DM holds the instance's interest for the user (holder `hidden-dm:<user id>`), from
 * the watch on (not awaited: a message in the first milliseconds may come back only through
 * the list's read-time rule) until the watch ends.
 */
export class HiddenDmWatch {
  /** Room id → (user id → the hidden DM and its `upTo`). */
  private readonly byRoom = new Map<string, Map<string, { room: Room; upTo: string }>>();
  /** User id → the room ids watched for them, to forget a user at once. */
  private readonly byUser = new Map<string, Set<string>>();

  constructor(
    private readonly io: ChatIoServer,
    private readonly interest?: LiveInterestCounts,
  ) {}

  /** Watches the DM for the user; of two marks of the same DM the newer (higher `upTo`) holds. */
  watch(userId: string, room: Room, upTo: string): void {
    let watchers = this.byRoom.get(room.id);
    if (!watchers) this.byRoom.set(room.id, (watchers = new Map()));
    const known = watchers.get(userId);
    if (known && compareMessageIds(known.upTo, upTo) > 0) return;
    if (!known)
      this.interest?.holdRoom(holderOf(userId), room.id).catch(() => {
        // Redis is away: the DM still comes back in the list by its read-time rule.
      });
    watchers.set(userId, { room, upTo });
    let rooms = this.byUser.get(userId);
    if (!rooms) this.byUser.set(userId, (rooms = new Set()));
    rooms.add(room.id);
  }

  /** A relayed message: announces its DM again to the users who hid it before this message. */
  relayed(message: Message): void {
    const watchers = this.byRoom.get(message.roomId);
    if (!watchers) return;
    for (const [userId, { room, upTo }] of watchers) {
      if (compareMessageIds(message.id, upTo) <= 0) continue;
      this.unwatch(userId, room.id);
      this.io.local.to(userRoom(userId)).emit('room:added', room);
    }
  }

  unwatch(userId: string, roomId: string): void {
    const watchers = this.byRoom.get(roomId);
    if (watchers?.delete(userId)) this.interest?.releaseRoom(holderOf(userId), roomId);
    if (watchers?.size === 0) this.byRoom.delete(roomId);
    const rooms = this.byUser.get(userId);
    rooms?.delete(roomId);
    if (rooms?.size === 0) this.byUser.delete(userId);
  }

  /** The user has no socket here any more. */
  forgetUser(userId: string): void {
    for (const roomId of this.byUser.get(userId) ?? []) this.unwatch(userId, roomId);
  }

  clear(): void {
    this.byRoom.clear();
    this.byUser.clear();
  }
}

/** The LiveInterestCounts holder of a user's hidden-DM watches (never a socket id). */
function holderOf(userId: string): string {
  return `hidden-dm:${userId}`;
}
