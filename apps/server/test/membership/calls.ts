import type { MembersResponse, RoomResponse, RoomsResponse } from '@chat/shared';
import { http } from '../support/clients';

/* The HTTP calls the membership suites make, by what they mean. */

export const members = (url: string, token: string | undefined, roomId: string) =>
  http<MembersResponse>(url, 'GET', `/api/rooms/${roomId}/members`, { token });

export const leave = (url: string, token: string | undefined, roomId: string) =>
  http(url, 'POST', `/api/rooms/${roomId}/leave`, { token });

export const addMember = (url: string, token: string, roomId: string, username: string) =>
  http(url, 'POST', `/api/rooms/${roomId}/members`, { token, body: { username } });

export const openDm = async (url: string, token: string, username: string) =>
  (await http<RoomResponse>(url, 'POST', '/api/dms', { token, body: { username } })).body.room;

/** The ids of every room in the caller's list (`GET /api/rooms`, one page). */
export const listedRoomIds = async (url: string, token: string) =>
  (await http<RoomsResponse>(url, 'GET', '/api/rooms', { token })).body.rooms.map(
    (room) => room.id,
  );
