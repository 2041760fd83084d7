import { io, type Socket } from 'socket.io-client';
import {
  compareMessageIds,
  type ClientToServerEvents,
  type Message,
  type ServerToClientEvents,
} from '@chat/shared';
import type { Account } from '../cluster';

type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/**
 * One soak user: a socket.io-client that stays in one room across instance
 * restarts the way the web app does (reconnect, rejoin with `after` = the
 * last id it has), and checks what it receives: every id once, in the
 * room's order. `missed` is taken in the join ack's callback, which runs
 * before any message:new parsed after it (see docs/PROTOCOL.md).
 */
export class SoakClient {
  readonly received = new Set<string>();
  duplicates = 0;
  outOfOrder = 0;
  reconnects = 0;
  private lastId: string | undefined;
  private joinedOnce = false;
  /** Joined on the current connection: a send before the rejoin would be refused (forbidden). */
  private inRoom = false;
  private onFirstJoin: () => void = () => {};
  private readonly firstJoin = new Promise<void>((resolve) => {
    this.onFirstJoin = resolve;
  });
  private readonly socket: ClientSocket;

  constructor(
    url: string,
    readonly account: Account,
    readonly roomId: string,
  ) {
    this.socket = io(url, {
      auth: { token: account.token },
      transports: ['websocket'],
      reconnectionDelay: 200,
      reconnectionDelayMax: 1000,
      forceNew: true,
    });
    this.socket.on('message:new', (message) => this.accept(message));
    this.socket.on('disconnect', () => {
      this.inRoom = false;
    });
    this.socket.on('connect', () => {
      if (this.joinedOnce) this.reconnects += 1;
      this.join();
    });
  }

  /** Resolves once the first join was acknowledged. */
  ready(timeoutMs = 15_000): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('a soak client did not join')), timeoutMs);
    });
    return Promise.race([this.firstJoin, timeout]).finally(() => clearTimeout(timer));
  }

  /** Sends one message; resolves with its id, or the error code (never rejects). */
  send(text: string, clientId: string): Promise<{ id: string } | { error: string }> {
    return new Promise((resolve) => {
      if (!this.socket.connected || !this.inRoom) return resolve({ error: 'reconnecting' });
      this.socket
        .timeout(5000)
        .emit('message:send', { roomId: this.roomId, text, clientId }, (error, ack) => {
          if (error) return resolve({ error: 'timeout' });
          resolve(ack.ok ? { id: ack.message.id } : { error: ack.error.code });
        });
    });
  }

  typing(on: boolean): void {
    if (this.socket.connected)
      this.socket.emit('typing', { roomId: this.roomId, typing: on }, () => {});
  }

  close(): void {
    this.socket.close();
  }

  private join(): void {
    const payload = this.lastId
      ? { roomId: this.roomId, after: this.lastId }
      : { roomId: this.roomId };
    this.socket.timeout(10_000).emit('room:join', payload, (error, ack) => {
      if (error || !ack.ok) {
        // The instance may be draining: the next reconnect joins again.
        this.socket.disconnect().connect();
        return;
      }
      for (const message of ack.missed) this.accept(message);
      this.inRoom = true;
      this.joinedOnce = true;
      this.onFirstJoin();
    });
  }

  private accept(message: Message): void {
    if (message.roomId !== this.roomId) return;
    if (this.received.has(message.id)) {
      this.duplicates += 1;
      return;
    }
    if (this.lastId !== undefined && compareMessageIds(message.id, this.lastId) <= 0)
      this.outOfOrder += 1;
    this.received.add(message.id);
    if (this.lastId === undefined || compareMessageIds(message.id, this.lastId) > 0)
      this.lastId = message.id;
  }
}
