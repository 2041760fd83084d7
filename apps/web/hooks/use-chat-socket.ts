'use client';

import { useEffect, useEffectEvent, useState } from 'react';
import { createChatSocket, UNAUTHORIZED_CONNECT_ERROR, type ChatSocket } from '../lib/socket';

export type ConnectionStatus = 'connecting' | 'connected' | 'reconnecting' | 'offline';

type Phase = 'connecting' | 'connected' | 'reconnecting';

interface Options {
  serverUrl: string;
  token: string;
  /** The server refused the token: the session is over. */
  onUnauthorized: () => void;
  /**
   * The server closed the connection on purpose (a revoked session does that).
   * Resolves true when the session is still valid and the socket should reconnect.
   */
  checkSession: () => Promise<boolean>;
}

const RETRY_MIN_MS = 1_000;
const RETRY_MAX_MS = 15_000;

/**
 * One Socket.IO connection for the session, connected while the component is
 * mounted, and its status for the UI. Socket.IO reconnects by itself after
 * network failures; this hook also reconnects after a refused handshake that
 * is not `unauthorized` (the server said `unavailable`) and after a
 * server-side disconnect whose session is still valid.
 */
export function useChatSocket({ serverUrl, token, onUnauthorized, checkSession }: Options) {
  const [socket] = useState<ChatSocket>(() => createChatSocket(serverUrl, token));
  const [phase, setPhase] = useState<Phase>('connecting');
  const [online, setOnline] = useState(() => navigator.onLine);

  const unauthorized = useEffectEvent(onUnauthorized);
  const stillValid = useEffectEvent(checkSession);

  useEffect(() => {
    let retryTimer: ReturnType<typeof setTimeout> | undefined;
    let failures = 0;
    let stopped = false;

    const reconnectLater = () => {
      clearTimeout(retryTimer);
      const delay = Math.min(RETRY_MAX_MS, RETRY_MIN_MS * 2 ** Math.min(failures, 4));
      failures += 1;
      retryTimer = setTimeout(() => {
        if (!stopped && !socket.connected) socket.connect();
      }, delay);
    };

    const onConnect = () => {
      failures = 0;
      setPhase('connected');
    };
    const onDisconnect = (reason: string) => {
      setPhase('reconnecting');
      if (reason === 'io server disconnect') {
        // Socket.IO does not reconnect after a server-side disconnect: ask whether the session lives.
        stillValid().then(
          (valid) => {
            if (valid && !stopped) socket.connect();
          },
          () => reconnectLater(),
        );
      }
    };
    const onConnectError = (error: Error) => {
      if (error.message === UNAUTHORIZED_CONNECT_ERROR) {
        stopped = true;
        unauthorized();
        return;
      }
      setPhase((current) => (current === 'connected' ? 'reconnecting' : current));
      // A refused handshake (`unavailable`) is not retried by Socket.IO itself.
      if (!socket.active) reconnectLater();
    };
    const onOnline = () => {
      setOnline(true);
      // Back online: try now rather than at the end of Socket.IO's back-off.
      if (!stopped && !socket.connected) {
        socket.disconnect();
        socket.connect();
      }
    };
    const onOffline = () => setOnline(false);

    socket.on('connect', onConnect);
    socket.on('disconnect', onDisconnect);
    socket.on('connect_error', onConnectError);
    window.addEventListener('online', onOnline);
    window.addEventListener('offline', onOffline);
    socket.connect();

    return () => {
      stopped = true;
      clearTimeout(retryTimer);
      socket.off('connect', onConnect);
      socket.off('disconnect', onDisconnect);
      socket.off('connect_error', onConnectError);
      window.removeEventListener('online', onOnline);
      window.removeEventListener('offline', onOffline);
      socket.disconnect();
    };
  }, [socket]);

  const status: ConnectionStatus = !online && phase !== 'connected' ? 'offline' : phase;
  return { socket, status };
}
