import { io, type Socket } from 'socket.io-client';
import type {
  Ack,
  ClientToServerEvents,
  DeleteMessagePayload,
  EditMessagePayload,
  MessageChangeResult,
  ReactionPayload,
  JoinRoomPayload,
  JoinRoomResult,
  ReadRoomPayload,
  SendMessagePayload,
  SendMessageResult,
  ServerToClientEvents,
  TypingPayload,
} from '@chat/shared';
import { usesCookieSession } from './session';

/** The client's view of the protocol: it listens to server events and emits client events. */
export type ChatSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/** How long an emit waits for its ack before it counts as lost. */
export const ACK_TIMEOUT_MS = 10_000;

/** The `connect_error` message the server gives for a missing, unknown or revoked token. */
export const UNAUTHORIZED_CONNECT_ERROR = 'unauthorized';

/**
 * A socket for one session. It does not connect until `socket.connect()`, and
 * never shares its connection with another socket (each token gets its own).
 * `serverUrl` `''` means the page's own origin: cookie mode, where the
 * handshake request carries the session cookie and `token` is only its key.
 */
export function createChatSocket(serverUrl: string, token: string): ChatSocket {
  return io(serverUrl || window.location.origin, {
    path: '/socket.io',
    auth: usesCookieSession(serverUrl) ? {} : { token },
    autoConnect: false,
    forceNew: true,
  });
}

/*
 * Acked emits. Each resolves with the server's ack ({ ok: true, ... } or
 * { ok: false, error }) and rejects when no ack can come: the timeout ran out
 * or the socket disconnected first. Callers check `socket.connected` before
 * emitting, so nothing sits in socket.io's offline buffer and gets sent before
 * the rooms are joined again.
 */

export function emitJoin(
  socket: ChatSocket,
  payload: JoinRoomPayload,
): Promise<Ack<JoinRoomResult>> {
  return socket.timeout(ACK_TIMEOUT_MS).emitWithAck('room:join', payload);
}

export function emitSend(
  socket: ChatSocket,
  payload: SendMessagePayload,
): Promise<Ack<SendMessageResult>> {
  return socket.timeout(ACK_TIMEOUT_MS).emitWithAck('message:send', payload);
}

/** Protocol v1.1: the author edits a message; the ack carries its whole current state. */
export function emitEdit(
  socket: ChatSocket,
  payload: EditMessagePayload,
): Promise<Ack<MessageChangeResult>> {
  return socket.timeout(ACK_TIMEOUT_MS).emitWithAck('message:edit', payload);
}

/** Protocol v1.1: the author (or the room's creator) deletes a message. */
export function emitDelete(socket: ChatSocket, payload: DeleteMessagePayload): Promise<Ack> {
  return socket.timeout(ACK_TIMEOUT_MS).emitWithAck('message:delete', payload);
}

/** Protocol v1.1: adds (`add`) or takes back the caller's reaction. */
export function emitReaction(
  socket: ChatSocket,
  payload: ReactionPayload,
  add: boolean,
): Promise<Ack<MessageChangeResult>> {
  return socket
    .timeout(ACK_TIMEOUT_MS)
    .emitWithAck(add ? 'reaction:add' : 'reaction:remove', payload);
}

/** Moves the read marker; the server answers every socket of the user with `room:read`. */
export function emitRead(socket: ChatSocket, payload: ReadRoomPayload): Promise<Ack> {
  return socket.timeout(ACK_TIMEOUT_MS).emitWithAck('room:read', payload);
}

/**
 * Typing is fire-and-forget for the UI, but the server ignores events without
 * an ack callback, so one is always passed (and its answer dropped).
 */
export function emitTyping(socket: ChatSocket, payload: TypingPayload): void {
  socket.timeout(ACK_TIMEOUT_MS).emit('typing', payload, () => {});
}
