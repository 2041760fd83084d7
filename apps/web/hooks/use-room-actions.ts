'use client';

import { useCallback, useMemo } from 'react';
import type { ReplySnapshot } from '@chat/shared';
import { emitTyping, type ChatSocket } from '../lib/socket';
import type { TimelineStore } from '../lib/timelines';

/** What the open room's view can do; each does nothing while no room is open. */
export interface RoomActions {
  loadOlder: () => void;
  /** The next newer page of a room opened at a message (see TimelineStore.loadNewer). */
  loadNewer: () => void;
  /** Back to the live end of a room opened at a message. */
  jumpToLatest: () => void;
  /** Sends a message; `replyTo`: the message it answers. */
  send: (text: string, replyTo?: ReplySnapshot) => void;
  retry: (clientId: string) => void;
  /** Protocol v1.1 changes, optimistic (see TimelineStore). */
  edit: (messageId: string, text: string) => void;
  remove: (messageId: string) => void;
  toggleReaction: (messageId: string, emoji: string) => void;
  addReaction: (messageId: string, emoji: string) => void;
  dismissChangeError: () => void;
  /** Shows a message of the room (a reply's original): scrolled to and highlighted. */
  showMessage: (messageId: string) => void;
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
    (text: string, replyTo?: ReplySnapshot) => {
      if (roomId) store.send(roomId, text, replyTo);
    },
    [store, roomId],
  );
  const changes = useMemo(
    () => ({
      edit: (messageId: string, text: string) => {
        if (roomId) store.edit(roomId, messageId, text);
      },
      remove: (messageId: string) => {
        if (roomId) store.remove(roomId, messageId);
      },
      toggleReaction: (messageId: string, emoji: string) => {
        if (roomId) store.toggleReaction(roomId, messageId, emoji);
      },
      addReaction: (messageId: string, emoji: string) => {
        if (roomId) store.addReaction(roomId, messageId, emoji);
      },
      dismissChangeError: () => {
        if (roomId) store.dismissChangeError(roomId);
      },
      showMessage: (messageId: string) => {
        if (roomId) void store.openAt(roomId, messageId);
      },
    }),
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
  return { loadOlder, loadNewer, jumpToLatest, send, retry, sendTyping, ...changes };
}
