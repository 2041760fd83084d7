import type { Logger } from 'pino';
import {
  joinRoomSchema,
  leaveRoomSchema,
  readRoomSchema,
  sendMessageSchema,
  typingSchema,
  type JoinRoomResult,
  type Message,
  type PresenceEvent,
  type SendMessageResult,
  type User,
} from '@chat/shared';
import { AppError, BackendUnavailableError } from '../chat/app-error';
import { enforceRate, RATE_POLICIES } from '../chat/rate-limits';
import type { ClusterEvent } from '../cluster-events';
import type { Config } from '../config';
import type { Metrics } from '../metrics';
import type { Backend } from '../ports';
import type { Accounts } from '../services/accounts';
import type { Rooms } from '../services/rooms';
import { AckThen, onAckedEvent } from './ack-handler';
import { BatchedBroadcast } from './batched-broadcast';
import { CatchUpTracker } from './catch-up';
import { EventFloodGuard } from './event-flood-guard';
import { HandshakeGuard, HandshakeRefused } from './handshake-guard';
import { SlowConsumerGuard } from './slow-consumers';
import { InFlight } from './in-flight';
import { PresenceTracker } from './presence-tracker';
import { TypingExpiry, TypingThrottle } from './typing';
import { sessionRoom, userRoom, type ChatIoServer, type ChatSocket } from './types';

/** How long `presence` changes are collected before they go to every socket: see BatchedBroadcast. */
const PRESENCE_BATCH_MS = 50;

export interface SocketServiceDeps {
  io: ChatIoServer;
  accounts: Accounts;
  rooms: Rooms;
  backend: Backend;
  config: Config;
  metrics: Metrics;
  logger: Logger;
}

/**
 * Owns the real-time side of one instance: authenticates handshakes, handles
 * client events, and relays. Every message a client sends is stored and
 * published on MESSAGES in one step (MessageStore.append); every message
 * arriving on MESSAGES, from any instance including this one, is emitted to
 * this instance's sockets in the room. Typing, presence, room and session
 * events cross instances on EVENTS the same way. No instance talks to
 * another directly.
 */
export class SocketService {
  private readonly catchUp = new CatchUpTracker();
  private readonly inFlight = new InFlight();
  private readonly presenceOut: BatchedBroadcast<PresenceEvent>;
  private readonly presence: PresenceTracker;
  private readonly typingThrottle: TypingThrottle;
  private readonly typingExpiry: TypingExpiry;
  private readonly handshakes: HandshakeGuard;
  private readonly slowConsumers: SlowConsumerGuard;
  /** Engine.IO connections with a CONNECT to the namespace being checked or connected. */
  private readonly handshaking = new WeakSet<ChatSocket['conn']>();

  constructor(private readonly deps: SocketServiceDeps) {
    const { io, backend, config, logger, metrics } = deps;
    this.presence = new PresenceTracker(
      backend.presence,
      backend.broker,
      { graceMs: config.presenceGraceMs, heartbeatMs: config.presenceHeartbeatMs },
      logger,
      metrics,
    );
    this.presenceOut = new BatchedBroadcast(PRESENCE_BATCH_MS, (changes) => {
      for (const change of changes) io.local.emit('presence', change);
    });
    this.typingThrottle = new TypingThrottle(Math.floor(config.typingTtlMs / 3));
    this.typingExpiry = new TypingExpiry(config.typingTtlMs, (roomId, user, socketId) =>
      this.emitTyping(roomId, user, false, socketId),
    );

    this.handshakes = new HandshakeGuard(backend.rateLimiter, {
      maxSocketsPerUser: config.maxSocketsPerUser,
      trustProxy: config.trustProxy,
    });
    this.slowConsumers = new SlowConsumerGuard(io, config.maxSocketBufferBytes, metrics, logger);

    io.use((socket, next) => {
      // Socket.IO closes a connection that sends a second CONNECT once the first is connected,
      // but not while the first still awaits this (async) check: each would get a socket.
      // Refuse it, then close the connection once the refusal (queued by next()) is written.
      if (this.handshaking.has(socket.conn)) {
        next(new Error('invalid_input'));
        process.nextTick(() => socket.conn.close());
        return;
      }
      this.handshaking.add(socket.conn);
      this.admit(socket).then(
        () => {
          next();
          // Socket.IO drops a socket whose connection closed during the check, without a
          // 'disconnect' event; it decides in the tick next() queued, before this one.
          process.nextTick(() => {
            if (!socket.connected) this.handshakes.release(socket.data.user.id);
          });
        },
        (error: unknown) => {
          this.handshaking.delete(socket.conn); // The client may try again on this connection.
          next(new Error(handshakeErrorMessage(error)));
        },
      );
    });
    io.on('connection', (socket) => this.onConnection(socket));
    backend.broker.onMessage((message) => this.relay(message));
    backend.broker.onEvent((event) => this.onClusterEvent(event));
    backend.broker.onResync(() => {
      logger.warn('pub/sub subscription restored: asking local clients to reconnect and catch up');
      this.closeTransports();
    });
  }

