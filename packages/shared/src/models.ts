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
  /** Protocol v1.1: how many of the caller's unread messages in the room mention them. */
  mentions?: number;
}

/**
 * Protocol v1.1: what a reply shows of the message it answers, as that message is now
 * (its edited text, cut to LIMITS.replyTextMax; `text: ""` and `deleted` once deleted).
 */
export const replySnapshotSchema = z.object({
  id: z.string(),
  userId: z.string(),
  username: z.string(),
  text: z.string(),
  deleted: z.literal(true).optional(),
});
export type ReplySnapshot = z.infer<typeof replySnapshotSchema>;

/** Protocol v1.1: one emoji on a message and who reacted with it, in order of first use. */
export const reactionSchema = z.object({
  emoji: z.string(),
  userIds: z.array(z.string()),
});
export type Reaction = z.infer<typeof reactionSchema>;

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
  /* Protocol v1.1, every one optional and absent when empty: */
  /** ISO 8601, the last edit. */
  editedAt: z.string().optional(),
  /** A tombstone: `text` is "" and nothing else of the message is shown. */
  deleted: z.literal(true).optional(),
  /** The message this one answers, as it is now. */
  replyTo: replySnapshotSchema.optional(),
  /** In order of first use; at most LIMITS.reactionsMax distinct emoji. */
  reactions: z.array(reactionSchema).optional(),
  /** Ids of the users the text @mentions (existing users only). */
  mentions: z.array(z.string()).optional(),
});
export type Message = z.infer<typeof messageSchema>;
