import { compareMessageIds, type Message } from '@chat/shared';

/**
 * What the relay delivers to sockets: a new message, or (protocol v1.1) a change with its
 * id in the room's order. Messages and changes share one id space (MessageLog), so one
 * order id places either.
 */
export type RelayEvent =
  { kind: 'new'; message: Message } | { kind: 'updated'; message: Message; changeId: string };

/** Where the event stands in its room's order. */
export function orderId(event: RelayEvent): string {
  return event.kind === 'new' ? event.message.id : event.changeId;
}

interface CatchUp {
  /** Live events held back while the socket's catch-up is being read. */
  buffer: RelayEvent[] | null;
  /** After the read: the newest point of the room's order the socket has; older live copies are skipped. */
  floor: string | null;
}

/**
 * Makes `room:join` with `after` exactly-once: no gap and no duplicate
 * between the catch-up (`missed` and `updated`, read from the store in one snapshot) and
 * live events (relayed from Pub/Sub on another connection, so they may arrive before or
 * after that read's reply).
 *
 * While a socket reads its catch-up, live events for it are buffered; afterwards the
 * buffer is released minus what the read already reflected (everything at or below the
 * read's `asOf` in the room's order: messages in `missed`, changes in the states it
 * returned), and the relay keeps skipping copies at or below that point until it sees a
 * newer one (the relay sees a room in order, so from then on nothing older can come).
 * Rooms with nobody catching up cost one Map lookup per relayed event.
 */
export class CatchUpTracker {
  private readonly rooms = new Map<string, Map<string, CatchUp>>();

  begin(roomId: string, socketId: string): void {
    let sockets = this.rooms.get(roomId);
    if (!sockets) {
      sockets = new Map();
      this.rooms.set(roomId, sockets);
    }
    sockets.set(socketId, { buffer: [], floor: null });
  }

  /**
   * Ends the read. `floor` is the newest point of the room's order the socket now has (the
   * read's `asOf`, or the last missed id). Returns the buffered live events the socket
   * still needs, in order.
   */
  finish(roomId: string, socketId: string, floor: string): RelayEvent[] {
    const entry = this.rooms.get(roomId)?.get(socketId);
    if (!entry) return [];
    const pending = (entry.buffer ?? []).filter(
      (event) => compareMessageIds(orderId(event), floor) > 0,
    );
    entry.buffer = null;
    const last = pending.at(-1);
    entry.floor = last ? orderId(last) : floor;
    return pending;
  }

  /**
   * Forgets the socket in the room (left, failed to join); returns the live
   * events held back for it, for a socket that stays in the room.
   */
  abort(roomId: string, socketId: string): RelayEvent[] {
    const sockets = this.rooms.get(roomId);
    const held = sockets?.get(socketId)?.buffer ?? [];
    if (!sockets) return held;
    sockets.delete(socketId);
    if (sockets.size === 0) this.rooms.delete(roomId);
    return held;
  }

  /** Forgets the socket everywhere (disconnected). */
  forgetSocket(socketId: string): void {
    for (const roomId of [...this.rooms.keys()]) this.abort(roomId, socketId);
  }

  /**
   * For the relay: the sockets that must not get this live event by the
   * room broadcast (they buffer it or already have it), or undefined when
   * every socket in the room gets it.
   */
  socketsToSkip(event: RelayEvent): string[] | undefined {
    const { roomId } = event.message;
    const sockets = this.rooms.get(roomId);
    if (!sockets) return undefined;
    const id = orderId(event);
    const excluded: string[] = [];
    for (const [socketId, entry] of sockets) {
      if (entry.buffer) {
        entry.buffer.push(event);
        excluded.push(socketId);
      } else if (entry.floor !== null && compareMessageIds(id, entry.floor) <= 0) {
        excluded.push(socketId);
      } else {
        sockets.delete(socketId);
      }
    }
    if (sockets.size === 0) this.rooms.delete(roomId);
    return excluded.length > 0 ? excluded : undefined;
  }
}

/** Sends one relay event to one socket, as the event the protocol names for it. */
export function emitRelayEvent(
  socket: { emit(event: 'message:new' | 'message:updated', message: Message): unknown },
  event: RelayEvent,
): void {
  socket.emit(event.kind === 'new' ? 'message:new' : 'message:updated', event.message);
}
