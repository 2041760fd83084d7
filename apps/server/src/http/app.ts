import cors from '@fastify/cors';
import Fastify, {
  LogController,
  type FastifyBaseLogger,
  type FastifyError,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
} from 'fastify';
import type { Logger } from 'pino';
import { LIMITS } from '@chat/shared';
import { AppError, BackendUnavailableError, toErrorBody } from '../chat/app-error';
import type { TrustFunction } from '../chat/client-address';
import type { Metrics } from '../metrics';
import type { Backend } from '../ports';
import type { Services } from '../services/services';
import { registerAuthRoutes } from './auth-routes';
import { registerDebugRoutes } from './debug-routes';
import { registerHealthRoutes } from './health-routes';
import { registerMembershipRoutes } from './membership-routes';
import { registerRoomRoutes } from './room-routes';
import { registerSearchRoutes } from './search-routes';
import { guardCookieRequests } from './session-cookie';

export interface HttpDeps {
  services: Services;
  /** For /readyz only: routes reach the stores through services. */
  backend: Pick<Backend, 'health'>;
  metrics: Metrics;
  logger: Logger;
  corsOrigins: string[];
  /** SESSION_TTL_SEC: how long a session cookie is kept (the server may end the session sooner). */
  sessionTtlSec: number;
  instanceId: string;
  /** Test-only fault hooks (CHAT_DEBUG_HOOKS). */
  debugHooks: boolean;
  /** Whose X-Forwarded-For to believe: `request.ip` is chat/client-address.ts's client address. */
  trustProxy: TrustFunction;
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
    routerOptions: {
      // Above Node's 16 KiB request-line limit, so an over-long room id always reaches its route:
      // the token is checked first (401), then the id (400), as for any other bad id.
      maxParamLength: 16 * 1024,
    },
    // Errors raised before routing (a URL with broken percent-encoding) get the protocol's error
    // body too, not Fastify's own.
    frameworkErrors: (error, request, reply) => sendError(deps, error, request, reply),
  });

  // JSON only: any other content type (Fastify also parses text/plain by default) is refused as
  // a malformed body. An empty body sent as JSON (a logout from some HTTP clients) is "no body".
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = body.toString();
    if (text === '') return done(null, undefined);
    parseJson(request, text, done);
  });

  await app.register(cors, {
    origin: (origin, callback) => callback(null, !origin || deps.corsOrigins.includes(origin)),
    credentials: true,
  });
  guardCookieRequests(app, deps.corsOrigins);

  app.setErrorHandler((error: FastifyError | Error, request, reply) =>
    sendError(deps, error, request, reply),
  );
  app.setNotFoundHandler((_request, reply) => {
    void reply.status(404).send({ error: { code: 'not_found', message: 'no such endpoint' } });
  });

  registerHealthRoutes(app, deps);
  registerAuthRoutes(app, deps);
  registerRoomRoutes(app, deps);
  registerSearchRoutes(app, deps);
  registerMembershipRoutes(app, deps);
  if (deps.debugHooks) registerDebugRoutes(app);
  return app;
}

/** Every failure, from a route or from Fastify itself, as `{ error: { code, message } }`. */
function sendError(
  deps: HttpDeps,
  error: FastifyError | Error,
  request: FastifyRequest,
  reply: FastifyReply,
): void {
  const { status, body } = describeHttpError(error);
  deps.metrics.errors.inc({ code: body.code });
  if (status >= 500 && status !== 503)
    request.log.error({ err: error, url: request.url }, 'request failed');
  if (body.retryAfterMs !== undefined)
    void reply.header('retry-after', Math.ceil(body.retryAfterMs / 1000));
  void reply.status(status).send({ error: body });
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
    // Fastify's own client errors: malformed JSON, wrong content type, poisoned keys, a URL
    // that does not decode.
    const message = code === 'FST_ERR_BAD_URL' ? 'malformed URL' : 'malformed request body';
    return { status: 400, body: { code: 'invalid_input' as const, message } };
  }
  return { status: 500, body: toErrorBody(error) };
}