  start(): Promise<void> {
    this.slowConsumers.start();
    return this.presence.start();
  }

  /**
   * Draining: finishes the acks in flight, then closes every connection at
   * the transport level, so clients reconnect through the balancer to
   * another instance and rejoin with `after`.
   */
  async stop(): Promise<void> {
    await this.inFlight.idle(this.deps.config.shutdownTimeoutMs / 2);
    this.closeTransports();
    this.slowConsumers.stop();
    this.typingExpiry.clear();
    this.presenceOut.clear();
    await this.presence.stop();
  }

  /**
   * Closes every local connection at the transport level. Clients see
   * "transport close", which (unlike a server-side disconnect) makes Socket.IO
   * clients reconnect by themselves and rejoin their rooms with `after`.
   */
  private closeTransports(): void {
    for (const socket of this.deps.io.of('/').sockets.values()) socket.conn.close();
  }

  /** The handshake: address not cooling down, a live token, a free connection slot for the user. */
  private async admit(socket: ChatSocket): Promise<void> {
    const address = this.handshakes.clientAddress(
      socket.handshake.address,
      socket.handshake.headers,
    );
    this.handshakes.checkAddress(address);
    const auth: unknown = socket.handshake.auth;
    const token =
      typeof auth === 'object' && auth !== null ? (auth as { token?: unknown }).token : undefined;
    const identity = await this.deps.accounts.authenticate(
      typeof token === 'string' ? token : undefined,
    );
    if (!identity) {
      await this.handshakes.failed(address).catch(() => {});
      throw new AppError('unauthorized', 'unauthorized');
    }
    this.handshakes.reserve(identity.user.id);
    socket.data = {
      user: identity.user,
      tokenHash: identity.tokenHash,
      chatRooms: new Set(),
      joining: new Map(),
    };
  }

