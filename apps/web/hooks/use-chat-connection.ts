'use client';

import { useCallback } from 'react';
import { isApiError, type ApiClient } from '../lib/api';
import { useChatSocket } from './use-chat-socket';

interface Options {
  serverUrl: string;
  token: string;
  api: ApiClient;
  /** The session is over (token refused, or revoked while connected). */
  onSessionEnded: () => void;
}

/**
 * The session's socket and its status (see useChatSocket). After a
 * server-side disconnect it reconnects only while GET /api/me still accepts
 * the session; a 401 there ends the session through the API client.
 */
export function useChatConnection({ serverUrl, token, api, onSessionEnded }: Options) {
  const checkSession = useCallback(async () => {
    try {
      await api.me();
      return true;
    } catch (error) {
      // A 401 has ended the session through the API client already.
      if (isApiError(error) && error.status === 401) return false;
      throw error;
    }
  }, [api]);
  return useChatSocket({ serverUrl, token, onUnauthorized: onSessionEnded, checkSession });
}
