import { z } from 'zod';
import { LIMITS, USERNAME_PATTERN } from './limits';
import { isMessageId } from './message-id';

/*
 * Schemas for everything a client sends: HTTP bodies and queries, and the
 * payloads of client-to-server Socket.IO events. Objects strip unknown keys,
 * so fields a client adds on its own (a `userId`, a `username`) never reach
 * the server's logic: identity comes from the token only.
 */

/** Rejects lone UTF-16 surrogates, which cannot be stored as UTF-8 unchanged. */
const wellFormed = (value: string) => value.isWellFormed();
/**
 * No U+0000: PostgreSQL (the archive, and the embedded mode's PGlite) cannot store it in
 * text or jsonb, so a NUL would keep a message out of the archive; no chat text needs one.
 */
const withoutNul = (value: string) => !value.includes('\u0000');

export const usernameSchema = z
  .string()
  .min(LIMITS.usernameMin, `username must be at least ${LIMITS.usernameMin} characters`)
  .max(LIMITS.usernameMax, `username must be at most ${LIMITS.usernameMax} characters`)
  .regex(USERNAME_PATTERN, 'username may contain only letters, digits, "_", "." and "-"');

export const passwordSchema = z
  .string()
  .min(LIMITS.passwordMin, `password must be at least ${LIMITS.passwordMin} characters`)
  .max(LIMITS.passwordMax, `password must be at most ${LIMITS.passwordMax} characters`)
  .refine(wellFormed, 'password must be valid unicode');

export const credentialsSchema = z.object({
  username: usernameSchema,
  password: passwordSchema,
});
export type Credentials = z.infer<typeof credentialsSchema>;

/** `POST /api/auth/password`: the current password proves it is the owner, not a stolen token. */
export const changePasswordSchema = z.object({
  currentPassword: passwordSchema,
  newPassword: passwordSchema,
});
export type ChangePasswordBody = z.infer<typeof changePasswordSchema>;

export const roomNameSchema = z
  .string()
  .trim()
  .min(LIMITS.roomNameMin, 'room name must not be empty')
  .max(LIMITS.roomNameMax, `room name must be at most ${LIMITS.roomNameMax} characters`)
  .refine(wellFormed, 'room name must be valid unicode')
  .refine(withoutNul, 'room name must not contain NUL characters');

export const createRoomSchema = z.object({
  name: roomNameSchema,
  kind: z.enum(['public', 'private']).default('public'),
});
export type CreateRoomBody = z.input<typeof createRoomSchema>;

export const addMemberSchema = z.object({ username: usernameSchema });
export type AddMemberBody = z.infer<typeof addMemberSchema>;

export const createDmSchema = z.object({ username: usernameSchema });
export type CreateDmBody = z.infer<typeof createDmSchema>;

/** An id the server issued (room, user): bounded, so lookups stay cheap. */
export const idSchema = z.string().min(1).max(64);

/**
 * The server issues room and user ids as UUIDs: an id of any other form names
 * nothing that exists (`not_found`), and must never reach a store, where a
 * crafted one such as `<uuid>:members` would address another key.
 */
export const serverIdSchema = z.uuid();

export function isServerId(value: string): boolean {
  return serverIdSchema.safeParse(value).success;
}

export const messageIdSchema = z.string().max(40).refine(isMessageId, 'not a message id');

export const historyQuerySchema = z.object({
  /** Protocol v1.1: only messages newer than this (fills the gap of a capped catch-up). */
  after: messageIdSchema.optional(),
  before: messageIdSchema.optional(),
  limit: z.coerce.number().int().min(1).max(LIMITS.historyMax).default(LIMITS.historyDefault),
  /**
   * (extension) Which end of the range the page comes from: `newest` (default, v1) or
   * `oldest` (the oldest `limit` messages after `after`; `hasMore` when newer ones remain),
   * to page forward from a message, such as a search result.
   */
  from: z.enum(['newest', 'oldest']).default('newest'),
});
export type HistoryQuery = z.input<typeof historyQuerySchema>;

