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
  /** (extension) More rooms follow: pass it as `?cursor=` for the next page. Absent on the last page. */
  nextCursor?: string;
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
