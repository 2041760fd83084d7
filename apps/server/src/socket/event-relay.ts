import type { PresenceEvent, User } from '@chat/shared';
import type { ClusterEvent } from '../cluster-events';
import { BatchedBroadcast } from './batched-broadcast';
import type { RoomRemovals } from './room-removals';
import { TypingExpiry } from './typing';
import { sessionRoom, userRoom, type ChatIoServer } from './types';

/** How long `presence` changes are collected before they go to every socket: see BatchedBroadcast. */
const PRESENCE_BATCH_MS = 50;

/**
 * EVENTS → this instance's sockets: each cluster event, from any instance
 * including this one, reaches the local sockets it concerns (everyone, a
 * user's sockets, a session's sockets, a room's other sockets).
 */
export class EventRelay {
  private readonly presenceOut: BatchedBroadcast<PresenceEvent>;
  private readonly typingExpiry: TypingExpiry;

  constructor(
    private readonly io: ChatIoServer,
    typingTtlMs: number,
    /** Issue 14: leaves and hidden DMs. */
    private readonly removals: RoomRemovals,
  ) {
    this.presenceOut = new BatchedBroadcast(PRESENCE_BATCH_MS, (changes) => {
      for (const change of changes) io.local.emit('presence', change);
    });
    this.typingExpiry = new TypingExpiry(typingTtlMs, (roomId, user, socketId) =>
      this.emitTyping(roomId, user, false, socketId),
    );
  }

  relay(event: ClusterEvent): void {
    const { io } = this;
    switch (event.type) {
      case 'room:created':
        io.local.emit('room:created', event.room);
        return;
      case 'room:added':
        this.removals.added(event.userId, event.room.id);
        io.local.to(userRoom(event.userId)).emit('room:added', event.room);
        return;
      case 'room:removed':
        this.removals.apply(event);
        return;
      case 'session:revoked':
        io.local.in(sessionRoom(event.tokenHash)).disconnectSockets(true);
        return;
      case 'typing':
        if (this.typingExpiry.update(event.roomId, event.user, event.typing, event.socketId)) {
          this.emitTyping(event.roomId, event.user, event.typing, event.socketId);
        }
        return;
      case 'presence':
        this.presenceOut.push({ user: event.user, online: event.online });
        return;
      case 'room:read':
        io.local
          .to(userRoom(event.userId))
          .emit('room:read', { roomId: event.roomId, messageId: event.messageId });
        return;
    }
  }

  /** Drops pending typing expiries and presence batches (shutdown). */
  clear(): void {
    this.typingExpiry.clear();
    this.presenceOut.clear();
  }

  /** To the room's other sockets: everyone in it here except the socket that typed. */
  private emitTyping(roomId: string, user: User, typing: boolean, socketId: string): void {
    this.io.local.to(roomId).except(socketId).emit('typing', { roomId, user, typing });
  }
}
