import type { EventListeners } from './ack-handler';
import type { FloodGuards } from './event-flood-guard';
import type { SessionExpiry } from './session-expiry';
import type { ChatSocket } from './types';

/** The `socket.onAny` listener: the event's name, then its arguments (the ack last). */
export type EveryEventListener = (this: ChatSocket, event: unknown, ...args: unknown[]) => void;

/**
 * The one listener of every socket (`this` is the socket; issue 16: no closure, middleware or
 * listener table of its own), registered with `socket.onAny`, which Socket.IO calls for each
 * event a client sends, known or not, as soon as it is read. The event passes, in order:
 *
 * 1. the flood guard: an event over the budget closes the socket and goes no further;
 * 2. a use of the session (SessionExpiry);
 * 3. its listener (EventListeners), a tick later and only while the socket is still
 *    connected: when Socket.IO itself calls event listeners, so a batch of packets is read,
 *    and a flood refused, before any of them is handled.
 */
export function everyEventListener(
  floods: FloodGuards,
  sessions: SessionExpiry,
  listeners: EventListeners,
): EveryEventListener {
  return function (this: ChatSocket, event: unknown, ...args: unknown[]): void {
    if (!floods.admit(this)) return;
    sessions.used(this);
    process.nextTick(deliver, this, listeners, event, args);
  };
}

function deliver(
  socket: ChatSocket,
  listeners: EventListeners,
  event: unknown,
  args: unknown[],
): void {
  if (socket.connected) listeners.dispatch(socket, event, args);
}
