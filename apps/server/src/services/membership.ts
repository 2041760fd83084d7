import type { MembersResponse, User } from '@chat/shared';
import { AppError } from '../chat/app-error';
import { RATE_POLICIES } from '../chat/rate-limits';
import type { Backend } from '../ports';
import type { HiddenDms } from './hidden-dms';
import { enforceRate } from './rate-limits';
import type { Rooms } from './rooms';

/**
 * The most members `GET /api/rooms/:id/members` lists: the first this many in id order.
 * A private room may grow past it; the list then holds these only.
 */
export const MEMBERS_LIST_MAX = 1000;

/**
 * Who is in a private room or DM, and leaving (issue 14, protocol v1.1). Access is
 * history's rule (Rooms.requireReadable: 404 unknown, 403 not a member), then:
 *
 * - a public room has no member list and no membership to leave (403);
 * - leaving a private room takes the caller out of its members (no history, joins, sends,
 *   typing, listing or search any more) and, through EVENTS, takes their sockets out of the
 *   room on every instance at once with `room:removed`; the room stays, with its
 *   `createdBy`, also when its last member leaves (nobody can reach it then);
 * - a DM cannot be left: "leaving" hides it from the caller's list until a newer message is
 *   stored in it (HiddenDms), the caller stays a member, and their sockets get
 *   `room:removed` the same way, so every sidebar drops it.
 */
export class Membership {
  constructor(
    private readonly backend: Pick<Backend, 'rooms' | 'users' | 'eventBus' | 'rateLimiter'>,
    private readonly rooms: Rooms,
    private readonly hiddenDms: HiddenDms,
  ) {}

  /** The room's members (at most MEMBERS_LIST_MAX, in id order), to a member of it. */
  async members(user: User, roomId: string): Promise<MembersResponse> {
    await enforceRate(
      this.backend.rateLimiter,
      `member-list:${user.id}`,
      RATE_POLICIES.memberList,
      'member lists',
    );
    const room = await this.rooms.requireReadable(user, roomId);
    if (room.kind === 'public') throw new AppError('forbidden', 'a public room has no member list');
    const ids = await this.backend.rooms.memberIds(roomId, MEMBERS_LIST_MAX);
    const users = await Promise.all(ids.map((id) => this.backend.users.findById(id)));
    return {
      members: users.flatMap((member) =>
        member ? [{ id: member.id, username: member.username }] : [],
      ),
    };
  }

  /** The caller leaves a private room, or hides a DM. Rate limited like adding members. */
  async leave(user: User, roomId: string): Promise<void> {
    await enforceRate(
      this.backend.rateLimiter,
      `members:${user.id}`,
      RATE_POLICIES.membership,
      'membership changes',
    );
    const room = await this.rooms.requireReadable(user, roomId);
    if (room.kind === 'public')
      throw new AppError(
        'forbidden',
        'a public room has no membership to leave; room:leave stops its live events',
      );
    if (room.kind === 'dm') {
      const upTo = await this.hiddenDms.newestId(roomId);
      await this.backend.rooms.hideDm(user.id, roomId, upTo);
      await this.backend.eventBus.publish({
        type: 'room:removed',
        roomId,
        userId: user.id,
        dm: { room, upTo },
      });
      return;
    }
    await this.backend.rooms.removeMember(roomId, user.id);
    // Published even when a concurrent leave removed them first: taking sockets out twice is harmless.
    await this.backend.eventBus.publish({ type: 'room:removed', roomId, userId: user.id });
  }
}
