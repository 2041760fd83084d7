import type { Logger } from 'pino';
import type { Config } from '../config';
import type { Metrics } from '../metrics';
import type { Backend } from '../ports';
import type { Services } from '../services/services';
import { EventListeners } from './ack-handler';
import { Admission } from './admission';
import { CatchUpTracker } from './catch-up';
import { ConnectionCaps } from './connection-caps';
import { everyEventListener, type EveryEventListener } from './every-event';
import { FloodGuards } from './event-flood-guard';
import { EventRelay } from './event-relay';
import { createEventHandlers } from './handlers';
import { HandshakeGuard } from './handshake-guard';
import { HiddenDmWatch } from './hidden-dm-watch';
import { InFlight } from './in-flight';
import { joinedRooms, joinsInProgress } from './joined-rooms';
import { LiveInterestCounts } from './live-interest';
import { MessageRelay } from './relay';
import { HandshakeRequestRelease } from './release-handshake-request';
import { RoomJoins } from './room-joins';
import { RoomRemovals } from './room-removals';
import { SessionExpiry } from './session-expiry';
import { SlowConsumerGuard } from './slow-consumers';
import { TypingThrottle } from './typing';
import type { HiddenDm } from '../services/hidden-dms';
import { TypingSignals } from './typing-signals';
import { sessionRoom, userRoom, type ChatIoServer, type ChatSocket } from './types';

export interface SocketServiceDeps {
  io: ChatIoServer;
  services: Services;
  backend: Pick<Backend, 'messageLog' | 'eventBus' | 'rateLimiter' | 'interest'>;
  config: Config;
  metrics: Metrics;
  logger: Logger;
}

/**
 * The real-time side of one instance, composed of one part per concern:
 * Admission (handshakes), the event handlers (client events → services/),
 * MessageRelay (MESSAGES → local sockets) and EventRelay (EVENTS → local
 * sockets). Every message a client sends is stored and published in one step
 * (MessageLog.append); every message in the log, from any instance including
 * this one, reaches this instance's sockets in the room. No instance talks
 * to another directly.
 */
export class SocketService {
  private readonly inFlight = new InFlight();
  private readonly handshakeRequests = new HandshakeRequestRelease();
  private readonly catchUp = new CatchUpTracker();
  private readonly admission: Admission;
  private readonly typing: TypingSignals;
  private readonly slowConsumers: SlowConsumerGuard;
  private readonly events: EventRelay;
  private readonly sessionExpiry: SessionExpiry;
  private readonly floods: FloodGuards;
  /** The onAny listener of every socket (flood guard, session use, handlers): see every-event.ts. */
  private readonly everyEvent: EveryEventListener;
  /** The 'disconnect' listener of every socket (`this` is the socket): no closure per socket. */
  private readonly disconnected: (this: ChatSocket) => void;
  private readonly hiddenDmWatch: HiddenDmWatch;
  /** Issue 15: the rooms and users this instance must hear, from its sockets. */
  private readonly interest: LiveInterestCounts;
  /** Issue 14: each admitted socket's user's hidden DMs, read during its handshake. */
  private readonly hiddenAtHandshake = new WeakMap<ChatSocket, HiddenDm[]>();

