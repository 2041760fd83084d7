import type { Socket } from 'node:net';
import type { Redis } from 'ioredis';

/**
 * Every command `redis` sends in one turn of the event loop leaves in one
 * `writev` instead of one system call each (issue 16).
 *
 * Why: a busy instance issues its Redis commands from many callbacks of one
 * turn (each websocket frame, each HTTP request is one), and ioredis writes
 * each command to the socket at once: one system call per command, the
 * largest single cost in the connect storm's profile (docs/ARCHITECTURE.md). Here
 * the first command of a turn corks the connection's socket and a
 * `setImmediate` uncorks it once the turn's I/O callbacks have run, so they
 * all go out together; Redis reads them in one read as well.
 *
 * Not ioredis's auto-pipelining, which was measured and dropped
 * (docs/ARCHITECTURE.md): it holds every command issued while one pipeline
 * is in flight until that pipeline's replies are back. Here nothing waits
 * for a reply: each command is on the wire by the end of the turn it was
 * issued in, in the order it was issued (one socket, one queue of replies,
 * as before), and a lone command waits only for the rest of its turn.
 * Replies, timeouts, MULTI/EXEC, WAIT and reconnection are ioredis's own,
 * unchanged: only when the bytes reach the kernel moves.
 *
 * `sendCommand` is the one method every command, script and pipeline goes
 * through (Redis.prototype.sendCommand in ioredis 6), so it is wrapped on the
 * instance; a reconnect brings a new socket, which the next command corks.
 */
export function batchWritesPerTick(redis: Redis): void {
  const send = redis.sendCommand.bind(redis);
  let corked: Socket | undefined;
  const uncork = (): void => {
    const socket = corked;
    corked = undefined;
    socket?.uncork();
  };
  redis.sendCommand = (command, stream) => {
    const socket = (redis as unknown as { stream?: Socket }).stream;
    if (
      corked === undefined &&
      socket !== undefined &&
      redis.status === 'ready' &&
      socket.writable
    ) {
      corked = socket;
      socket.cork();
      setImmediate(uncork);
    }
    return send(command, stream);
  };
}
