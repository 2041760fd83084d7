'use client';

import { useEffect, useState } from 'react';
import type { PresenceEvent } from '@chat/shared';
import type { ApiClient } from '../lib/api';
import { applyPresence, sortUsers, type OnlineUsers } from '../lib/presence';
import type { ChatSocket } from '../lib/socket';

/**
 * Who is online. No presence event is sent on connect, so every (re)connect
 * reads GET /api/presence; `presence` events apply from then on. Events that
 * arrive while the list is being fetched are applied on top of it.
 */
export function usePresence(api: ApiClient, socket: ChatSocket): OnlineUsers {
  const [online, setOnline] = useState<OnlineUsers>([]);

  useEffect(() => {
    let generation = 0;
    let buffered: PresenceEvent[] | null = null;

    const load = () => {
      generation += 1;
      const mine = generation;
      buffered = [];
      api.presence().then(
        (response) => {
          if (mine !== generation) return;
          const events = buffered ?? [];
          buffered = null;
          setOnline(events.reduce(applyPresence, sortUsers(response.online)));
        },
        () => {
          if (mine === generation) buffered = null;
        },
      );
    };
    const onPresence = (event: PresenceEvent) => {
      if (buffered) buffered.push(event);
      setOnline((current) => applyPresence(current, event));
    };

    socket.on('connect', load);
    socket.on('presence', onPresence);
    if (socket.connected) load();
    return () => {
      generation += 1;
      socket.off('connect', load);
      socket.off('presence', onPresence);
    };
  }, [api, socket]);

  return online;
}
