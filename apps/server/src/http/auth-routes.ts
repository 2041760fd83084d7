import type { FastifyInstance, FastifyReply } from 'fastify';
import {
  changePasswordSchema,
  credentialsSchema,
  type AuthResponse,
  type MeResponse,
} from '@chat/shared';
import type { HttpDeps } from './app';
import { requireIdentity } from './authenticate';
import { parseInput } from './validate';

/** A response that carries a token is never stored by a browser or a proxy. */
function noStore(reply: FastifyReply): void {
  void reply.header('cache-control', 'no-store');
}

export function registerAuthRoutes(app: FastifyInstance, { services }: HttpDeps): void {
  const { accounts } = services;
  app.post('/api/auth/register', async (request, reply): Promise<AuthResponse> => {
    noStore(reply);
    const session = await accounts.register(
      parseInput(credentialsSchema, request.body),
      request.ip,
    );
    void reply.status(201);
    return session;
  });

  app.post('/api/auth/login', async (request, reply): Promise<AuthResponse> => {
    noStore(reply);
    return accounts.login(parseInput(credentialsSchema, request.body), request.ip);
  });

  app.post('/api/auth/logout', async (request, reply) => {
    const identity = await requireIdentity(accounts, request);
    await accounts.logout(identity);
    void reply.status(204);
  });

  app.post('/api/auth/logout-all', async (request, reply) => {
    const identity = await requireIdentity(accounts, request);
    await accounts.logoutAll(identity);
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
