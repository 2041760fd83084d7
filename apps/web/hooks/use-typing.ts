'use client';

import { useEffect, useState } from 'react';
import type { TypingEvent, User } from '@chat/shared';
import type { ChatSocket } from '../lib/socket';
import { applyTyping, NO_TYPING, type TypingState } from '../lib/typing';

/**
 * Who is typing in each joined room. The server ends stale states itself, so
 * no timers here; a disconnect forgets everything (the `false` events for
 * that time are lost), and the next `true` renews what is still going on.
 */
export function useTyping(socket: ChatSocket, self: User): TypingState {
  const [typing, setTyping] = useState<TypingState>(NO_TYPING);

  useEffect(() => {
    const onTyping = (event: TypingEvent) =>
      setTyping((current) => applyTyping(current, event, self.id));
    const onDisconnect = () => setTyping(NO_TYPING);
    socket.on('typing', onTyping);
    socket.on('disconnect', onDisconnect);
    return () => {
      socket.off('typing', onTyping);
      socket.off('disconnect', onDisconnect);
    };
  }, [socket, self.id]);

  return typing;
}