  private onConnection(socket: ChatSocket): void {
    const { metrics, logger, backend } = this.deps;
    const { user, tokenHash } = socket.data;
    metrics.connections.inc();
    const flood = new EventFloodGuard(
      this.deps.config.socketEventsPerSec,
      this.deps.config.socketEventsPerSec * 5,
    );
    let flooded = false;
    socket.use((_packet, next) => {
      // Packets already read in the same batch still pass through here after the
      // disconnect: drop them without logging or counting the flood again.
      if (flooded) return;
      if (flood.admit()) return next();
      flooded = true;
      metrics.floods.inc();
      logger.warn(
        { socket: socket.id, userId: user.id },
        'closing a connection that floods events',
      );
      socket.disconnect(true);
    });
    void socket.join([userRoom(user.id), sessionRoom(tokenHash)]);
    this.presence.socketOpened(user);
    logger.debug({ socket: socket.id, userId: user.id }, 'socket connected');

    const context = { logger, metrics, inFlight: this.inFlight };
    onAckedEvent(
      socket,
      'room:join',
      joinRoomSchema,
      (input) => this.join(socket, input.roomId, input.after),
      context,
    );
    onAckedEvent(
      socket,
      'room:leave',
      leaveRoomSchema,
      async ({ roomId }) => {
        if (!socket.data.chatRooms.delete(roomId)) return {};
        this.catchUp.abort(roomId, socket.id);
        await this.stopTyping(socket, roomId);
        await socket.leave(roomId);
        return {};
      },
      context,
    );
    onAckedEvent(
      socket,
      'message:send',
      sendMessageSchema,
      (input) => this.send(socket, input),
      context,
    );
    onAckedEvent(
      socket,
      'typing',
      typingSchema,
      async ({ roomId, typing }) => {
        if (!socket.data.chatRooms.has(roomId))
          throw new AppError('forbidden', 'join the room first');
        if (!this.typingThrottle.shouldForward(socket.id, roomId, typing, Date.now())) return {};
        if (typing)
          await enforceRate(
            backend.rateLimiter,
            `typing:${user.id}`,
            RATE_POLICIES.typing,
            'typing signals',
          );
        await backend.broker.publishEvent({
          type: 'typing',
          roomId,
          user,
          typing,
          socketId: socket.id,
        });
        return {};
      },
      context,
    );
    onAckedEvent(
      socket,
      'room:read',
      readRoomSchema,
      async ({ roomId, messageId }) => {
        await enforceRate(
          backend.rateLimiter,
          `read:${user.id}`,
          RATE_POLICIES.readMarker,
          'read markers',
        );
        await this.deps.rooms.requireReadable(user, roomId);
        if (await backend.readState.markRead(user.id, roomId, messageId)) {
          await backend.broker.publishEvent({
            type: 'room:read',
            userId: user.id,
            roomId,
            messageId,
          });
        }
        return {};
      },
      context,
    );

    socket.on('disconnect', () => {
      metrics.connections.dec();
      this.handshakes.release(user.id);
      this.handshaking.delete(socket.conn);
      this.catchUp.forgetSocket(socket.id);
      void this.stopTyping(socket);
      this.presence.socketClosed(user);
    });
  }

  private async join(
    socket: ChatSocket,
    roomId: string,
    after: string | undefined,
  ): Promise<JoinRoomResult | AckThen<JoinRoomResult>> {
    const release = this.reserveRoomSlot(socket, roomId);
    try {
      return await this.joinWithSlot(socket, roomId, after);
    } finally {
      release();
    }
  }

  /**
   * Holds one of the socket's MAX_ROOMS_PER_SOCKET slots while a join is in progress (the join
   * then moves the room into `chatRooms`), or throws when none is free. Synchronous, before the
   * join's first await: checked after one, joins fired at once would all see the same free slot.
   */
  private reserveRoomSlot(socket: ChatSocket, roomId: string): () => void {
    const { chatRooms, joining } = socket.data;
    const max = this.deps.config.maxRoomsPerSocket;
    let used = chatRooms.size;
    for (const pending of joining.keys()) if (!chatRooms.has(pending)) used += 1;
    if (!chatRooms.has(roomId) && !joining.has(roomId) && used >= max)
      throw new AppError('rate_limited', `a connection may join at most ${max} rooms`);
    joining.set(roomId, (joining.get(roomId) ?? 0) + 1);
    return () => {
      const left = (joining.get(roomId) ?? 1) - 1;
      if (left > 0) joining.set(roomId, left);
      else joining.delete(roomId);
    };
  }

  private async joinWithSlot(
    socket: ChatSocket,
    roomId: string,
    after: string | undefined,
  ): Promise<JoinRoomResult | AckThen<JoinRoomResult>> {
    const room = await this.deps.rooms.requireReadable(socket.data.user, roomId);
    if (after === undefined) {
      await socket.join(roomId);
      socket.data.chatRooms.add(roomId);
      this.deps.metrics.roomsJoined.inc();
      return { room, missed: [] };
    }
    // Join first and hold live messages back while `missed` is read: see CatchUpTracker.
    this.catchUp.begin(roomId, socket.id);
    const wasJoined = socket.data.chatRooms.has(roomId);
    await socket.join(roomId);
    socket.data.chatRooms.add(roomId);
    let missed: Message[];
    try {
      missed = await this.deps.backend.messages.listAfter(roomId, after);
    } catch (error) {
      const held = this.catchUp.abort(roomId, socket.id);
      if (wasJoined) {
        // Still in the room: it must not lose the live messages held back during the failed read.
        for (const message of held) socket.emit('message:new', message);
      } else {
        socket.data.chatRooms.delete(roomId);
        await socket.leave(roomId);
      }
      throw error;
    }
    this.deps.metrics.roomsJoined.inc();
    // Live messages that came in during the read follow the ack, on the same socket, in order.
    const floor = missed.at(-1)?.id ?? after;
    return new AckThen({ room, missed }, () => {
      for (const message of this.catchUp.finish(roomId, socket.id, floor))
        socket.emit('message:new', message);
    });
  }

