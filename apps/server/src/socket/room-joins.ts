import { compareMessageIds, type JoinRoomResult } from '@chat/shared';
import { AppError } from '../chat/app-error';
import type { Metrics } from '../metrics';
import type { Messaging } from '../services/messaging';
import type { Rooms } from '../services/rooms';
import { AckThen } from './ack-handler';
import { emitRelayEvent, type CatchUpTracker } from './catch-up';
import {
  addJoinedRoom,
  beginJoin,
  endJoin,
  joinedRooms,
  joinsInProgress,
  removeJoinedRoom,
} from './joined-rooms';
import type { LiveInterestCounts } from './live-interest';
import type { ChatSocket } from './types';

/**
 * A socket's chat rooms: `room:join` (with the exactly-once catch-up of
 * CatchUpTracker when `after` is given) and `room:leave`. A socket holds at
 * most `maxRoomsPerSocket` rooms, joins in progress included.
 */
export class RoomJoins {
  /**
   * `<socket id> <room id>` of joins in progress when their user left the room (issue 14):
   * the access check may have passed before the leave, so such a join fails instead of
   * putting the socket back into a room its user left. Cleared when the joins end.
   */
  private readonly removedDuringJoin = new Set<string>();

  constructor(
    private readonly rooms: Rooms,
    private readonly messaging: Messaging,
    private readonly catchUp: CatchUpTracker,
    private readonly metrics: Metrics,
    private readonly maxRoomsPerSocket: number,
    private readonly interest: LiveInterestCounts,
  ) {}

  async join(
    socket: ChatSocket,
    roomId: string,
    after: string | undefined,
  ): Promise<JoinRoomResult | AckThen<JoinRoomResult>> {
    const release = this.reserveRoomSlot(socket, roomId);
    try {
      await this.rooms.chargeJoin(socket.data.user);
      return await this.joinWithSlot(socket, roomId, after);
    } finally {
      release();
      // A join that failed (or a room left meanwhile) leaves no interest held for the socket,
      // unless another join of the room by the socket is still in progress (it holds it too).
      if (!joinedRooms(socket).has(roomId) && !joinsInProgress(socket).has(roomId))
        this.interest.releaseRoom(socket.id, roomId);
    }
  }

  /** Leaves the room here; false when the socket had not joined it. */
  async leave(socket: ChatSocket, roomId: string): Promise<boolean> {
    if (!removeJoinedRoom(socket, roomId)) return false;
    this.interest.releaseRoom(socket.id, roomId);
    this.catchUp.abort(roomId, socket.id);
    await socket.leave(roomId);
    return true;
  }

  /**
   * The socket's user left the room (`room:removed`, issue 14): out of it here at once, as
   * `leave`; with `refuseJoins`, a `room:join` of that room in progress on the socket fails
   * with `forbidden`. False when the socket had not joined it.
   */
  remove(socket: ChatSocket, roomId: string, refuseJoins: boolean): Promise<boolean> {
    if (refuseJoins && joinsInProgress(socket).has(roomId))
      this.removedDuringJoin.add(joinKey(socket, roomId));
    return this.leave(socket, roomId);
  }

  /**
   * Holds the instance's interest in the room for the socket; resolves once the instance hears
   * the room. What holds it lets it go: `leave`, a failed join, the socket's disconnect
   * (SocketService releases the rooms it is in or joining). A join that fails before the socket
   * is in the room lets it go at once (its `finally` in `join`).
   */
  private async holdInterest(socket: ChatSocket, roomId: string): Promise<void> {
    await this.interest.holdRoom(socket.id, roomId);
    // Disconnected while the subscription was being confirmed: nothing will release it later.
    if (socket.disconnected) {
      this.interest.releaseRoom(socket.id, roomId);
      throw new AppError('unavailable', 'the connection closed during the join');
    }
  }

  /** Throws when the user left the room while this join was in progress (see `remove`). */
  private async refuseIfRemoved(socket: ChatSocket, roomId: string): Promise<void> {
    if (!this.removedDuringJoin.has(joinKey(socket, roomId))) return;
    await this.leave(socket, roomId);
    throw new AppError('forbidden', 'you are not a member of this room');
  }

  /**
   * Holds one of the socket's MAX_ROOMS_PER_SOCKET slots while a join is in progress (the join
   * then moves the room into `chatRooms`), or throws when none is free. Synchronous, before the
   * join's first await: checked after one, joins fired at once would all see the same free slot.
   */
  private reserveRoomSlot(socket: ChatSocket, roomId: string): () => void {
    const chatRooms = joinedRooms(socket);
    const joining = joinsInProgress(socket);
    const max = this.maxRoomsPerSocket;
    let used = chatRooms.size;
    for (const pending of joining.keys()) if (!chatRooms.has(pending)) used += 1;
    if (!chatRooms.has(roomId) && !joining.has(roomId) && used >= max)
      throw new AppError('rate_limited', `a connection may join at most ${max} rooms`);
    beginJoin(socket, roomId);
    return () => {
      if (endJoin(socket, roomId)) this.removedDuringJoin.delete(joinKey(socket, roomId));
    };
  }

  private async joinWithSlot(
    socket: ChatSocket,
    roomId: string,
    after: string | undefined,
  ): Promise<JoinRoomResult | AckThen<JoinRoomResult>> {
    const room = await this.rooms.requireReadable(socket.data.user, roomId);
    await this.holdInterest(socket, roomId);
    if (after === undefined) {
      await socket.join(roomId);
      addJoinedRoom(socket, roomId);
      await this.refuseIfRemoved(socket, roomId);
      this.metrics.roomsJoined.inc();
      return { room, missed: [], complete: true, updated: [] };
    }
    // Join first and hold live messages back while `missed` is read: see CatchUpTracker.
    this.catchUp.begin(roomId, socket.id);
    const wasJoined = joinedRooms(socket).has(roomId);
    await socket.join(roomId);
    addJoinedRoom(socket, roomId);
    let caughtUp: Awaited<ReturnType<Messaging['catchUp']>>;
    try {
      caughtUp = await this.messaging.catchUp(roomId, after);
    } catch (error) {
      const held = this.catchUp.abort(roomId, socket.id);
      if (wasJoined) {
        // Still in the room: it must not lose the live messages held back during the failed read.
        for (const event of held) emitRelayEvent(socket, event);
      } else {
        removeJoinedRoom(socket, roomId);
        this.interest.releaseRoom(socket.id, roomId);
        await socket.leave(roomId);
      }
      throw error;
    }
    await this.refuseIfRemoved(socket, roomId);
    this.metrics.roomsJoined.inc();
    // Live events that came in during the read follow the ack, on the same socket, in order.
    // The read is one snapshot up to `asOf` in the room's order (messages and changes alike):
    // `missed` holds the newest messages up to it (capped at the old end only) and every state
    // it returned is as of it, so what is newer than `asOf` is all the socket still needs.
    const { asOf, ...result } = caughtUp;
    const floor = compareMessageIds(asOf, after) > 0 ? asOf : after;
    return new AckThen({ room, ...result }, () => {
      for (const event of this.catchUp.finish(roomId, socket.id, floor))
        emitRelayEvent(socket, event);
    });
  }
}

function joinKey(socket: ChatSocket, roomId: string): string {
  return `${socket.id} ${roomId}`;
}
