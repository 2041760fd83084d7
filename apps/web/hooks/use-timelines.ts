'use client';

import { useEffect, useState, useSyncExternalStore } from 'react';
import type { User } from '@chat/shared';
import type { ApiClient } from '../lib/api';
import type { ChatSocket } from '../lib/socket';
import type { Timelines } from '../lib/timeline-state';
import { TimelineStore } from '../lib/timelines';

/**
 * Every opened room's messages, kept whole across reconnects (see
 * TimelineStore), and the actions on them.
 */
export function useTimelines(
  api: ApiClient,
  socket: ChatSocket,
  self: User,
): { timelines: Timelines; store: TimelineStore } {
  const [store] = useState(() => new TimelineStore(api, self));
  useEffect(() => store.attach(socket), [store, socket]);
  const timelines = useSyncExternalStore(store.subscribe, store.getSnapshot, store.getSnapshot);
  return { timelines, store };
}
