import type { z } from 'zod';
import type { ErrorBody } from './errors';
import type { Message, Room, User } from './models';
import {
  deleteMessageSchema,
  editMessageSchema,
  reactionPayloadSchema,
  joinRoomSchema,
  leaveRoomSchema,
  readRoomSchema,
  sendMessageSchema,
  typingSchema,
  type DeleteMessagePayload,
  type EditMessagePayload,
  type ReactionPayload,
  type JoinRoomPayload,
  type LeaveRoomPayload,
  type ReadRoomPayload,
  type SendMessagePayload,
  type TypingPayload,
} from './schemas';

/** Every ack: `{ ok: true, ...result }` or `{ ok: false, error }`. */
export type Ack<T extends object = object> = ({ ok: true } & T) | { ok: false; error: ErrorBody };
export type AckCallback<T extends object = object> = (response: Ack<T>) => void;

export interface JoinRoomResult {
  room: Room;
  /**
   * The messages after `after`, oldest first: the newest LIMITS.missedMax of them when more
   * were missed (then `complete` is false and the client fills the gap with history, `after`
   * and `before`); empty when `after` was absent.
   */
  missed: Message[];
  /** True when `missed` holds every message after `after`. */
  complete: boolean;
  /**
   * Protocol v1.1: the current state of messages at or before `after` that changed (edited,
   * deleted, reactions) after `after` was stored, at most LIMITS.missedMax; may repeat
   * changes the client saw. The client replaces them by id.
   */
  updated: Message[];
}

export interface SendMessageResult {
  message: Message;
}

/** Protocol v1.1: the ack of `message:edit`, `reaction:add` and `reaction:remove`: the message's whole current state. */
export interface MessageChangeResult {
  message: Message;
}

/**
 * Client-to-server events. Each takes a payload and an ack; a missing ack
 * means the event is ignored (there is nobody to answer).
 */
export interface ClientToServerEvents {
  'room:join': (payload: JoinRoomPayload, ack: AckCallback<JoinRoomResult>) => void;
  'room:leave': (payload: LeaveRoomPayload, ack: AckCallback) => void;
  'message:send': (payload: SendMessagePayload, ack: AckCallback<SendMessageResult>) => void;
  typing: (payload: TypingPayload, ack: AckCallback) => void;
  /** Extension: move the caller's read marker in a room. */
  'room:read': (payload: ReadRoomPayload, ack: AckCallback) => void;
  /** Protocol v1.1: the author edits a message. */
  'message:edit': (payload: EditMessagePayload, ack: AckCallback<MessageChangeResult>) => void;
  /** Protocol v1.1: the author, or the room's creator, deletes a message (a tombstone stays). */
  'message:delete': (payload: DeleteMessagePayload, ack: AckCallback) => void;
  /** Protocol v1.1: a member who joined the room reacts; adding twice counts once. */
  'reaction:add': (payload: ReactionPayload, ack: AckCallback<MessageChangeResult>) => void;
  /** Protocol v1.1: takes the caller's own reaction back; removing what is not there is ok. */
  'reaction:remove': (payload: ReactionPayload, ack: AckCallback<MessageChangeResult>) => void;
}

/** A client-to-server event's name. */
export type ClientEvent = keyof ClientToServerEvents;

/** What the ack of event `E` carries besides `ok: true`. */
export type AckResultOf<E extends ClientEvent> =
  Parameters<ClientToServerEvents[E]>[1] extends AckCallback<infer Result> ? Result : never;

/**
 * Each client event's payload schema: the one map the server validates with
 * and clients check against. The compiler holds it to ClientToServerEvents:
 * exactly one schema per event, accepting that event's payload type.
 */
export const clientEventSchemas = {
  'room:join': joinRoomSchema,
  'room:leave': leaveRoomSchema,
  'message:send': sendMessageSchema,
  typing: typingSchema,
  'room:read': readRoomSchema,
  'message:edit': editMessageSchema,
  'message:delete': deleteMessageSchema,
  'reaction:add': reactionPayloadSchema,
  'reaction:remove': reactionPayloadSchema,
} as const satisfies {
  [E in ClientEvent]: z.ZodType<unknown, Parameters<ClientToServerEvents[E]>[0]>;
};

/** Event `E`'s payload once validated (defaults applied, text trimmed, unknown keys gone). */
export type ClientEventInput<E extends ClientEvent> = z.output<(typeof clientEventSchemas)[E]>;

export interface TypingEvent {
  roomId: string;
  user: User;
  typing: boolean;
}

export interface PresenceEvent {
  user: User;
  online: boolean;
}

/** Extension: the caller's read marker moved (sent to all of the caller's sockets). */
export interface RoomReadEvent {
  roomId: string;
  messageId: string;
}

export interface ServerToClientEvents {
  /** To every socket that joined the room, on every instance, in the room's order. */
  'message:new': (message: Message) => void;
  /** To the room's other sockets. */
  typing: (event: TypingEvent) => void;
  /** To every socket, when a user's first connection opens or last one closes. */
  presence: (event: PresenceEvent) => void;
  /** To every socket, when a public room is created. */
  'room:created': (room: Room) => void;
  /** Extension: to the added user's sockets when they become a member of a private room or DM. */
  'room:added': (room: Room) => void;
  /** Extension: to the user's own sockets when their read marker moves. */
  'room:read': (event: RoomReadEvent) => void;
  /**
   * Protocol v1.1: a message changed (edited, deleted, reacted to): its whole current state,
   * to every socket that joined the room, on every instance, in the room's order.
   */
  'message:updated': (message: Message) => void;
  /** Protocol v1.1: to the sockets of a user who left (or was removed from) a private room or DM. */
  'room:removed': (event: { roomId: string }) => void;
}
