'use client';

import { useEffect, useState, useSyncExternalStore } from 'react';
import type { User } from '@chat/shared';
import type { Summaries } from './use-rooms';
import type { ChatSocket } from '../lib/socket';
import { UnreadStore, type HeldMessages } from '../lib/unread-store';
import type { UnreadState } from '../lib/unread';

/**
 * Unread counts, kept live, and the read marker of the room in view (see
 * UnreadStore). `viewingRoomId` is the open room while the page is visible.
 */
export function useUnread(
  socket: ChatSocket,
  self: User,
  timelines: HeldMessages,
  summaries: Summaries | null,
  viewingRoomId: string | null,
): UnreadState {
  const [store] = useState(() => new UnreadStore(self, timelines));
  useEffect(() => store.attach(socket), [store, socket]);
  useEffect(() => {
    if (summaries) store.applySummaries(summaries.rooms, summaries.replace);
  }, [store, summaries]);
  useEffect(() => store.setViewing(viewingRoomId), [store, viewingRoomId]);
  return useSyncExternalStore(store.subscribe, store.getSnapshot, store.getSnapshot);
}
