import type { Agent } from 'node:http';
import { io } from 'socket.io-client';
import {
  compareMessageIds,
  LIMITS,
  type Ack,
  type HistoryResponse,
  type JoinRoomResult,
  type Message,
} from '@chat/shared';
import type { ClientSocket } from './clients';

/**
 * A client that behaves as the protocol asks a good client to: it reconnects
 * by itself, rejoins its room with `after` = the last id it saw (a client
 * that has seen nothing yet has no cursor and rejoins without), merges the
 * `missed` list (filling the gap of an incomplete one from history, as
 * PROTOCOL v1.1 asks, before anything newer is recorded), and resends every unacknowledged message with the same
 * clientId until it is acked. It records what it received, so a test can
 * check exactly-once, in-order delivery across restarts.
 */
/** What `ready` and `send` throw once the client was closed: the test is over. */
export class ClientClosed extends Error {
  constructor() {
    super('the client was closed');
  }
}

export class ResilientClient {
  readonly received: Message[] = [];
  readonly acked: Message[] = [];
  /** Times the connection dropped, and sends that failed (error ack or timeout) before succeeding. */
  disconnects = 0;
  /** Handshakes the server refused (connect_error messages), each retried but `unauthorized`. */
  readonly refusedHandshakes: string[] = [];
  /** Why each disconnect happened (Socket.IO's reason), for failure messages. */
  readonly disconnectReasons: string[] = [];
  failedSends = 0;
  /** Why the last failed send failed (an ack's error code or the thrown error's message). */
  lastSendFailure = '';
  private readonly socket: ClientSocket;
  private readonly seen = new Set<string>();
  private joined: Promise<void> | undefined;
  private countWaiters: { count: number; resolve: () => void }[] = [];
  /** While a gap is being filled from history: what arrived meanwhile, recorded after it. */
  private heldBack: Message[] | undefined;
  /** The gap fill in progress, which a rejoin after another reconnect waits for. */
  private filling: Promise<void> | undefined;
  /** Closed by the test: no handshake is retried any more. */
  private closed = false;

  constructor(
    private readonly url: string,
    private readonly token: string,
    private readonly roomId: string,
    options: { agent?: Agent; transports?: ('websocket' | 'polling')[] } = {},
  ) {
    this.socket = io(url, {
      auth: { token },
      transports: options.transports ?? ['websocket'],
      forceNew: true,
      reconnectionDelay: 100,
      reconnectionDelayMax: 500,
      // engine.io-client hands the agent to its HTTP and websocket requests.
      ...(options.agent ? ({ agent: options.agent } as object) : {}),
    });
    this.socket.on('message:new', (message) => this.receive(message));
    this.socket.on('disconnect', (reason) => {
      this.disconnects += 1;
      this.disconnectReasons.push(reason);
    });
    this.socket.on('connect', () => {
      this.joined = this.join();
    });
    // Socket.IO does not retry a handshake the server refused (a connect_error from its
    // middleware: `unavailable` while the backend is unreachable, as when the Redis master of
    // the session's slot has just died). A good client retries it, as apps/web does; only
    // `unauthorized` is final. Without this, one client stuck here stalls a test's traffic.
    this.socket.on('connect_error', (error) => {
      if (!this.socket.active) this.refusedHandshakes.push(error.message);
      if (this.socket.active || this.closed || error.message === 'unauthorized') return;
      setTimeout(() => {
        if (!this.closed && !this.socket.connected) this.socket.connect();
      }, 100).unref();
    });
  }

