import { AppError } from '../chat/app-error';
import type { Services } from '../services/services';
import type { EventHandlers } from './ack-handler';
import { joinedRooms } from './joined-rooms';
import type { RoomJoins } from './room-joins';
import type { TypingSignals } from './typing-signals';
import type { ChatSocket } from './types';

/**
 * The client events of the protocol, one handler each (the compiler holds
 * this table to ClientToServerEvents: every event, and each handler's result
 * matches its ack). Handlers check what only the socket knows (which rooms
 * it joined) and call the use cases in services/, which HTTP calls too.
 */
export function createEventHandlers(
  services: Services,
  roomJoins: RoomJoins,
  typing: TypingSignals,
): EventHandlers {
  return {
    'room:join': (socket, { roomId, after }) => roomJoins.join(socket, roomId, after),

    'room:leave': async (socket, { roomId }) => {
      if (await roomJoins.leave(socket, roomId)) await typing.stop(socket, roomId);
      return {};
    },

    'message:send': async (socket, input) => {
      requireJoined(socket, input.roomId, 'join the room before sending to it');
      return { message: await services.messaging.send(socket.data.user, input) };
    },

    typing: async (socket, { roomId, typing: isTyping }) => {
      requireJoined(socket, roomId, 'join the room first');
      await typing.signal(socket, roomId, isTyping);
      return {};
    },

    'room:read': async (socket, { roomId, messageId }) => {
      await services.messaging.markRead(socket.data.user, roomId, messageId);
      return {};
    },

    // Protocol v1.1 message changes: the socket must have joined the room (as for sending);
    // who may do what is checked inside the change (services/message-changes.ts).
    'message:edit': async (socket, input) => {
      requireJoined(socket, input.roomId, 'join the room before editing in it');
      return { message: await services.messageChanges.edit(socket.data.user, input) };
    },

    'message:delete': async (socket, input) => {
      requireJoined(socket, input.roomId, 'join the room before deleting in it');
      await services.messageChanges.delete(socket.data.user, input);
      return {};
    },

    'reaction:add': async (socket, input) => {
      requireJoined(socket, input.roomId, 'join the room before reacting in it');
      return { message: await services.messageChanges.addReaction(socket.data.user, input) };
    },

    'reaction:remove': async (socket, input) => {
      requireJoined(socket, input.roomId, 'join the room before reacting in it');
      return { message: await services.messageChanges.removeReaction(socket.data.user, input) };
    },
  };
}

function requireJoined(socket: ChatSocket, roomId: string, message: string): void {
  if (!joinedRooms(socket).has(roomId)) throw new AppError('forbidden', message);
}
