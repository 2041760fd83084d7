import {
  isErrorCode,
  type AddMemberBody,
  type AuthResponse,
  type CookieAuthResponse,
  type CreateDmBody,
  type CreateRoomBody,
  type Credentials,
  type ErrorCode,
  type HistoryQuery,
  type HistoryResponse,
  type MeResponse,
  type MembersResponse,
  type PresenceResponse,
  type RoomResponse,
  type RoomsResponse,
  type SearchQuery,
  type SearchResponse,
  SESSION_MODE_COOKIE,
  SESSION_MODE_HEADER,
} from '@chat/shared';
import { capitalize } from './text';

/**
 * A page of `GET /api/rooms/:id/messages`: the shared query, with a numeric limit. `from:
 * 'oldest'` (extension) gives the oldest `limit` messages after `after`, to page forward.
 */
export type HistoryPage = Pick<HistoryQuery, 'after' | 'before' | 'from'> & { limit?: number };

/** A page of `GET /api/search`: the shared query, with a numeric limit. */
export type SearchPage = Pick<SearchQuery, 'q' | 'roomId' | 'before'> & { limit?: number };

/** Protocol error codes, plus the two failures that never reach the server's error handler. */
export type ApiErrorCode = ErrorCode | 'network_error' | 'bad_response';

/** A failed HTTP call: the server's `{ error: { code, message } }`, or a network failure (status 0). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: ApiErrorCode,
    message: string,
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export function isApiError(error: unknown): error is ApiError {
  return error instanceof ApiError;
}

/** A message fit to show a user, whatever was thrown. */
export function errorMessage(error: unknown): string {
  if (error instanceof ApiError) {
    const text = capitalize(error.message);
    if (error.code === 'rate_limited' && error.retryAfterMs !== undefined) {
      const seconds = Math.max(1, Math.ceil(error.retryAfterMs / 1000));
      return `${withStop(text)} Try again in ${seconds} s.`;
    }
    return text;
  }
  return 'Something went wrong, please try again';
}

function withStop(text: string): string {
  return /[.!?]$/.test(text) ? text : `${text}.`;
}

export interface ApiClientOptions {
  /** The server's base URL; `''` means the page's own origin. */
  baseUrl: string;
  /**
   * Cookie mode (PROTOCOL.md): calls go with the page's cookies (`credentials: 'same-origin'`)
   * and `X-Chat-Session: cookie`, never an Authorization header; register and login answer
   * without a token. Default false: the v1 bearer token.
   */
  cookieSession?: boolean;
  /** The current session's token, sent as `Authorization: Bearer`; in cookie mode its key. */
  getToken: () => string | null;
  /** Called when an authenticated call gets 401, with the token that call used. */
  onUnauthorized?: (token: string) => void;
  fetch?: typeof fetch;
}

interface RequestOptions {
  body?: unknown;
  query?: Record<string, string | number | undefined>;
  /** false: no Authorization header (register, login). Default true. */
  auth?: boolean;
  /** Overrides getToken() (logout sends the token it is revoking). */
  token?: string;
  /** Cancels the call (it then throws a `network_error` nobody should show). */
  signal?: AbortSignal;
}

