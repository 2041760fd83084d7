import type { ChatSocket } from './types';

const NO_ROOMS: ReadonlySet<string> = new Set();
const NO_JOINS: ReadonlyMap<string, number> = new Map();

/*
 * A socket's chat rooms and joins in progress (SocketData's `chatRooms` and `joining`), created
 * when first needed (issue 16: an idle socket, or one whose joins are done, holds no empty Set
 * or Map, about 0.3 KB of heap). Read through these, a socket without them reads as one with
 * empty ones; `joining` goes again once its last join ends.
 */

/** The chat rooms the socket joined. */
export function joinedRooms(socket: ChatSocket): ReadonlySet<string> {
  return socket.data.chatRooms ?? NO_ROOMS;
}

export function addJoinedRoom(socket: ChatSocket, roomId: string): void {
  (socket.data.chatRooms ??= new Set()).add(roomId);
}

/** False when the socket had not joined the room. */
export function removeJoinedRoom(socket: ChatSocket, roomId: string): boolean {
  return socket.data.chatRooms?.delete(roomId) ?? false;
}

/** The rooms with a `room:join` in progress on the socket, and how many each. */
export function joinsInProgress(socket: ChatSocket): ReadonlyMap<string, number> {
  return socket.data.joining ?? NO_JOINS;
}

export function beginJoin(socket: ChatSocket, roomId: string): void {
  const joining = (socket.data.joining ??= new Map());
  joining.set(roomId, (joining.get(roomId) ?? 0) + 1);
}

/** Ends one join of the room; true when it was the room's last join in progress. */
export function endJoin(socket: ChatSocket, roomId: string): boolean {
  const joining = socket.data.joining;
  if (joining === undefined) return true;
  const left = (joining.get(roomId) ?? 1) - 1;
  if (left > 0) {
    joining.set(roomId, left);
    return false;
  }
  joining.delete(roomId);
  if (joining.size === 0) socket.data.joining = undefined;
  return true;
}
