import { compareMessageIds, type Message } from '@chat/shared';

interface CatchUp {
  /** Live messages held back while the socket's `missed` list is being read. */
  buffer: Message[] | null;
  /** After the read: the last id the socket already has; older live copies are skipped. */
  floor: string | null;
}

/**
 * Makes `room:join` with `after` exactly-once: no gap and no duplicate
 * between the `missed` list (read from the store) and live messages (relayed
 * from Pub/Sub on another connection, so they may arrive before or after
 * that read's reply).
 *
 * While a socket reads its missed messages, live ones for it are buffered;
 * afterwards the buffer is released minus what `missed` already held, and
 * the relay keeps skipping copies at or below the last id the socket has
 * until it sees a newer one (the relay sees a room in id order, so from then
 * on nothing older can come). Rooms with nobody catching up cost one Map
 * lookup per relayed message.
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
   * Ends the read. `floor` is the newest id the socket now has (the last
   * missed message, or `after` itself). Returns the buffered live messages
   * the socket still needs, in order.
   */
  finish(roomId: string, socketId: string, floor: string): Message[] {
    const entry = this.rooms.get(roomId)?.get(socketId);
    if (!entry) return [];
    const pending = (entry.buffer ?? []).filter(
      (message) => compareMessageIds(message.id, floor) > 0,
    );
    entry.buffer = null;
    entry.floor = pending.at(-1)?.id ?? floor;
    return pending;
  }

  /**
   * Forgets the socket in the room (left, failed to join); returns the live
   * messages held back for it, for a socket that stays in the room.
   */
  abort(roomId: string, socketId: string): Message[] {
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
   * For the relay: the sockets that must not get this live message by the
   * room broadcast (they buffer it or already have it), or undefined when
   * every socket in the room gets it.
   */
  socketsToSkip(message: Message): string[] | undefined {
    const sockets = this.rooms.get(message.roomId);
    if (!sockets) return undefined;
    const excluded: string[] = [];
    for (const [socketId, entry] of sockets) {
      if (entry.buffer) {
        entry.buffer.push(message);
        excluded.push(socketId);
      } else if (entry.floor !== null && compareMessageIds(message.id, entry.floor) <= 0) {
        excluded.push(socketId);
      } else {
        sockets.delete(socketId);
      }
    }
    if (sockets.size === 0) this.rooms.delete(message.roomId);
    return excluded.length > 0 ? excluded : undefined;
  }
}
