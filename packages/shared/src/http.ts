import type { Message, Room, RoomSummary, User } from './models';

/** Response bodies of the HTTP API. Failures are `ErrorResponse`. */
export interface AuthResponse {
  user: User;
  token: string;
}
export interface MeResponse {
  user: User;
}
export interface RoomsResponse {
  rooms: RoomSummary[];
}
export interface RoomResponse {
  room: Room;
}
export interface HistoryResponse {
  messages: Message[];
  hasMore: boolean;
}
export interface PresenceResponse {
  online: User[];
}
