import { randomUUID } from 'node:crypto';
import {
  isServerId,
  type HistoryResponse,
  type Room,
  type RoomKind,
  type RoomsResponse,
  type User,
} from '@chat/shared';
import { AppError } from '../chat/app-error';
import { mayRead } from '../chat/access';
import { RATE_POLICIES } from '../chat/rate-limits';
import { decodeRoomCursor, encodeRoomCursor, type RoomCursor } from '../chat/room-cursor';
import type { Backend, MessageRange } from '../ports';
import type { HiddenDms } from './hidden-dms';
import type { History } from './history';
import { enforceRate } from './rate-limits';

/** Unread counts stop here; clients show "99+"-style badges beyond it. */
export const UNREAD_CAP = 100;

/** Rooms, membership, history and read state, with the access rules of chat/access.ts. */
export class Rooms {
  constructor(
    private readonly backend: Pick<
      Backend,
      'rooms' | 'users' | 'eventBus' | 'rateLimiter' | 'readState'
    >,
    /** Rooms per page of `listFor` (ROOMS_PAGE_MAX): the default and the most a `limit` gets. */
    private readonly pageMax: number,
    /** Pages of history across Redis and the archive. */
    private readonly historyPages: History,
    /** Issue 14: the DMs a user hid, left out of their list until a newer message arrives. */
    private readonly hiddenDms: HiddenDms,
  ) {}

  async create(user: User, name: string, kind: Exclude<RoomKind, 'dm'>): Promise<Room> {
    await enforceRate(
      this.backend.rateLimiter,
      `rooms:${user.id}`,
      RATE_POLICIES.roomCreation,
      'new rooms',
    );
    const room: Room = {
      id: randomUUID(),
      name,
      kind,
      createdBy: user.id,
      createdAt: new Date().toISOString(),
    };
    const outcome = await this.backend.rooms.create(room, [user.id]);
    if (outcome === 'name_taken')
      throw new AppError('conflict', 'a public room with this name exists');
    if (kind === 'public') await this.backend.eventBus.publish({ type: 'room:created', room });
    return room;
  }

  /**
   * One page of rooms (`limit`, at most and by default `pageMax`): every public room, then the
   * caller's private rooms and DMs, each oldest first with the caller's unread count, resuming
   * at `cursor`. `nextCursor` is absent on the last page. Rate limited per user, each page
   * counting: the cost grows with the page.
   */
  async listFor(user: User, page: { cursor?: string; limit?: number }): Promise<RoomsResponse> {
    const cursor =
      page.cursor === undefined ? { section: 'public' as const } : decodeRoomCursor(page.cursor);
    await enforceRate(
      this.backend.rateLimiter,
      `room-list:${user.id}`,
      RATE_POLICIES.roomList,
      'room listings',
    );
    const limit = Math.min(page.limit ?? this.pageMax, this.pageMax);
    const rooms: Room[] = [];
    let mineAfter = cursor.section === 'mine' ? cursor.after : undefined;
    if (cursor.section === 'public') {
      // One more than asked for tells whether the section goes on.
      const publicRooms = await this.backend.rooms.listPublic({
        after: cursor.after,
        limit: limit + 1,
      });
      if (publicRooms.length > limit)
        return this.summarize(user, publicRooms.slice(0, limit), 'public');
      rooms.push(...publicRooms);
      mineAfter = undefined;
    }
    const free = limit - rooms.length;
    const mine = await this.hiddenDms.visiblePrivateFor(user.id, {
      after: mineAfter,
      limit: free + 1,
    });
    rooms.push(...mine.slice(0, free));
    return this.summarize(user, rooms, mine.length > free ? 'mine' : undefined);
  }

