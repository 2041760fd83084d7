import { randomBytes, randomUUID, scrypt, timingSafeEqual } from 'node:crypto';
import { createServer } from 'node:http';
import { createAdapter } from '@socket.io/redis-adapter';
import express, { type NextFunction, type Request, type Response } from 'express';
import { Redis } from 'ioredis';
import { Server } from 'socket.io';
import {
  clientEventSchemas,
  createRoomSchema,
  credentialsSchema,
  type Ack,
  type ClientToServerEvents,
  type JoinRoomResult,
  type Message,
  type Room,
  type SendMessageResult,
  type ServerToClientEvents,
  type User,
} from '@chat/shared';

/*
 * The baseline: a chat server built the way the popular tutorials build one,
 * speaking the protocol subset the bench uses.
 *
 * - express 5 for the HTTP API (register, login, create room), users, sessions
 *   and rooms in Redis;
 * - socket.io 4 with @socket.io/redis-adapter on two ioredis connections
 *   (publish + subscribe) so that `io.to(room).emit(…)` reaches every instance;
 * - history with RPUSH to a Redis list per room, then the broadcast, then the ack.
 *
 * Idiomatic and not handicapped: ws is accelerated by bufferutil (installed;
 * it validates UTF-8 with Node's own buffer.isUtf8), payloads are validated with the same zod
 * schemas as ours, passwords are hashed with the same scrypt parameters.
 *
 * Env: PORT, REDIS_URL. Logs {"msg":"listening","port":…} when ready.
 */

const SCRYPT = { N: 16384, r: 8, p: 1 } as const;
const SESSION_TTL_SEC = 7 * 24 * 3600;

interface SocketData {
  user: User;
}

const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
const pubClient = redis.duplicate();
const subClient = redis.duplicate();

const app = express();
app.use(express.json({ limit: '64kb' }));
const httpServer = createServer(app);
const io = new Server<ClientToServerEvents, ServerToClientEvents, object, SocketData>(httpServer, {
  adapter: createAdapter(pubClient, subClient),
  maxHttpBufferSize: 64 * 1024,
  serveClient: false,
});

function hash(password: string, salt: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(password.normalize('NFC'), salt, 32, SCRYPT, (error, key) =>
      error ? reject(error) : resolve(key),
    ),
  );
}

async function startSession(user: User): Promise<string> {
  const token = randomBytes(32).toString('base64url');
  await redis.set(`session:${token}`, JSON.stringify(user), 'EX', SESSION_TTL_SEC);
  return token;
}

function fail(response: Response, status: number, code: string, message: string): void {
  response.status(status).json({ error: { code, message } });
}

app.post('/api/auth/register', async (request, response) => {
  const parsed = credentialsSchema.safeParse(request.body);
  if (!parsed.success) return fail(response, 400, 'invalid_input', 'invalid credentials');
  const { username, password } = parsed.data;
  const user: User = { id: randomUUID(), username };
  const salt = randomBytes(16);
  const key = await hash(password, salt);
  const record = JSON.stringify({
    ...user,
    salt: salt.toString('base64'),
    key: key.toString('base64'),
  });
  const created = await redis.set(`user:${username.toLowerCase()}`, record, 'NX');
  if (created === null) return fail(response, 409, 'conflict', 'username is taken');
  response.status(201).json({ user, token: await startSession(user) });
});

app.post('/api/auth/login', async (request, response) => {
  const parsed = credentialsSchema.safeParse(request.body);
  if (!parsed.success) return fail(response, 400, 'invalid_input', 'invalid credentials');
  const stored = await redis.get(`user:${parsed.data.username.toLowerCase()}`);
  if (!stored) return fail(response, 401, 'unauthorized', 'wrong username or password');
  const record = JSON.parse(stored) as User & { salt: string; key: string };
  const key = await hash(parsed.data.password, Buffer.from(record.salt, 'base64'));
  if (!timingSafeEqual(key, Buffer.from(record.key, 'base64')))
    return fail(response, 401, 'unauthorized', 'wrong username or password');
  const user: User = { id: record.id, username: record.username };
  response.json({ user, token: await startSession(user) });
});