/** The typed HTTP API of PROTOCOL.md. Every method resolves with the body or throws an ApiError. */
export function createApiClient(options: ApiClientOptions) {
  const doFetch = options.fetch ?? ((input, init) => fetch(input, init));

  async function request<T>(method: 'GET' | 'POST', path: string, opts: RequestOptions = {}) {
    const headers: Record<string, string> = { Accept: 'application/json' };
    const token = opts.auth === false ? null : (opts.token ?? options.getToken());
    if (options.cookieSession) headers[SESSION_MODE_HEADER] = SESSION_MODE_COOKIE;
    else if (token) headers.Authorization = `Bearer ${token}`;
    // Only send a content type with a body: Fastify refuses an empty JSON body.
    if (opts.body !== undefined) headers['Content-Type'] = 'application/json';

    let response: Response;
    try {
      response = await doFetch(options.baseUrl + path + queryString(opts.query), {
        method,
        headers,
        body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
        cache: 'no-store',
        credentials: options.cookieSession ? 'same-origin' : 'omit',
        signal: opts.signal,
      });
    } catch {
      throw new ApiError(0, 'network_error', 'Cannot reach the chat server');
    }

    if (response.status === 204) return undefined as T;
    const payload: unknown = await response.json().catch(() => undefined);
    if (response.ok) {
      if (payload === undefined) {
        throw new ApiError(response.status, 'bad_response', 'The server sent an unreadable answer');
      }
      return payload as T;
    }
    const error = toApiError(response.status, payload);
    if (response.status === 401 && token && opts.auth !== false) options.onUnauthorized?.(token);
    throw error;
  }

  /** In cookie mode the body has no token: the session is the cookie the answer set. */
  type SignInResponse = AuthResponse | CookieAuthResponse;

  return {
    register: (credentials: Credentials) =>
      request<SignInResponse>('POST', '/api/auth/register', { body: credentials, auth: false }),
    login: (credentials: Credentials) =>
      request<SignInResponse>('POST', '/api/auth/login', { body: credentials, auth: false }),
    /** Revokes `token`, or in cookie mode the cookie's session (and clears the cookie). */
    logout: (token: string) => request<void>('POST', '/api/auth/logout', { token }),
    me: () => request<MeResponse>('GET', '/api/me'),
    /** Every room the user can see: follows `nextCursor` through every page of GET /api/rooms. */
    listRooms: async (): Promise<RoomsResponse> => {
      const rooms: RoomsResponse['rooms'] = [];
      let cursor: string | undefined;
      do {
        const page = await request<RoomsResponse>('GET', '/api/rooms', { query: { cursor } });
        rooms.push(...page.rooms);
        cursor = page.nextCursor;
      } while (cursor !== undefined);
      return { rooms };
    },
    createRoom: (body: CreateRoomBody) => request<RoomResponse>('POST', '/api/rooms', { body }),
    /** Adds `username` to a private room (204, also when already a member). */
    addMember: (roomId: string, body: AddMemberBody) =>
      request<void>('POST', `/api/rooms/${encodeURIComponent(roomId)}/members`, { body }),
    /** Protocol v1.1: who is in a private room or DM (its members only may ask). */
    members: (roomId: string) =>
      request<MembersResponse>('GET', `/api/rooms/${encodeURIComponent(roomId)}/members`),
    /** Protocol v1.1: leaves a private room, or hides a DM until its next message (204). */
    leaveRoom: (roomId: string) =>
      request<void>('POST', `/api/rooms/${encodeURIComponent(roomId)}/leave`),
    /** The one DM room with `username`, created on the first call. */
    openDm: (body: CreateDmBody) => request<RoomResponse>('POST', '/api/dms', { body }),
    presence: () => request<PresenceResponse>('GET', '/api/presence'),
    history: (roomId: string, query: HistoryPage = {}) =>
      request<HistoryResponse>('GET', `/api/rooms/${encodeURIComponent(roomId)}/messages`, {
        query: { after: query.after, before: query.before, limit: query.limit, from: query.from },
      }),
    /** Protocol v1.1 search: matches newest first, only in rooms the caller may read. */
    search: (query: SearchPage, signal?: AbortSignal) =>
      request<SearchResponse>('GET', '/api/search', {
        query: { q: query.q, roomId: query.roomId, limit: query.limit, before: query.before },
        signal,
      }),
  };
}

export type ApiClient = ReturnType<typeof createApiClient>;

function queryString(query: RequestOptions['query']): string {
  if (!query) return '';
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined) params.set(key, String(value));
  }
  const text = params.toString();
  return text ? `?${text}` : '';
}

function toApiError(status: number, payload: unknown): ApiError {
  const body =
    typeof payload === 'object' && payload !== null && 'error' in payload
      ? (payload as { error: unknown }).error
      : undefined;
  if (typeof body === 'object' && body !== null) {
    const { code, message, retryAfterMs } = body as Record<string, unknown>;
    if (isErrorCode(code) && typeof message === 'string') {
      return new ApiError(
        status,
        code,
        message,
        typeof retryAfterMs === 'number' ? retryAfterMs : undefined,
      );
    }
  }
  return new ApiError(status, 'bad_response', `The server answered ${status}`);
}
