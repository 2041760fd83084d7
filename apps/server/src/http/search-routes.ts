import type { FastifyInstance } from 'fastify';
import { searchQuerySchema, type SearchResponse } from '@chat/shared';
import type { HttpDeps } from './app';
import { requireIdentity } from './authenticate';
import { parseInput } from './validate';

/** `GET /api/search` (protocol v1.1): 401 first, then 400 for a bad query, then the search's own answers. */
export function registerSearchRoutes(app: FastifyInstance, { services }: HttpDeps): void {
  const { accounts, search } = services;
  app.get('/api/search', async (request): Promise<SearchResponse> => {
    const { user } = await requireIdentity(accounts, request);
    const { q, roomId, limit, before } = parseInput(searchQuerySchema, request.query);
    return search.search(user, { q, roomId, limit, before });
  });
}