  private async send(
    socket: ChatSocket,
    input: { roomId: string; text: string; clientId: string },
  ): Promise<SendMessageResult> {
    if (!socket.data.chatRooms.has(input.roomId))
      throw new AppError('forbidden', 'join the room before sending to it');
    const { user } = socket.data;
    const rate = this.deps.config.messageRatePerSec;
    const stopTimer = this.deps.metrics.redisRoundTrip.startTimer({ op: 'append' });
    const result = await this.deps.backend.messages.append(
      {
        roomId: input.roomId,
        userId: user.id,
        username: user.username,
        text: input.text,
        clientId: input.clientId,
      },
      { ratePerSec: rate, burst: rate * 2 },
    );
    stopTimer();
    if (result.status === 'rate_limited') {
      throw new AppError('rate_limited', 'you are sending too fast', result.retryAfterMs);
    }
    if (result.status === 'stored') this.deps.metrics.messagesIn.inc();
    return { message: result.message };
  }

  /** Publishes `typing: false` for the rooms the socket was typing in (one room, or all). */
  private async stopTyping(socket: ChatSocket, roomId?: string): Promise<void> {
    const { user } = socket.data;
    for (const room of this.typingThrottle.stop(socket.id, roomId)) {
      await this.deps.backend.broker
        .publishEvent({ type: 'typing', roomId: room, user, typing: false, socketId: socket.id })
        .catch(() => {}); // Receivers expire the state by themselves anyway.
    }
  }

  /** MESSAGES → this instance's sockets in the room, exactly once each, in the room's order. */
  private relay(message: Message): void {
    const { io, metrics } = this.deps;
    const excluded = this.catchUp.route(message);
    const target = excluded
      ? io.local.to(message.roomId).except(excluded)
      : io.local.to(message.roomId);
    target.emit('message:new', message);
    metrics.messagesOut.inc();
    const storedAt = Number(message.id.slice(0, message.id.indexOf('-')));
    if (storedAt > 0) metrics.relayLag.observe(Math.max(0, Date.now() - storedAt) / 1000);
  }

  /** To the room's other sockets: everyone in it here except the socket that typed. */
  private emitTyping(roomId: string, user: User, typing: boolean, socketId: string): void {
    this.deps.io.local.to(roomId).except(socketId).emit('typing', { roomId, user, typing });
  }

  private onClusterEvent(event: ClusterEvent): void {
    const { io } = this.deps;
    switch (event.type) {
      case 'room:created':
        io.local.emit('room:created', event.room);
        return;
      case 'room:added':
        io.local.to(userRoom(event.userId)).emit('room:added', event.room);
        return;
      case 'session:revoked':
        io.local.in(sessionRoom(event.tokenHash)).disconnectSockets(true);
        return;
      case 'typing':
        if (this.typingExpiry.update(event.roomId, event.user, event.typing, event.socketId)) {
          this.emitTyping(event.roomId, event.user, event.typing, event.socketId);
        }
        return;
      case 'presence':
        this.presenceOut.push({ user: event.user, online: event.online });
        return;
      case 'room:read':
        io.local
          .to(userRoom(event.userId))
          .emit('room:read', { roomId: event.roomId, messageId: event.messageId });
        return;
    }
  }
}

/** The connect_error message a refused handshake gets (PROTOCOL.md: `unauthorized`, plus extensions). */
function handshakeErrorMessage(error: unknown): string {
  if (error instanceof BackendUnavailableError) return 'unavailable';
  if (error instanceof HandshakeRefused) return error.message;
  return 'unauthorized';
}
