import type { FastifyInstance } from 'fastify';
import {
  addMemberSchema,
  createDmSchema,
  createRoomSchema,
  historyQuerySchema,
  idSchema,
  roomsQuerySchema,
  type HistoryResponse,
  type PresenceResponse,
  type RoomResponse,
  type RoomsResponse,
} from '@chat/shared';
import type { HttpDeps } from './app';
import { requireIdentity } from './authenticate';
import { parseInput } from './validate';

export function registerRoomRoutes(app: FastifyInstance, { services }: HttpDeps): void {
  const { accounts, rooms, onlineList } = services;
  app.get('/api/rooms', async (request): Promise<RoomsResponse> => {
    const { user } = await requireIdentity(accounts, request);
    const { cursor, limit } = parseInput(roomsQuerySchema, request.query);
    return rooms.listFor(user, { cursor, limit });
  });

  app.post('/api/rooms', async (request, reply): Promise<RoomResponse> => {
    const { user } = await requireIdentity(accounts, request);
    const { name, kind } = parseInput(createRoomSchema, request.body);
    const room = await rooms.create(user, name, kind);
    void reply.status(201);
    return { room };
  });

  app.post<{ Params: { id: string } }>('/api/rooms/:id/members', async (request, reply) => {
    const { user } = await requireIdentity(accounts, request);
    const roomId = parseInput(idSchema, request.params.id);
    const { username } = parseInput(addMemberSchema, request.body);
    await rooms.addMember(user, roomId, username);
    void reply.status(204);
  });

  app.post('/api/dms', async (request): Promise<RoomResponse> => {
    const { user } = await requireIdentity(accounts, request);
    const { username } = parseInput(createDmSchema, request.body);
    return { room: await rooms.openDm(user, username) };
  });

  app.get<{ Params: { id: string } }>(
    '/api/rooms/:id/messages',
    async (request): Promise<HistoryResponse> => {
      const { user } = await requireIdentity(accounts, request);
      const roomId = parseInput(idSchema, request.params.id);
      const { after, before, limit, from } = parseInput(historyQuerySchema, request.query);
      return rooms.history(user, roomId, { after, before, limit, from });
    },
  );

  app.get('/api/presence', async (request): Promise<PresenceResponse> => {
    const { user } = await requireIdentity(accounts, request);
    return { online: await onlineList.list(user) };
  });
}