  /** Resolves once connected and joined (again). */
  async ready(): Promise<void> {
    while (!this.socket.connected || !this.joined) {
      // Closed by the test (its end, or a failure): nothing will connect it again.
      if (this.closed) throw new ClientClosed();
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await this.joined;
  }

  /** Sends until acked, reusing the clientId across failures and reconnects. */
  async send(text: string, clientId: string): Promise<Message> {
    for (let attempt = 0; attempt < 200; attempt += 1) {
      try {
        await this.ready();
        const ack = (await this.socket
          .timeout(3000)
          .emitWithAck('message:send', { roomId: this.roomId, text, clientId })) as Ack<{
          message: Message;
        }>;
        if (ack.ok) {
          this.acked.push(ack.message);
          return ack.message;
        }
        this.lastSendFailure = ack.error.code;
        if (ack.error.code !== 'unavailable' && ack.error.code !== 'forbidden') {
          throw new Error(`send refused: ${ack.error.code}`);
        }
        this.failedSends += 1;
      } catch (error) {
        if (error instanceof ClientClosed) throw error;
        if (error instanceof Error && error.message.startsWith('send refused')) throw error;
        this.failedSends += 1;
        this.lastSendFailure = error instanceof Error ? error.message : String(error);
        // Timed out or disconnected: the next attempt reuses the clientId.
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`message ${clientId} was never acked`);
  }

  /** Resolves once `count` messages were received; fails with the counts after `timeoutMs`. */
  waitForCount(count: number, timeoutMs = 30_000): Promise<void> {
    if (this.received.length >= count) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.countWaiters = this.countWaiters.filter((waiter) => waiter.resolve !== done);
        reject(
          new Error(
            `received ${this.received.length} of ${count} messages within ${timeoutMs} ms ` +
              `(disconnects: ${this.disconnectReasons.join(', ') || 'none'})`,
          ),
        );
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        resolve();
      };
      this.countWaiters.push({ count, resolve: done });
    });
  }

  /** The client's state in a line, for a test's failure message. */
  describe(): string {
    return (
      `connected ${this.socket.connected}, acked ${this.acked.length}, received ${this.received.length}, ` +
      `failed sends ${this.failedSends} (last: ${this.lastSendFailure || 'none'}), ` +
      `refused handshakes [${this.refusedHandshakes.join(', ')}], ` +
      `disconnects [${this.disconnectReasons.join(', ')}]`
    );
  }

  close(): void {
    this.closed = true;
    this.socket.close();
  }

  private async join(): Promise<void> {
    await this.filling;
    const last = this.received.at(-1)?.id;
    for (;;) {
      const joined = await new Promise<boolean>((resolve) => {
        // A callback, not `await emitWithAck`: the live `message:new` events that
        // follow the ack can be dispatched in the same tick, before an awaited
        // promise resumes; `missed` must be recorded first, in the ack callback.
        this.socket
          .timeout(3000)
          .emit(
            'room:join',
            last ? { roomId: this.roomId, after: last } : { roomId: this.roomId },
            (error: Error | null, ack: Ack<JoinRoomResult>) => {
              if (error || !ack.ok) return resolve(false);
              // More were missed than one ack carries: hold everything back until the gap
              // between `last` and the oldest of `missed` is read from history.
              if (last && ack.complete === false) this.heldBack = [];
              for (const message of ack.missed) this.receive(message);
              resolve(true);
            },
          );
      });
      if (joined && this.heldBack) {
        this.filling = this.fillGap(last!, this.heldBack[0]!.id);
        await this.filling;
        this.filling = undefined;
      }
      if (joined) return;
      if (!this.socket.connected) return; // the next 'connect' joins again
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  /**
   * Reads every message with `after < id < before` from history, newest page first, then
   * records them oldest first, followed by what was held back meanwhile. A failed read is
   * retried: the test's promise is that nothing is lost, so the client must not give up.
   */
  private async fillGap(after: string, before: string): Promise<void> {
    const gap: Message[] = [];
    let end = before;
    for (let attempt = 0; attempt < 200;) {
      if (this.closed) return;
      const query = `after=${after}&before=${end}&limit=${LIMITS.historyMax}`;
      const response = await fetch(`${this.url}/api/rooms/${this.roomId}/messages?${query}`, {
        headers: { authorization: `Bearer ${this.token}` },
      }).catch(() => undefined);
      if (!response?.ok) {
        attempt += 1;
        await new Promise((resolve) => setTimeout(resolve, 100));
        continue;
      }
      const page = (await response.json()) as HistoryResponse;
      gap.unshift(...page.messages);
      if (!page.hasMore || page.messages.length === 0) break;
      end = page.messages[0]!.id;
    }
    const held = this.heldBack ?? [];
    this.heldBack = undefined;
    for (const message of [...gap, ...held]) this.record(message);
  }

  private receive(message: Message): void {
    if (this.heldBack) this.heldBack.push(message);
    else this.record(message);
  }

  private record(message: Message): void {
    // Duplicates and reordering are recorded, not hidden: the test checks for them.
    const last = this.received.at(-1);
    if (this.seen.has(message.id) || (last && compareMessageIds(message.id, last.id) <= 0)) {
      this.received.push(message);
    } else {
      this.received.push(message);
      this.seen.add(message.id);
    }
    this.countWaiters = this.countWaiters.filter((waiter) => {
      if (this.received.length < waiter.count) return true;
      waiter.resolve();
      return false;
    });
  }
}
