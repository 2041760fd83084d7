import type { FastifyInstance } from 'fastify';
import { idSchema, type MembersResponse } from '@chat/shared';
import type { HttpDeps } from './app';
import { requireIdentity } from './authenticate';
import { parseInput } from './validate';

/**
 * Issue 14 (protocol v1.1): `GET /api/rooms/:id/members` and `POST /api/rooms/:id/leave`.
 * 401 first, then the room's id, then services/membership.ts's answers (404, 403, 429).
 */
export function registerMembershipRoutes(app: FastifyInstance, { services }: HttpDeps): void {
  const { accounts, membership } = services;
  app.get<{ Params: { id: string } }>(
    '/api/rooms/:id/members',
    async (request): Promise<MembersResponse> => {
      const { user } = await requireIdentity(accounts, request);
      const roomId = parseInput(idSchema, request.params.id);
      return membership.members(user, roomId);
    },
  );

  app.post<{ Params: { id: string } }>('/api/rooms/:id/leave', async (request, reply) => {
    const { user } = await requireIdentity(accounts, request);
    const roomId = parseInput(idSchema, request.params.id);
    await membership.leave(user, roomId);
    void reply.status(204);
  });
}
