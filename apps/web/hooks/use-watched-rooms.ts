'use client';

import { useEffect } from 'react';
import type { TimelineStore } from '../lib/timelines';
import type { RoomsState } from './use-rooms';

/**
 * Every listed room is joined for its live events (unread badges, typing).
 * Once they are joined, the server's counts are read again: together with the
 * live events from then on, nothing sent before the joins is left uncounted.
 */
export function useWatchedRooms(store: TimelineStore, rooms: RoomsState): void {
  useEffect(() => {
    store.watch(rooms.rooms.map((room) => room.id));
  }, [store, rooms.rooms]);
  useEffect(() => store.onWatchJoined(rooms.reload), [store, rooms.reload]);
}
