import type { Agent } from 'node:http';
import { io, type Socket } from 'socket.io-client';
import type {
  Ack,
  AuthResponse,
  ClientToServerEvents,
  Message,
  ServerToClientEvents,
} from '@chat/shared';

export type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/** A JSON HTTP call; returns the status and the parsed body (null when empty). */
export async function http<T = unknown>(
  baseUrl: string,
  method: string,
  path: string,
  options: { body?: unknown; token?: string; rawBody?: string } = {},
): Promise<{ status: number; body: T }> {
  const headers: Record<string, string> = {};
  if (options.body !== undefined || options.rawBody !== undefined)
    headers['content-type'] = 'application/json';
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers,
    body:
      options.rawBody ?? (options.body === undefined ? undefined : JSON.stringify(options.body)),
  });
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : null) as T };
}

let counter = 0;
/** A fresh, valid, unique username. */
export function uniqueName(prefix = 'user'): string {
  counter += 1;
  return `${prefix}${process.pid}_${counter}`;
}

export async function registerUser(
  baseUrl: string,
  username = uniqueName(),
): Promise<AuthResponse> {
  const { status, body } = await http<AuthResponse>(baseUrl, 'POST', '/api/auth/register', {
    body: { username, password: 'correct horse battery' },
  });
  if (status !== 201) throw new Error(`register failed: ${status} ${JSON.stringify(body)}`);
  return body;
}

export async function createRoom(
  baseUrl: string,
  token: string,
  name = uniqueName('room'),
  kind: 'public' | 'private' = 'public',
): Promise<string> {
  const { status, body } = await http<{ room: { id: string } }>(baseUrl, 'POST', '/api/rooms', {
    token,
    body: { name, kind },
  });
  if (status !== 201) throw new Error(`create room failed: ${status} ${JSON.stringify(body)}`);
  return body.room.id;
}

/** A connected socket.io client, or a rejection with the connect_error. */
export function connect(
  baseUrl: string,
  token: string | undefined,
  /** `agent`: e.g. support/source-address.ts's agentFrom, to connect from another loopback address. */
  options: { transports?: ('websocket' | 'polling')[]; agent?: Agent } = {},
): Promise<ClientSocket> {
  const socket: ClientSocket = io(baseUrl, {
    auth: token === undefined ? {} : { token },
    transports: options.transports ?? ['websocket'],
    reconnection: false,
    forceNew: true,
    // engine.io-client hands the agent to its HTTP and websocket requests.
    ...(options.agent ? ({ agent: options.agent } as object) : {}),
  });
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', (error) => {
      socket.close();
      reject(error);
    });
  });
}

/** emit with an ack, as a promise (fails the test after 10 s rather than hanging). */
export function call<E extends keyof ClientToServerEvents>(
  socket: ClientSocket,
  event: E,
  payload: unknown,
): Promise<Ack<Record<string, unknown>>> {
  return (
    socket.timeout(10_000) as unknown as {
      emitWithAck(event: string, payload: unknown): Promise<Ack<Record<string, unknown>>>;
    }
  ).emitWithAck(event, payload);
}

/** Sends a message and returns the stored one, failing on an error ack. */
export async function send(
  socket: ClientSocket,
  roomId: string,
  text: string,
  clientId = `c-${Math.random()}`,
) {
  const ack = await call(socket, 'message:send', { roomId, text, clientId });
  if (!ack.ok) throw new Error(`send failed: ${JSON.stringify(ack.error)}`);
  return ack.message as Message;
}

export async function join(socket: ClientSocket, roomId: string, after?: string) {
  const ack = await call(socket, 'room:join', after === undefined ? { roomId } : { roomId, after });
  if (!ack.ok) throw new Error(`join failed: ${JSON.stringify(ack.error)}`);
  return ack as unknown as { ok: true; room: { id: string }; missed: Message[] };
}

/** Records every message:new a socket receives, and lets a test wait for a count. */
export class Inbox {
  readonly messages: Message[] = [];
  private waiters: { count: number; resolve: () => void }[] = [];

  constructor(socket: ClientSocket) {
    socket.on('message:new', (message) => {
      this.messages.push(message);
      this.waiters = this.waiters.filter((waiter) => {
        if (this.messages.length < waiter.count) return true;
        waiter.resolve();
        return false;
      });
    });
  }

  /** Resolves once `count` messages have arrived in total. */
  waitFor(count: number): Promise<Message[]> {
    if (this.messages.length >= count) return Promise.resolve(this.messages);
    return new Promise((resolve) =>
      this.waiters.push({ count, resolve: () => resolve(this.messages) }),
    );
  }
}

/** The next occurrence of a socket event. */
export function nextEvent<E extends keyof ServerToClientEvents>(
  socket: ClientSocket,
  event: E,
): Promise<Parameters<ServerToClientEvents[E]>[0]> {
  return new Promise((resolve) => {
    (socket as unknown as { once(event: string, listener: (value: never) => void): void }).once(
      event,
      resolve,
    );
  });
}
