import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { Socket } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import type { JoinRoomPayload, Message, Room, SendMessagePayload } from '@chat/shared';

/*
 * The ceiling: a bare `ws` broadcast server speaking just enough Engine.IO v4 /
 * Socket.IO v5 for the bench's raw clients (open, connect, room:join and
 * message:send with acks, message:new), rooms in memory, no Redis, no
 * authentication, no history. Each outgoing message:new frame is built once,
 * as one Buffer, and written to every member of the room. What it costs is
 * the floor of any server on this machine for the same fan-out with the same
 * clients and message size.
 *
 * Env: PORT (0 = any). Logs {"msg":"listening","port":…} when ready.
 */

interface Conn {
  ws: WebSocket;
  userId: string;
  rooms: Set<string>;
  connected: boolean;
}

const rooms = new Map<string, Set<Conn>>();
let lastMs = 0;
let seq = 0;
let users = 0;

function nextId(): string {
  const now = Date.now();
  if (now > lastMs) {
    lastMs = now;
    seq = 0;
  } else {
    seq += 1;
  }
  return `${lastMs}-${seq}`;
}

const server = createServer((request, response) => {
  if (request.url === '/healthz') {
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end('{"status":"ok"}');
    return;
  }
  if (request.url === '/debug/memory') {
    const { heapUsed, rss } = process.memoryUsage();
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ heapUsed, rss }));
    return;
  }
  response.writeHead(404).end();
});

const wss = new WebSocketServer({ server, path: '/socket.io/', maxPayload: 64 * 1024 });

wss.on('connection', (ws) => {
  const sid = randomBytes(12).toString('base64url');
  const conn: Conn = { ws, userId: `user-${users++}`, rooms: new Set(), connected: false };
  ws.send(
    `0{"sid":"${sid}","upgrades":[],"pingInterval":25000,"pingTimeout":20000,"maxPayload":1000000}`,
  );
  ws.on('message', (data: Buffer) => onFrame(conn, data.toString()));
  ws.on('close', () => {
    for (const roomId of conn.rooms) rooms.get(roomId)?.delete(conn);
  });
});

function onFrame(conn: Conn, frame: string): void {
  if (frame.startsWith('40')) {
    conn.connected = true;
    conn.ws.send(`40{"sid":"${randomBytes(12).toString('base64url')}"}`);
    return;
  }
  if (!frame.startsWith('42') || !conn.connected) return;
  const open = frame.indexOf('[');
  const ackId = frame.slice(2, open);
  let event: unknown;
  let payload: unknown;
  try {
    [event, payload] = JSON.parse(frame.slice(open)) as [unknown, unknown];
  } catch {
    return;
  }
  if (typeof payload !== 'object' || payload === null || ackId === '') return;
  if (event === 'room:join') {
    const { roomId } = payload as JoinRoomPayload;
    if (typeof roomId !== 'string') return ack(conn, ackId, '{"ok":false}');
    let members = rooms.get(roomId);
    if (!members) rooms.set(roomId, (members = new Set()));
    members.add(conn);
    conn.rooms.add(roomId);
    const room: Room = {
      id: roomId,
      name: roomId,
      kind: 'public',
      createdBy: conn.userId,
      createdAt: new Date().toISOString(),
    };
    return ack(
      conn,
      ackId,
      `{"ok":true,"room":${JSON.stringify(room)},"missed":[],"complete":true,"updated":[]}`,
    );
  }
  if (event === 'message:send') {
    const { roomId, text, clientId } = payload as SendMessagePayload;
    const members = rooms.get(roomId);
    if (!members || !conn.rooms.has(roomId) || typeof text !== 'string') {
      return ack(conn, ackId, '{"ok":false,"error":{"code":"forbidden","message":"join first"}}');
    }
    const id = nextId();
    const message: Message = {
      id,
      roomId,
      userId: conn.userId,
      username: conn.userId,
      text: text.trim(),
      clientId,
      createdAt: new Date(lastMs).toISOString(),
    };
    const json = JSON.stringify(message);
    const frameOut = Buffer.from(`42["message:new",${json}]`);
    if (fault) deliverWithFault(members, frameOut);
    else if (corkTicks) for (const member of members) sendCorked(member, frameOut);
    else for (const member of members) member.ws.send(frameOut, { binary: false });
    ack(conn, ackId, `{"ok":true,"message":${json}}`);
  }
}

/*
 * Experiment (never in the standard run): BENCH_CEILING_CORK=1 corks each
 * socket on its first frame of an event-loop turn and uncorks them all in
 * setImmediate, so the frames one turn produces for a socket leave in one
 * writev. It measures what batching writes is worth on this machine.
 */
const corkTicks = process.env.BENCH_CEILING_CORK === '1';
const corked = new Set<Conn>();

function rawSocket(conn: Conn): Socket {
  return (conn.ws as unknown as { _socket: Socket })._socket;
}

function sendCorked(conn: Conn, frame: Buffer): void {
  if (!corked.has(conn)) {
    if (corked.size === 0) setImmediate(uncorkAll);
    corked.add(conn);
    rawSocket(conn).cork();
  }
  conn.ws.send(frame, { binary: false });
}

function uncorkAll(): void {
  for (const conn of corked) rawSocket(conn).uncork();
  corked.clear();
}

/*
 * Self-test of the bench (never used in a measurement): BENCH_CEILING_FAULT=
 * drop:N, dup:N or swap:N makes every Nth delivery go missing, arrive twice,
 * or arrive after the next message of its room, so that one can check that
 * the bench reports it (npm run bench -- rooms --targets ceiling --quick).
 */
const fault = /^(drop|dup|swap):(\d+)$/.exec(process.env.BENCH_CEILING_FAULT ?? '');
const faultEvery = fault ? Number(fault[2]) : 0;
let deliveries = 0;
const held = new Map<Conn, Buffer>();

function deliverWithFault(members: Set<Conn>, frame: Buffer): void {
  for (const member of members) {
    const late = held.get(member);
    const hit = ++deliveries % faultEvery === 0;
    if (hit && fault![1] === 'drop') continue;
    if (hit && fault![1] === 'swap' && !late) {
      held.set(member, frame);
      continue;
    }
    member.ws.send(frame, { binary: false });
    if (hit && fault![1] === 'dup') member.ws.send(frame, { binary: false });
    if (late) {
      held.delete(member);
      member.ws.send(late, { binary: false });
    }
  }
}

function ack(conn: Conn, ackId: string, body: string): void {
  conn.ws.send(`43${ackId}[${body}]`);
}

// Engine.IO heartbeat, as a Socket.IO server sends it (clients time out without it).
setInterval(() => {
  for (const ws of wss.clients) ws.send('2');
}, 25_000).unref();

process.on('SIGTERM', () => process.exit(0));
process.on('SIGINT', () => process.exit(0));

server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  process.stdout.write(`${JSON.stringify({ msg: 'listening', port })}\n`);
});
