import type { FastifyInstance } from 'fastify';
import { credentialsSchema, type AuthResponse, type MeResponse } from '@chat/shared';
import type { HttpDeps } from './app';
import { requireIdentity } from './authenticate';
import { parseInput } from './validate';

export function registerAuthRoutes(app: FastifyInstance, { services }: HttpDeps): void {
  const { accounts } = services;
  app.post('/api/auth/register', async (request, reply): Promise<AuthResponse> => {
    const session = await accounts.register(parseInput(credentialsSchema, request.body));
    void reply.status(201);
    return session;
  });

  app.post('/api/auth/login', async (request): Promise<AuthResponse> => {
    return accounts.login(parseInput(credentialsSchema, request.body), request.ip);
  });

  app.post('/api/auth/logout', async (request, reply) => {
    const identity = await requireIdentity(accounts, request);
    await accounts.logout(identity);
    void reply.status(204);
  });

  app.get('/api/me', async (request): Promise<MeResponse> => {
    const { user } = await requireIdentity(accounts, request);
    return { user };
  });
}
