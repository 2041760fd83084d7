import type { Server, Socket } from 'socket.io';
import type { ClientToServerEvents, ServerToClientEvents, User } from '@chat/shared';

/** What the server knows about a socket, set once by the handshake. */
export interface SocketData {
  user: User;
  tokenHash: string;
  /** At the handshake: in how many ms its session ends unless used again (SessionExpiry). */
  sessionTtlMs: number;
  /**
   * The chat rooms this socket joined. Kept apart from Socket.IO's own
   * `socket.rooms`, which also holds internal rooms (the socket id, its
   * user and session) that a client must never be able to name. Created at the first join:
   * read and changed through joined-rooms.ts.
   */
  chatRooms: Set<string> | undefined;
  /**
   * Rooms with a `room:join` in progress, and how many: they hold a MAX_ROOMS_PER_SOCKET slot.
   * Only while there are some: read and changed through joined-rooms.ts.
   */
  joining: Map<string, number> | undefined;
}

// No events are sent between instances through Socket.IO itself: that is Redis's job.
type InterServerEvents = Record<string, never>;

export type ChatIoServer = Server<
  ClientToServerEvents,
  ServerToClientEvents,
  InterServerEvents,
  SocketData
>;
export type ChatSocket = Socket<
  ClientToServerEvents,
  ServerToClientEvents,
  InterServerEvents,
  SocketData
>;

/** Socket.IO room holding every socket of one user, on this instance. */
export const userRoom = (userId: string) => `user:${userId}`;
/** Socket.IO room holding every socket opened with one token, on this instance. */
export const sessionRoom = (tokenHash: string) => `session:${tokenHash}`;
