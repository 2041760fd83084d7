import WebSocket from 'ws';
import { io, type Socket } from 'socket.io-client';
import type {
  Ack,
  ClientToServerEvents,
  JoinRoomPayload,
  Message,
  SendMessagePayload,
  SendMessageResult,
  ServerToClientEvents,
} from '@chat/shared';
import { EIO_PATH } from '../wire';
import type { ClientSpec } from './protocol';

/** What a client reports to its worker. No per-message allocation beyond the frame string. */
export interface ClientSink {
  /** A `message:new`: `frame` holds the message JSON (raw: the whole frame, as received). */
  delivery(client: BenchClient, frame: Buffer): void;
  /** The ack of a `message:send` sent at `sentAt`. */
  ack(client: BenchClient, sentAt: number, ok: boolean, body: string): void;
  other(): void;
  closed(client: BenchClient): void;
}

/** Per-receiver bookkeeping for loss, duplicate and order checks (used by the worker). */
export interface ReceiverState {
  /** Highest sequence seen per sender index (0 = none). */
  last: Int32Array;
  /** Sequences skipped over (a gap): a later arrival is out of order, not a duplicate. */
  missing: Set<number> | undefined;
  lastIdMs: number;
  lastIdSeq: number;
}

export interface BenchClient {
  readonly spec: ClientSpec;
  /** Next sequence number this client sends. */
  seq: number;
  state: ReceiverState;
  connected: boolean;
  /** Acks awaited for `message:send`. */
  outstanding(): number;
  connect(timeoutMs: number): Promise<void>;
  join(roomId: string, timeoutMs: number): Promise<void>;
  send(payload: SendMessagePayload, sentAt: number): void;
  close(): void;
}

function newState(totalClients: number): ReceiverState {
  return { last: new Int32Array(totalClients), missing: undefined, lastIdMs: -1, lastIdSeq: -1 };
}

/**
 * The bulk client: a bare `ws` socket speaking Engine.IO v4 / Socket.IO v5
 * text frames. Frames are built with string concatenation, incoming frames
 * are dispatched on their first bytes, and message payloads are never
 * JSON-parsed (the worker reads the few fields it needs by position).
 */
export class RawClient implements BenchClient {
  seq = 1;
  state: ReceiverState;
  connected = false;
  private ws: WebSocket | undefined;
  private nextAckId = 0;
  private readonly sendTimes = new Map<number, number>();
  private readonly waiters = new Map<number, (body: string) => void>();
  private connectWaiter: { resolve: () => void; reject: (error: Error) => void } | undefined;

  constructor(
    readonly spec: ClientSpec,
    totalClients: number,
    private readonly sink: ClientSink,
  ) {
    this.state = newState(totalClients);
  }

  outstanding(): number {
    return this.sendTimes.size;
  }

