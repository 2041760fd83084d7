import type { Message, Room, RoomSummary, User } from './models';

/** Response bodies of the HTTP API. Failures are `ErrorResponse`. */
export interface AuthResponse {
  user: User;
  token: string;
}
/**
 * (extension) Cookie mode: what register and login answer to a request with
 * `X-Chat-Session: cookie`. The token travels only in the httpOnly
 * `chat_session` cookie, never in a body a script can read.
 */
export type CookieAuthResponse = Omit<AuthResponse, 'token'>;

/**
 * (extension) Cookie mode, for a web app served from the API's own origin: the
 * request header that asks for it, and that every cookie-authenticated
 * state-changing request must carry (a cross-site form cannot send it).
 */
export const SESSION_MODE_HEADER = 'x-chat-session';
export const SESSION_MODE_COOKIE = 'cookie';
/** (extension) The httpOnly, SameSite=Strict cookie that holds the token in cookie mode. */
export const SESSION_COOKIE = 'chat_session';

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
/** Protocol v1.1 `GET /api/search`: matches newest first; `hasMore` when older ones follow (pass the last id as `before`). */
export interface SearchResponse {
  messages: Message[];
  hasMore: boolean;
}
/** Protocol v1.1 `GET /api/rooms/:id/members`. */
export interface MembersResponse {
  members: User[];
}
export interface PresenceResponse {
  online: User[];
}
