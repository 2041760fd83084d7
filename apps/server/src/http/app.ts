import cors from '@fastify/cors';
import Fastify, {
  LogController,
  type FastifyBaseLogger,
  type FastifyError,
  type FastifyInstance,
} from 'fastify';
import type { Logger } from 'pino';
import { LIMITS } from '@chat/shared';
import { AppError, BackendUnavailableError, toErrorBody } from '../chat/app-error';
import type { Metrics } from '../metrics';
import type { Backend } from '../ports';
import type { Accounts } from '../services/accounts';
import type { Rooms } from '../services/rooms';
import { registerAuthRoutes } from './auth-routes';
import { registerDebugRoutes } from './debug-routes';
import { registerHealthRoutes } from './health-routes';
import { registerRoomRoutes } from './room-routes';

export interface HttpDeps {
  accounts: Accounts;
  rooms: Rooms;
  backend: Backend;
  metrics: Metrics;
  logger: Logger;
  corsOrigins: string[];
  instanceId: string;
  /** Test-only fault hooks (CHAT_DEBUG_HOOKS). */
  debugHooks: boolean;
  /** Fastify's trustProxy: whose X-Forwarded-For to believe for the client address. */
  trustProxy: boolean | string;
  /** True once the instance is shutting down: /readyz answers 503. */
  isDraining: () => boolean;
}

/** The HTTP API of PROTOCOL.md: JSON in, JSON out, every failure as `{ error: { code, message } }`. */
export async function buildHttpApp(deps: HttpDeps): Promise<FastifyInstance> {
  const app = Fastify({
    // pino's Logger is a FastifyBaseLogger; the cast keeps the instance's type the default one.
    loggerInstance: deps.logger.child({ component: 'http' }) as FastifyBaseLogger,
    // One line per meaningful event: no line per request.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: LIMITS.httpBodyBytes,
    trustProxy: deps.trustProxy,
    // Proto-poisoning keys are refused (400) rather than stripped.
    onProtoPoisoning: 'error',
    onConstructorPoisoning: 'error',
  });

  // An empty body sent as JSON (a logout from some HTTP clients) is "no body", not an error.
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = body.toString();
    if (text === '') return done(null, undefined);
    parseJson(request, text, done);
  });

  await app.register(cors, {
    origin: (origin, callback) => callback(null, !origin || deps.corsOrigins.includes(origin)),
    credentials: true,
  });

  app.setErrorHandler((error: FastifyError | Error, request, reply) => {
    const { status, body } = describeHttpError(error);
    deps.metrics.errors.inc({ code: body.code });
    if (status >= 500 && status !== 503)
      request.log.error({ err: error, url: request.url }, 'request failed');
    if (body.retryAfterMs !== undefined)
      void reply.header('retry-after', Math.ceil(body.retryAfterMs / 1000));
    void reply.status(status).send({ error: body });
  });
  app.setNotFoundHandler((_request, reply) => {
    void reply.status(404).send({ error: { code: 'not_found', message: 'no such endpoint' } });
  });

  registerHealthRoutes(app, deps);
  registerAuthRoutes(app, deps);
  registerRoomRoutes(app, deps);
  if (deps.debugHooks) registerDebugRoutes(app);
  return app;
}

function describeHttpError(error: FastifyError | Error) {
  if (error instanceof AppError) return { status: error.status, body: error.toBody() };
  if (error instanceof BackendUnavailableError) return { status: 503, body: toErrorBody(error) };
  const code = 'code' in error ? error.code : undefined;
  if (code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
    return {
      status: 413,
      body: { code: 'payload_too_large' as const, message: 'request body is over 64 KiB' },
    };
  }
  const statusCode = 'statusCode' in error ? error.statusCode : undefined;
  if (typeof statusCode === 'number' && statusCode >= 400 && statusCode < 500) {
    // Fastify's own client errors: malformed JSON, wrong content type, poisoned keys.
    return {
      status: 400,
      body: { code: 'invalid_input' as const, message: 'malformed request body' },
    };
  }
  return { status: 500, body: toErrorBody(error) };
}
