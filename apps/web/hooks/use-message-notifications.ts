'use client';

import { useEffect, useRef } from 'react';
import type { Message, User } from '@chat/shared';
import { notificationText, shouldNotify } from '../lib/notifications';
import { roomDisplayName, type ListedRoom } from '../lib/room-list';
import type { ChatSocket } from '../lib/socket';

/**
 * While the page is hidden, a message that mentions the reader or arrives in
 * a DM raises a browser notification, once per message id, when the user
 * allowed them (NotificationsToggle asks, on a click). A click on it brings
 * the page back and opens the room.
 */
export function useMessageNotifications(
  socket: ChatSocket,
  self: User,
  rooms: readonly ListedRoom[],
  onOpenRoom: (roomId: string) => void,
): void {
  const latest = useRef({ rooms, onOpenRoom });
  useEffect(() => {
    latest.current = { rooms, onOpenRoom };
  });

  useEffect(() => {
    const notified = new Set<string>();
    const onMessage = (message: Message) => {
      if (typeof Notification === 'undefined' || Notification.permission !== 'granted') return;
      const room = latest.current.rooms.find((r) => r.id === message.roomId);
      const pageHidden = document.visibilityState === 'hidden';
      if (!shouldNotify(message, { selfId: self.id, roomKind: room?.kind, pageHidden })) return;
      if (notified.has(message.id)) return;
      notified.add(message.id);
      const name = room ? roomDisplayName(room, self.username) : 'a room';
      const { title, body } = notificationText(message, name, room?.kind);
      try {
        const notification = new Notification(title, { body, tag: `chat-${message.roomId}` });
        notification.onclick = () => {
          window.focus();
          latest.current.onOpenRoom(message.roomId);
          notification.close();
        };
      } catch {
        // Some browsers allow notifications only from a service worker: nothing to show then.
      }
    };
    socket.on('message:new', onMessage);
    return () => {
      socket.off('message:new', onMessage);
    };
  }, [socket, self.id, self.username]);
}
