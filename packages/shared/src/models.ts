import { z } from 'zod';

/*
 * The protocol's shapes (PROTOCOL.md "Shapes"), declared once as zod schemas;
 * the types are inferred from them. The server validates what crosses Redis
 * with these schemas, and every package imports the types from here.
 */

/** A user as every client sees it. Password hashes never leave the server. */
export const userSchema = z.object({
  id: z.string(),
  username: z.string(),
});
export type User = z.infer<typeof userSchema>;

export const roomKindSchema = z.enum(['public', 'private', 'dm']);
export type RoomKind = z.infer<typeof roomKindSchema>;

export const roomSchema = z.object({
  id: z.string(),
  name: z.string(),
  kind: roomKindSchema,
  /** The creator's user id. */
  createdBy: z.string(),
  /** ISO 8601. */
  createdAt: z.string(),
});
export type Room = z.infer<typeof roomSchema>;

/**
 * A room as `GET /api/rooms` lists it for the caller: the room plus the
 * caller's unread count (extension).
 */
export interface RoomSummary extends Room {
  unread: number;
}

export const messageSchema = z.object({
  /** Server-assigned, opaque, unique within the room; the order of ids is the room's order. */
  id: z.string(),
  roomId: z.string(),
  userId: z.string(),
  username: z.string(),
  /** Plain text, trimmed; never rendered as HTML. */
  text: z.string(),
  clientId: z.string(),
  /** ISO 8601, taken from the store's clock, not the sending instance's. */
  createdAt: z.string(),
});
export type Message = z.infer<typeof messageSchema>;