async function userOf(token: unknown): Promise<User | null> {
  if (typeof token !== 'string' || token.length === 0) return null;
  const json = await redis.get(`session:${token}`);
  return json ? (JSON.parse(json) as User) : null;
}

async function requireUser(request: Request, response: Response, next: NextFunction) {
  const header = request.headers.authorization ?? '';
  const user = await userOf(header.replace(/^Bearer\s+/i, ''));
  if (!user) return fail(response, 401, 'unauthorized', 'unauthorized');
  response.locals.user = user;
  next();
}

app.post('/api/rooms', requireUser, async (request, response) => {
  const parsed = createRoomSchema.safeParse(request.body);
  if (!parsed.success) return fail(response, 400, 'invalid_input', 'invalid room');
  const user = response.locals.user as User;
  const room: Room = {
    id: randomUUID(),
    name: parsed.data.name,
    kind: 'public',
    createdBy: user.id,
    createdAt: new Date().toISOString(),
  };
  const created = await redis.set(`roomname:${room.name.toLowerCase()}`, room.id, 'NX');
  if (created === null) return fail(response, 409, 'conflict', 'room name is taken');
  await redis.hset('rooms', room.id, JSON.stringify(room));
  response.status(201).json({ room });
});

app.get('/healthz', (_request, response) => {
  response.json({ status: 'ok' });
});

/** For the bench's memory figures: this process's V8 heap. */
app.get('/debug/memory', (_request, response) => {
  const { heapUsed, rss } = process.memoryUsage();
  response.json({ heapUsed, rss });
});

io.use((socket, next) => {
  const auth = socket.handshake.auth as { token?: unknown };
  userOf(auth.token).then(
    (user) => {
      if (!user) return next(new Error('unauthorized'));
      socket.data.user = user;
      next();
    },
    () => next(new Error('unavailable')),
  );
});

io.on('connection', (socket) => {
  socket.on('room:join', async (payload, ack) => {
    if (typeof ack !== 'function') return;
    const parsed = clientEventSchemas['room:join'].safeParse(payload);
    if (!parsed.success)
      return ack({ ok: false, error: { code: 'invalid_input', message: 'invalid payload' } });
    const json = await redis.hget('rooms', parsed.data.roomId);
    if (!json) return ack({ ok: false, error: { code: 'not_found', message: 'no such room' } });
    await socket.join(parsed.data.roomId);
    const result: Ack<JoinRoomResult> = {
      ok: true,
      room: JSON.parse(json) as Room,
      missed: [],
      complete: true,
      updated: [],
    };
    ack(result);
  });

  socket.on('message:send', async (payload, ack) => {
    if (typeof ack !== 'function') return;
    const parsed = clientEventSchemas['message:send'].safeParse(payload);
    if (!parsed.success)
      return ack({ ok: false, error: { code: 'invalid_input', message: 'invalid payload' } });
    const { roomId, text, clientId } = parsed.data;
    if (!socket.rooms.has(roomId))
      return ack({ ok: false, error: { code: 'forbidden', message: 'join the room first' } });
    const { user } = socket.data;
    const message: Message = {
      id: randomUUID(),
      roomId,
      userId: user.id,
      username: user.username,
      text,
      clientId,
      createdAt: new Date().toISOString(),
    };
    try {
      await redis.rpush(`messages:${roomId}`, JSON.stringify(message));
    } catch {
      return ack({ ok: false, error: { code: 'unavailable', message: 'try again' } });
    }
    io.to(roomId).emit('message:new', message);
    const result: Ack<SendMessageResult> = { ok: true, message };
    ack(result);
  });
});

function shutdown(): void {
  void io.close();
  process.exit(0);
}
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);

httpServer.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  const address = httpServer.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  process.stdout.write(`${JSON.stringify({ msg: 'listening', port })}\n`);
});