  constructor(private readonly deps: SocketServiceDeps) {
    const { io, services, backend, config, logger, metrics } = deps;
    // RATE_LIMITS=off lifts the per-user and per-address connection limits, not the instance's.
    const perClient = (max: number) => (config.rateLimits === 'on' ? max : Infinity);
    this.interest = new LiveInterestCounts(
      backend.interest,
      config.interestGraceMs,
      logger,
      (kind, count) => metrics.watched.set({ kind: `${kind}s` }, count),
    );
    this.admission = new Admission(
      services.accounts,
      new HandshakeGuard(backend.rateLimiter, {
        maxSocketsPerUser: perClient(config.maxSocketsPerUser),
        trustProxy: config.trustProxy,
      }),
      new ConnectionCaps({
        maxConnections: config.maxConnections,
        maxPerAddress: perClient(config.maxConnectionsPerAddress),
        onRefused: (reason) => metrics.connectionsRefused.inc({ reason }),
      }),
      logger,
      // The user's events are heard before the client hears `connect` (none missed after it).
      // Not started before the handshake is admitted: a refused one must subscribe to nothing.
      (socket) => this.interest.holdUser(socket.id, socket.data.user.id),
      (socket) => this.interest.releaseUser(socket.id, socket.data.user.id),
      // Issue 16: a read, so it goes with the user lookup rather than one round trip after it.
      (socket, userId) => this.readHiddenDms(socket, userId),
    );
    this.typing = new TypingSignals(
      new TypingThrottle(Math.floor(config.typingTtlMs / 3)),
      services.typing,
    );
    const roomJoins = new RoomJoins(
      services.rooms,
      services.messaging,
      this.catchUp,
      metrics,
      config.maxRoomsPerSocket,
      this.interest,
    );
    const listeners = new EventListeners(createEventHandlers(services, roomJoins, this.typing), {
      logger,
      metrics,
      inFlight: this.inFlight,
    });
    this.slowConsumers = new SlowConsumerGuard(io, config.maxSocketBufferBytes, metrics, logger);
    this.hiddenDmWatch = new HiddenDmWatch(io, this.interest);
    this.events = new EventRelay(
      io,
      config.typingTtlMs,
      new RoomRemovals(io, roomJoins, this.typing, this.hiddenDmWatch),
    );
    this.sessionExpiry = new SessionExpiry(services.accounts, config.sessionIdleTtlSec);
    this.floods = new FloodGuards(config.socketEventsPerSec, metrics, logger);
    this.everyEvent = everyEventListener(this.floods, this.sessionExpiry, listeners);
    const onDisconnect = (socket: ChatSocket) => this.onDisconnect(socket);
    this.disconnected = function (this: ChatSocket) {
      onDisconnect(this);
    };
    const messages = new MessageRelay(io, this.catchUp, metrics, this.hiddenDmWatch);

    this.admission.attach(io);
    this.handshakeRequests.attach(io);
    io.on('connection', (socket) => this.onConnection(socket));
    backend.messageLog.onMessage((message) => messages.relay(message));
    backend.messageLog.onUpdate((update) => messages.relayUpdate(update));
    backend.eventBus.onEvent((event) => {
      if (event.type === 'presence') services.onlineList.changed();
      this.events.relay(event);
    });
    // In Redis mode both channels share one subscriber connection, so one reconnect reports a
    // resync on each: close the transports once per break, after both have been told.
    let closing = false;
    const resync = (channel: string) => () => {
      logger.warn(
        { channel },
        'pub/sub subscription restored: asking local clients to reconnect and catch up',
      );
      if (closing) return;
      closing = true;
      queueMicrotask(() => {
        closing = false;
        this.closeTransports();
      });
    };
    backend.messageLog.onResync(resync('MESSAGES'));
    backend.eventBus.onResync(() => {
      services.onlineList.changed();
      resync('EVENTS')();
    });
  }

  start(): Promise<void> {
    this.slowConsumers.start();
    return this.deps.services.presence.start();
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
    this.events.clear();
    this.hiddenDmWatch.clear();
    this.interest.clear();
    await this.deps.services.presence.stop();
  }

  /**
   * Closes every local connection at the transport level. Clients see
   * "transport close", which (unlike a server-side disconnect) makes Socket.IO
   * clients reconnect by themselves and rejoin their rooms with `after`.
   */
  private closeTransports(): void {
    for (const socket of this.deps.io.of('/').sockets.values()) socket.conn.close();
  }

  private onConnection(socket: ChatSocket): void {
    const { metrics, logger, services } = this.deps;
    const { user, tokenHash } = socket.data;
    metrics.connections.inc();
    this.handshakeRequests.release(socket);
    this.floods.watch(socket);
    this.sessionExpiry.watch(socket);
    socket.onAny(this.everyEvent);
    void socket.join([userRoom(user.id), sessionRoom(tokenHash)]);
    for (const { room, upTo } of this.hiddenAtHandshake.get(socket) ?? [])
      this.hiddenDmWatch.watch(user.id, room, upTo);
    this.hiddenAtHandshake.delete(socket);
    services.presence.socketOpened(user);
    logger.debug({ socket: socket.id, userId: user.id }, 'socket connected');

    socket.on('disconnect', this.disconnected);
  }

  private onDisconnect(socket: ChatSocket): void {
    const { metrics, services } = this.deps;
    const { user } = socket.data;
    metrics.connections.dec();
    this.sessionExpiry.forget(socket);
    this.admission.release(socket);
    this.catchUp.forgetSocket(socket.id);
    this.interest.releaseUser(socket.id, user.id);
    for (const roomId of new Set([...joinedRooms(socket), ...joinsInProgress(socket).keys()]))
      this.interest.releaseRoom(socket.id, roomId);
    void this.typing.stop(socket);
    if (this.socketsOf(user.id) === 0) this.hiddenDmWatch.forgetUser(user.id);
    services.presence.socketClosed(user);
  }

  /** How many sockets the user has on this instance. */
  private socketsOf(userId: string): number {
    return this.deps.io.of('/').adapter.rooms.get(userRoom(userId))?.size ?? 0;
  }

  /**
   * Issue 14: the DMs the user hid (on any instance, at any time before) are watched for this
   * socket from its first moment (HiddenDmWatch), so one coming back is announced to it too.
   * Read during the handshake, so the watch is in place before the client hears `connect`:
   * one read of the user's marks (an empty hash for most users). A failed read only costs
   * that announcement (the list shows the DM again by itself), never the connection.
   */
  private async readHiddenDms(socket: ChatSocket, userId: string): Promise<void> {
    const { services, logger } = this.deps;
    try {
      const hidden = await services.hiddenDms.stillHidden(userId);
      if (hidden.length > 0) this.hiddenAtHandshake.set(socket, hidden);
    } catch (error) {
      logger.warn({ err: error, userId }, 'could not read hidden DMs to watch');
    }
  }
}