  connect(timeoutMs: number): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.connectWaiter = undefined;
        this.ws?.terminate();
        reject(new Error('connect timeout'));
      }, timeoutMs);
      this.connectWaiter = {
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      };
      const ws = new WebSocket(`ws://127.0.0.1:${this.spec.port}${EIO_PATH}`, {
        perMessageDeflate: false,
        skipUTF8Validation: true,
      });
      this.ws = ws;
      ws.on('message', (data: Buffer) => this.onFrame(data));
      ws.on('error', (error) => this.fail(error));
      ws.on('close', () => {
        this.fail(new Error('closed'));
        if (this.connected) {
          this.connected = false;
          this.sink.closed(this);
        }
      });
    });
  }

  private fail(error: Error): void {
    const waiter = this.connectWaiter;
    this.connectWaiter = undefined;
    waiter?.reject(error);
  }

  join(roomId: string, timeoutMs: number): Promise<void> {
    const payload: JoinRoomPayload = { roomId };
    return new Promise<void>((resolve, reject) => {
      const id = this.nextAckId++;
      const timer = setTimeout(() => {
        this.waiters.delete(id);
        reject(new Error('join timeout'));
      }, timeoutMs);
      this.waiters.set(id, (body) => {
        clearTimeout(timer);
        if (body.startsWith('[{"ok":true')) resolve();
        else reject(new Error(`join refused: ${body.slice(0, 200)}`));
      });
      this.ws!.send(`42${id}["room:join",${JSON.stringify(payload)}]`);
    });
  }

  send(payload: SendMessagePayload, sentAt: number): void {
    const id = this.nextAckId++;
    this.sendTimes.set(id, sentAt);
    this.ws!.send(`42${id}["message:send",${JSON.stringify(payload)}]`);
  }

  close(): void {
    this.connected = false;
    this.ws?.terminate();
  }

  /** Dispatches a frame on its first bytes; only `message:new` and acks are read further. */
  private onFrame(frame: Buffer): void {
    const c0 = frame[0];
    if (c0 === 52 /* '4' */) {
      const c1 = frame[1];
      if (c1 === 50 /* '2' event */) {
        if (frame.compare(MESSAGE_NEW, 0, MESSAGE_NEW.length, 0, MESSAGE_NEW.length) === 0)
          this.sink.delivery(this, frame);
        else this.sink.other();
        return;
      }
      if (c1 === 51 /* '3' ack */) {
        let id = 0;
        let i = 2;
        for (let c = frame[i]; c !== undefined && c >= 48 && c <= 57; c = frame[++i])
          id = id * 10 + (c - 48);
        const sentAt = this.sendTimes.get(id);
        if (sentAt !== undefined) {
          this.sendTimes.delete(id);
          const ok = frame.compare(ACK_OK, 0, ACK_OK.length, i, i + ACK_OK.length) === 0;
          this.sink.ack(this, sentAt, ok, ok ? '' : frame.toString());
          return;
        }
        const waiter = this.waiters.get(id);
        if (waiter) {
          this.waiters.delete(id);
          waiter(frame.toString('utf8', i));
        }
        return;
      }
      if (c1 === 48 /* '0' connected */) {
        this.connected = true;
        const waiter = this.connectWaiter;
        this.connectWaiter = undefined;
        waiter?.resolve();
        return;
      }
      if (c1 === 52 /* '4' connect_error */) {
        this.fail(new Error(`connect_error ${frame.toString('utf8', 2, 200)}`));
        this.ws?.terminate();
        return;
      }
      if (c1 === 49 /* '1' disconnect */) {
        this.ws?.terminate();
      }
      return;
    }
    if (c0 === 50 /* '2' ping */) {
      this.ws?.send('3');
      return;
    }
    if (c0 === 48 /* '0' open */) {
      this.ws?.send(`40${JSON.stringify({ token: this.spec.token })}`);
    }
  }
}

const MESSAGE_NEW = Buffer.from('42["message:new",', 'latin1');
const ACK_OK = Buffer.from('[{"ok":true', 'latin1');

/** The checking subset: the real socket.io-client, as an application would use it. */
export class SioClient implements BenchClient {
  seq = 1;
  state: ReceiverState;
  connected = false;
  private socket: Socket<ServerToClientEvents, ClientToServerEvents> | undefined;
  private pending = 0;

  constructor(
    readonly spec: ClientSpec,
    totalClients: number,
    private readonly sink: ClientSink,
  ) {
    this.state = newState(totalClients);
  }

  outstanding(): number {
    return this.pending;
  }

  connect(timeoutMs: number): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io(
        `http://127.0.0.1:${this.spec.port}`,
        {
          auth: { token: this.spec.token },
          transports: ['websocket'],
          reconnection: false,
          forceNew: true,
          timeout: timeoutMs,
        },
      );
      this.socket = socket;
      socket.on('message:new', (message: Message) =>
        this.sink.delivery(this, Buffer.from(`{"id":"${message.id}","text":"${message.text}"}`)),
      );
      socket.onAny((event: string) => {
        if (event !== 'message:new') this.sink.other();
      });
      socket.once('connect', () => {
        this.connected = true;
        resolve();
      });
      socket.once('connect_error', (error) => reject(error));
      socket.on('disconnect', () => {
        if (this.connected) {
          this.connected = false;
          this.sink.closed(this);
        }
      });
    });
  }

  join(roomId: string, timeoutMs: number): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.socket!.timeout(timeoutMs).emit('room:join', { roomId }, (error, ack) => {
        if (error) reject(error);
        else if (ack.ok) resolve();
        else reject(new Error(`join refused: ${ack.error.code}`));
      });
    });
  }

  send(payload: SendMessagePayload, sentAt: number): void {
    this.pending += 1;
    this.socket!.emit('message:send', payload, (ack: Ack<SendMessageResult>) => {
      this.pending -= 1;
      this.sink.ack(this, sentAt, ack.ok, ack.ok ? '' : JSON.stringify(ack.error));
    });
  }

  close(): void {
    this.connected = false;
    this.socket?.disconnect();
  }
}
