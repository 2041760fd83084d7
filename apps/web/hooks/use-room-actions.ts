'use client';

import { useCallback } from 'react';
import { emitTyping, type ChatSocket } from '../lib/socket';
import type { TimelineStore } from '../lib/timelines';

/** What the open room's view can do; each does nothing while no room is open. */
export interface RoomActions {
  loadOlder: () => void;
  /** The next newer page of a room opened at a message (see TimelineStore.loadNewer). */
  loadNewer: () => void;
  /** Back to the live end of a room opened at a message. */
  jumpToLatest: () => void;
  send: (text: string) => void;
  retry: (clientId: string) => void;
  /** Tells the room the user is typing (or stopped); only while it is joined and connected. */
  sendTyping: (typing: boolean) => void;
}

/** The actions on the open room `roomId`, stable while it stays the open room. */
export function useRoomActions(
  store: TimelineStore,
  socket: ChatSocket,
  roomId: string | null,
): RoomActions {
  const loadOlder = useCallback(() => {
    if (roomId) void store.loadOlder(roomId);
  }, [store, roomId]);
  const loadNewer = useCallback(() => {
    if (roomId) void store.loadNewer(roomId);
  }, [store, roomId]);
  const jumpToLatest = useCallback(() => {
    if (roomId) store.jumpToLatest(roomId);
  }, [store, roomId]);
  const send = useCallback(
    (text: string) => {
      if (roomId) store.send(roomId, text);
    },
    [store, roomId],
  );
  const retry = useCallback(
    (clientId: string) => {
      if (roomId) store.retry(roomId, clientId);
    },
    [store, roomId],
  );
  const sendTyping = useCallback(
    (typing: boolean) => {
      const joined = roomId ? store.getSnapshot()[roomId]?.joined : false;
      if (roomId && joined && socket.connected) emitTyping(socket, { roomId, typing });
    },
    [store, socket, roomId],
  );
  return { loadOlder, loadNewer, jumpToLatest, send, retry, sendTyping };
}
