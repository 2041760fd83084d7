import { ServerResponse, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { Server } from 'socket.io';
import { LIMITS } from '@chat/shared';
import { trustFunction } from './chat/client-address';
import { IN_MEMORY, type Config } from './config';
import { createEmbeddedBackend } from './embedded/backend';
import { buildHttpApp } from './http/app';
import { createLogger } from './logger';
import { createMetrics, type Metrics } from './metrics';
import type { Backend } from './ports';
import { createRedisBackend } from './redis/backend';
import { applyRateLimitsSetting } from './services/rate-limits';
import { createServices } from './services/services';
import { CorkingEngine } from './socket/corking-engine';
import { SocketService } from './socket/socket-service';
import type { ChatIoServer } from './socket/types';

export interface ChatServer {
  config: Config;
  logger: Logger;
  metrics: Metrics;
  backend: Backend;
  io: ChatIoServer;
  /** Starts accepting connections; resolves with the port. */
  listen(): Promise<number>;
  /** The port it listens on (after listen). */
  port(): number;
  /**
   * Graceful stop: /readyz turns 503, new connections are refused, every
   * socket is told to go (clients reconnect elsewhere), in-flight requests
   * finish, then the backend connections close.
   */
  close(): Promise<void>;
}

/**
 * The composition root: picks the Redis backend when REDIS_URL is set (any
 * number of instances) or the embedded one (a single instance, its state in DATA_DIR),
 * and wires HTTP, Socket.IO and the relay onto it.
 */
export async function createChatServer(
  config: Config,
  options: { logger?: Logger } = {},
): Promise<ChatServer> {
  const logger = options.logger ?? createLogger(config);
  const metrics = createMetrics(config.instanceId);
  const backend = config.redisUrl
    ? createRedisBackend(config, logger, {
        onDropped: (channel, reason) => {
          metrics.dropped.inc({ channel });
          logger.warn({ channel, reason }, 'dropped a pub/sub payload that is not ours');
        },
        onInbound: (kind) => metrics.pubsubInbound.inc({ kind }),
      })
    : createEmbeddedBackend(config);
  await backend.start();
  // Every rate policy goes through this one limiter, so RATE_LIMITS applies to each of them.
  backend.rateLimiter = applyRateLimitsSetting(backend.rateLimiter, config.rateLimits);

  let draining = false;
  const services = createServices(backend, config, metrics, logger);
  const app = await buildHttpApp({
    services,
    backend,
    metrics,
    logger,
    corsOrigins: config.corsOrigins,
    sessionTtlSec: config.sessionTtlSec,
    instanceId: config.instanceId,
    debugHooks: config.debugHooks,
    trustProxy: trustFunction(config.trustProxy),
    isDraining: () => draining,
  });

  const socketOptions = {
    serveClient: false,
    maxHttpBufferSize: LIMITS.httpBodyBytes,
    cors: { origin: config.corsOrigins, credentials: true },
    allowRequest: (_request: IncomingMessage, callback: (error: null, ok: boolean) => void) =>
      callback(null, !draining),
  };
  const io: ChatIoServer = new Server(socketOptions);
  // What `new Server(httpServer, options)` does, with our engine: see CorkingEngine.
  const engineOptions = { ...socketOptions, path: '/socket.io' };
  const engine = new CorkingEngine(engineOptions);
  engine.attach(app.server, engineOptions);
  io.bind(engine);
  // Browsers always send Origin; a page on a foreign site must not open a socket, nor use one
  // opened elsewhere. Exact match only. Checked on every Engine.IO request (a middleware), not
  // only on the handshake (allowRequest), so polling requests and upgrades that carry a
  // session id are checked too.
  io.engine.use(
    (request: IncomingMessage, response: ServerResponse, next: (error?: Error) => void) => {
      const origin = request.headers.origin;
      if (origin === undefined || config.corsOrigins.includes(origin)) return next();
      // A middleware's error gets a 400; answer polling requests with the 403 of a refused
      // handshake instead. An upgrade has no HTTP response object: Engine.IO answers it with 400.
      if (response instanceof ServerResponse) {
        response.writeHead(403, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ code: 4, message: 'Forbidden' })); // Engine.IO's FORBIDDEN
      }
      next(new Error('origin not allowed'));
    },
  );
  const sockets = new SocketService({ io, services, backend, config, metrics, logger });
  await sockets.start();

  let closing: Promise<void> | undefined;
  const server: ChatServer = {
    config,
    logger,
    metrics,
    backend,
    io,
    async listen() {
      await app.listen({ port: config.port, host: config.host });
      const port = server.port();
      if (config.debugHooks)
        logger.warn('CHAT_DEBUG_HOOKS is on: test-only fault hooks are exposed');
      if (config.trustProxy === true) {
        logger.warn(
          'TRUST_PROXY=true trusts every peer: a client that reaches this port directly picks the address ' +
            'its per-address limits charge. Set TRUST_PROXY to the addresses or CIDRs of your proxies instead.',
        );
      }
      if (backend.kind === 'embedded') {
        const kept =
          config.dataDir === IN_MEMORY
            ? "DATA_DIR=:memory:, so users, rooms and messages live in this process's memory and are lost on exit"
            : `accounts, sessions, rooms, history and read state are kept in ${config.dataDir} (delete that folder to start afresh)`;
        logger.warn(
          { dataDir: config.dataDir },
          `embedded mode: no REDIS_URL; ${kept}; this instance cannot share chat with others. ` +
            'To scale out, start Redis and set REDIS_URL=redis://localhost:6379 on every instance.',
        );
      }
      logger.info({ port, backend: backend.kind }, 'listening');
      return port;
    },
    port() {
      return (app.server.address() as AddressInfo | null)?.port ?? 0;
    },
    close() {
      closing ??= (async () => {
        draining = true;
        await sockets.stop();
        await io.close();
        await app.close();
        await backend.close();
        logger.info('stopped');
      })();
      return closing;
    },
  };
  return server;
}