  private async summarize(
    user: User,
    rooms: Room[],
    more: RoomCursor['section'] | undefined,
  ): Promise<RoomsResponse> {
    const unread = await this.backend.readState.unreadCounts(user.id, rooms, UNREAD_CAP);
    const summaries = rooms.map((room) => {
      const counts = unread.get(room.id);
      return { ...room, unread: counts?.unread ?? 0, mentions: counts?.mentions ?? 0 };
    });
    if (!more) return { rooms: summaries };
    const last = rooms.filter((room) => (room.kind === 'public') === (more === 'public')).at(-1);
    const after = last && { id: last.id, createdAtMs: Date.parse(last.createdAt) };
    return { rooms: summaries, nextCursor: encodeRoomCursor({ section: more, after }) };
  }

  /** Charges a `room:join` to the user's join rate (RATE_POLICIES.roomJoin). */
  async chargeJoin(user: User): Promise<void> {
    await enforceRate(
      this.backend.rateLimiter,
      `joins:${user.id}`,
      RATE_POLICIES.roomJoin,
      'room joins',
    );
  }

  /**
   * The room if the user may read and join it. Unknown rooms are `not_found`;
   * rooms the user may not see are `forbidden`, with a body that says nothing
   * about the room (not even its name). An id that is not a UUID is unknown
   * without a look-up, so no crafted id reaches a key.
   */
  async requireReadable(user: User, roomId: string): Promise<Room> {
    const room = isServerId(roomId) ? await this.backend.rooms.get(roomId) : null;
    if (!room) throw new AppError('not_found', 'room not found');
    const member =
      room.kind === 'public' ? false : await this.backend.rooms.isMember(roomId, user.id);
    if (!mayRead(room, member))
      throw new AppError('forbidden', 'you are not a member of this room');
    return room;
  }

  async addMember(
    user: User,
    roomId: string,
    username: string,
  ): Promise<{ room: Room; added: User | null }> {
    await enforceRate(
      this.backend.rateLimiter,
      `members:${user.id}`,
      RATE_POLICIES.membership,
      'membership changes',
    );
    const room = await this.requireReadable(user, roomId);
    if (room.kind !== 'private')
      throw new AppError('forbidden', 'members can be added to private rooms only');
    const target = await this.backend.users.findByUsername(username);
    if (!target) throw new AppError('not_found', 'user not found');
    const added = await this.backend.rooms.addMember(roomId, target.id);
    if (!added) return { room, added: null };
    const addedUser = { id: target.id, username: target.username };
    await this.backend.eventBus.publish({ type: 'room:added', room, userId: target.id });
    return { room, added: addedUser };
  }

  /** The one DM room of the caller and `username`, created on first call. */
  async openDm(user: User, username: string): Promise<Room> {
    await enforceRate(
      this.backend.rateLimiter,
      `members:${user.id}`,
      RATE_POLICIES.membership,
      'membership changes',
    );
    const other = await this.backend.users.findByUsername(username);
    if (!other) throw new AppError('not_found', 'user not found');
    if (other.id === user.id)
      throw new AppError('invalid_input', 'you cannot open a DM with yourself');
    const names = [user.username, other.username].sort((a, b) => a.localeCompare(b));
    const candidate: Room = {
      id: randomUUID(),
      name: names.join(', '),
      kind: 'dm',
      createdBy: user.id,
      createdAt: new Date().toISOString(),
    };
    const { room, created } = await this.backend.rooms.getOrCreateDm(candidate, [
      user.id,
      other.id,
    ]);
    if (created)
      await this.backend.eventBus.publish({ type: 'room:added', room, userId: other.id });
    // Opening a DM one hid shows it again, on the caller's other sockets too (issue 14).
    else if (await this.backend.rooms.unhideDm(user.id, room.id))
      await this.backend.eventBus.publish({ type: 'room:added', room, userId: user.id });
    return room;
  }

  /**
   * The newest (or with `from: 'oldest'`, the oldest) `limit` messages with
   * `after < id < before` (either end optional), oldest first, from Redis and the archive
   * alike (services/history.ts).
   */
  async history(user: User, roomId: string, range: MessageRange): Promise<HistoryResponse> {
    await this.requireReadable(user, roomId);
    return this.historyPages.page(roomId, range);
  }
}