/** Protocol v1.1 `GET /api/search`. */
export const searchQuerySchema = z.object({
  q: z.string().trim().min(LIMITS.searchQueryMin).max(LIMITS.searchQueryMax),
  roomId: idSchema.optional(),
  limit: z.coerce.number().int().min(1).max(LIMITS.searchMax).default(LIMITS.searchDefault),
  before: messageIdSchema.optional(),
});
export type SearchQuery = z.input<typeof searchQuerySchema>;

/**
 * `GET /api/rooms` (extension): `cursor` is a previous page's `nextCursor`, opaque; `limit`
 * asks for fewer rooms than the server's page size (ROOMS_PAGE_MAX), never more.
 */
export const roomsQuerySchema = z.object({
  cursor: z.string().min(1).max(LIMITS.roomsCursorMax).optional(),
  limit: z.coerce.number().int().min(1).max(LIMITS.roomsLimitMax).optional(),
});
export type RoomsQuery = z.input<typeof roomsQuerySchema>;

export const messageTextSchema = z
  .string()
  .trim()
  .min(LIMITS.textMin, 'text must not be empty')
  .max(LIMITS.textMax, `text must be at most ${LIMITS.textMax} characters`)
  .refine(wellFormed, 'text must be valid unicode')
  .refine(withoutNul, 'text must not contain NUL characters');

export const clientIdSchema = z
  .string()
  .min(LIMITS.clientIdMin, 'clientId must not be empty')
  .max(LIMITS.clientIdMax, `clientId must be at most ${LIMITS.clientIdMax} characters`)
  .refine(wellFormed, 'clientId must be valid unicode')
  .refine(withoutNul, 'clientId must not contain NUL characters');

export const joinRoomSchema = z.object({
  roomId: idSchema,
  after: messageIdSchema.optional(),
});
export type JoinRoomPayload = z.input<typeof joinRoomSchema>;

export const leaveRoomSchema = z.object({ roomId: idSchema });
export type LeaveRoomPayload = z.input<typeof leaveRoomSchema>;

export const sendMessageSchema = z.object({
  roomId: idSchema,
  text: messageTextSchema,
  clientId: clientIdSchema,
  /** Protocol v1.1: the id of the message (of the same room) this one answers. */
  replyTo: messageIdSchema.optional(),
});
export type SendMessagePayload = z.input<typeof sendMessageSchema>;

/** Protocol v1.1 `message:edit`: the author replaces the text (rules as for sending). */
export const editMessageSchema = z.object({
  roomId: idSchema,
  messageId: messageIdSchema,
  text: messageTextSchema,
});
export type EditMessagePayload = z.input<typeof editMessageSchema>;

/** Protocol v1.1 `message:delete`: the author, or the room's creator. */
export const deleteMessageSchema = z.object({
  roomId: idSchema,
  messageId: messageIdSchema,
});
export type DeleteMessagePayload = z.input<typeof deleteMessageSchema>;

/** Protocol v1.1: an emoji is 1 to 32 characters (a Unicode emoji or a `:shortcode:`), no white space. */
export const emojiSchema = z
  .string()
  .min(1, 'emoji must not be empty')
  .refine(
    (emoji) => [...emoji].length <= LIMITS.emojiMax,
    `emoji must be at most ${LIMITS.emojiMax} characters`,
  )
  .refine((emoji) => !/\s/u.test(emoji), 'emoji must not contain white space')
  .refine(wellFormed, 'emoji must be valid unicode')
  .refine(withoutNul, 'emoji must not contain NUL characters');

/** Protocol v1.1 `reaction:add` and `reaction:remove`. */
export const reactionPayloadSchema = z.object({
  roomId: idSchema,
  messageId: messageIdSchema,
  emoji: emojiSchema,
});
export type ReactionPayload = z.input<typeof reactionPayloadSchema>;

export const typingSchema = z.object({
  roomId: idSchema,
  typing: z.boolean(),
});
export type TypingPayload = z.input<typeof typingSchema>;

/** Extension: marks everything up to and including `messageId` as read for the caller. */
export const readRoomSchema = z.object({
  roomId: idSchema,
  messageId: messageIdSchema,
});
export type ReadRoomPayload = z.input<typeof readRoomSchema>;

/** Turns a zod error into one short, client-safe sentence. */
export function describeValidationError(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return 'invalid input';
  const where = issue.path.length > 0 ? `${issue.path.join('.')}: ` : '';
  return `${where}${issue.message}`;
}
