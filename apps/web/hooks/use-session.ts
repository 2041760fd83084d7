'use client';

import { useCallback, useEffect, useState } from 'react';
import type { Credentials, User } from '@chat/shared';
import { ApiError, createApiClient, errorMessage, isApiError, type ApiClient } from '../lib/api';
import {
  clearToken,
  loadToken,
  newCookieSessionKey,
  onTokenChangedElsewhere,
  saveToken,
  SESSION_ENDED_NOTICE,
  usesCookieSession,
} from '../lib/session';

export type SessionState =
  /** A stored token is being checked with GET /api/me. */
  | { status: 'restoring'; token: string }
  /** The stored token could not be checked (server unreachable). */
  | { status: 'unreachable'; token: string; error: string }
  | { status: 'signed-out'; notice: string | null }
  | { status: 'signed-in'; token: string; user: User };

export interface Session {
  state: SessionState;
  api: ApiClient;
  login: (credentials: Credentials) => Promise<void>;
  register: (credentials: Credentials) => Promise<void>;
  logout: () => void;
  /** The server no longer accepts the token: back to the login form, with a notice. */
  end: () => void;
  /** Checks the stored token again (after 'unreachable'). */
  retry: () => void;
}

function initialState(): SessionState {
  const token = loadToken();
  return token ? { status: 'restoring', token } : { status: 'signed-out', notice: null };
}

/**
 * The signed-in user and their token (in cookie mode, the key of the session
 * the httpOnly cookie holds: lib/session.ts). It lives in localStorage and is
 * checked with GET /api/me on load; any authenticated call answered with 401
 * ends the session. Runs in the browser only (the app is not server-rendered).
 */
export function useSession(serverUrl: string): Session {
  const [state, setState] = useState<SessionState>(initialState);
  const cookieSession = usesCookieSession(serverUrl);
  const [api] = useState(() =>
    createApiClient({
      baseUrl: serverUrl,
      cookieSession,
      getToken: loadToken,
      onUnauthorized: (token) => {
        // A late answer for a token already replaced or dropped changes nothing.
        if (loadToken() !== token) return;
        clearToken();
        setState({ status: 'signed-out', notice: SESSION_ENDED_NOTICE });
      },
    }),
  );

  const restoring = state.status === 'restoring' ? state.token : null;
  useEffect(() => {
    if (restoring === null) return;
    let cancelled = false;
    api.me().then(
      ({ user }) => {
        if (!cancelled) setState({ status: 'signed-in', token: restoring, user });
      },
      (error: unknown) => {
        // 401 went through onUnauthorized already.
        if (cancelled || (isApiError(error) && error.status === 401)) return;
        setState({ status: 'unreachable', token: restoring, error: errorMessage(error) });
      },
    );
    return () => {
      cancelled = true;
    };
  }, [api, restoring]);

  // Another tab logged in or out.
  useEffect(
    () =>
      onTokenChangedElsewhere((token) =>
        setState((current) => {
          const currentToken = current.status === 'signed-out' ? null : current.token;
          if (token === currentToken) return current;
          return token ? { status: 'restoring', token } : { status: 'signed-out', notice: null };
        }),
      ),
    [],
  );

  const signIn = useCallback(
    async (
      call: (credentials: Credentials) => Promise<{ user: User; token?: string }>,
      c: Credentials,
    ) => {
      const answer = await call(c);
      const token = cookieSession ? newCookieSessionKey() : answer.token;
      if (token === undefined) throw new ApiError(200, 'bad_response', 'The server sent no token');
      saveToken(token);
      setState({ status: 'signed-in', token, user: answer.user });
    },
    [cookieSession],
  );

  const login = useCallback((c: Credentials) => signIn(api.login, c), [api, signIn]);
  const register = useCallback((c: Credentials) => signIn(api.register, c), [api, signIn]);

  const logout = useCallback(() => {
    const token = loadToken();
    clearToken();
    setState({ status: 'signed-out', notice: null });
    // Revoke on the server too; the local session is gone either way.
    if (token) api.logout(token).catch(() => {});
  }, [api]);

  const end = useCallback(() => {
    clearToken();
    setState({ status: 'signed-out', notice: SESSION_ENDED_NOTICE });
  }, []);

  const retry = useCallback(() => {
    setState((current) =>
      current.status === 'unreachable' ? { status: 'restoring', token: current.token } : current,
    );
  }, []);

  return { state, api, login, register, logout, end, retry };
}
