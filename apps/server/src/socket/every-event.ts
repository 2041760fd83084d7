import type { FloodGuards } from './event-flood-guard';
import type { SessionExpiry } from './session-expiry';
import type { ChatSocket } from './types';

/**
 * What every event a client sends passes, known or not, before its listener: the flood guard
 * (an event over the budget closes the socket and goes no further), then a use of the session.
 *
 * One listener serves every socket (`this` is the socket), registered with `socket.onAny`
 * (issue 16: a `socket.use` middleware needs a closure per socket). Socket.IO calls a socket's
 * onAny listeners for each incoming event synchronously, before it dispatches the event, and
 * dispatches nothing to the event listeners once the socket is disconnected: closing the
 * socket here drops the event as a middleware that does not call `next` would.
 */
export function everyEventListener(
  floods: FloodGuards,
  sessions: SessionExpiry,
): (this: ChatSocket) => void {
  return function (this: ChatSocket): void {
    if (floods.admit(this)) sessions.used(this);
  };
}
