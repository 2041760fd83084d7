import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import {
  changePasswordSchema,
  credentialsSchema,
  type AuthResponse,
  type CookieAuthResponse,
  type MeResponse,
} from '@chat/shared';
import { sessionCookieToken } from '../chat/tokens';
import type { Session } from '../services/accounts';
import type { HttpDeps } from './app';
import { requireIdentity } from './authenticate';
import { clearSessionCookie, setSessionCookie, wantsCookieSession } from './session-cookie';
import { parseInput } from './validate';

/** A response that carries a token is never stored by a browser or a proxy. */
function noStore(reply: FastifyReply): void {
  void reply.header('cache-control', 'no-store');
}

export function registerAuthRoutes(
  app: FastifyInstance,
  { services, sessionTtlSec }: HttpDeps,
): void {
  const { accounts } = services;

  /**
   * The new session as v1 has it (token in the body), or in cookie mode as the cookie alone: a
   * token in the body would be readable by any script that runs in the page.
   */
  function answer(
    request: FastifyRequest,
    reply: FastifyReply,
    session: Session,
  ): AuthResponse | CookieAuthResponse {
    if (!wantsCookieSession(request)) return session;
    setSessionCookie(request, reply, session.token, sessionTtlSec);
    return { user: session.user };
  }

  /** A session that ended is dropped from the browser too, when it came as the cookie. */
  function forgetCookie(request: FastifyRequest, reply: FastifyReply): void {
    if (wantsCookieSession(request) || sessionCookieToken(request.headers.cookie) !== undefined)
      clearSessionCookie(request, reply);
  }

  app.post('/api/auth/register', async (request, reply) => {
    noStore(reply);
    const session = await accounts.register(
      parseInput(credentialsSchema, request.body),
      request.ip,
    );
    void reply.status(201);
    return answer(request, reply, session);
  });

  app.post('/api/auth/login', async (request, reply) => {
    noStore(reply);
    const session = await accounts.login(parseInput(credentialsSchema, request.body), request.ip);
    return answer(request, reply, session);
  });

  app.post('/api/auth/logout', async (request, reply) => {
    const identity = await requireIdentity(accounts, request);
    await accounts.logout(identity);
    forgetCookie(request, reply);
    void reply.status(204);
  });

  app.post('/api/auth/logout-all', async (request, reply) => {
    const identity = await requireIdentity(accounts, request);
    await accounts.logoutAll(identity);
    forgetCookie(request, reply);
    void reply.status(204);
  });

  app.post('/api/auth/password', async (request, reply) => {
    const identity = await requireIdentity(accounts, request);
    const body = parseInput(changePasswordSchema, request.body);
    await accounts.changePassword(identity, body, request.ip);
    void reply.status(204);
  });

  app.get('/api/me', async (request): Promise<MeResponse> => {
    const { user } = await requireIdentity(accounts, request);
    return { user };
  });
}
