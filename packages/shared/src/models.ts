/** A user as every client sees it. Password hashes never leave the server. */
export interface User {
  id: string;
  username: string;
}

export type RoomKind = 'public' | 'private' | 'dm';

export interface Room {
  id: string;
  name: string;
  kind: RoomKind;
  /** The creator's user id. */
  createdBy: string;
  /** ISO 8601. */
  createdAt: string;
}

/**
 * A room as `GET /api/rooms` lists it for the caller: the room plus the
 * caller's unread count (extension).
 */
export interface RoomSummary extends Room {
  unread: number;
}

export interface Message {
  /** Server-assigned, opaque, unique within the room; the order of ids is the room's order. */
  id: string;
  roomId: string;
  userId: string;
  username: string;
  /** Plain text, trimmed; never rendered as HTML. */
  text: string;
  clientId: string;
  /** ISO 8601, taken from the store's clock, not the sending instance's. */
  createdAt: string;
}
