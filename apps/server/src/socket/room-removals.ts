import type { RoomRemovedEvent } from '../cluster-events';
import type { HiddenDmWatch } from './hidden-dm-watch';
import type { RoomJoins } from './room-joins';
import type { TypingSignals } from './typing-signals';
import { userRoom, type ChatIoServer } from './types';

/**
 * `room:removed` on this instance (issue 14): a user left a private room or hid a DM, on
 * any instance. Each of that user's sockets here leaves the room at once (Socket.IO room,
 * joined set, catch-up, typing, which ends with `typing: false`; after a leave, a join in
 * progress fails) and gets `room:removed {roomId}`, whether it had joined the room or not,
 * so every sidebar drops it. Synchronous up to the emit, so no `message:new` of the room
 * reaches those sockets after their `room:removed`. A hidden DM is watched to announce its
 * return (HiddenDmWatch).
 */
export class RoomRemovals {
  constructor(
    private readonly io: ChatIoServer,
    private readonly roomJoins: RoomJoins,
    private readonly typing: TypingSignals,
    private readonly hiddenDms: HiddenDmWatch,
  ) {}

  apply({ roomId, userId, dm }: RoomRemovedEvent): void {
    const socketIds = this.io.of('/').adapter.rooms.get(userRoom(userId));
    if (!socketIds) return;
    for (const socketId of [...socketIds]) {
      const socket = this.io.of('/').sockets.get(socketId);
      if (!socket) continue;
      void this.roomJoins.remove(socket, roomId, dm === undefined).then(async (wasIn) => {
        if (wasIn) await this.typing.stop(socket, roomId);
      });
      socket.emit('room:removed', { roomId });
    }
    if (dm) this.hiddenDms.watch(userId, dm.room, dm.upTo);
  }

  /** `room:added` for the user: a DM they hid was opened again, nothing left to announce. */
  added(userId: string, roomId: string): void {
    this.hiddenDms.unwatch(userId, roomId);
  }
}
