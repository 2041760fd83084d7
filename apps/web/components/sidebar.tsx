'use client';

import { useMemo } from 'react';
import type { User } from '@chat/shared';
import type { RoomsState } from '../hooks/use-rooms';
import type { OnlineUsers as OnlineList } from '../lib/presence';
import { groupRooms } from '../lib/room-list';
import type { UnreadState } from '../lib/unread';
import { NotificationsToggle } from './notifications-toggle';
import { OnlineUsers } from './online-users';
import { RoomList } from './room-list';
import { alertClass, focusRing, secondaryButtonClass } from './ui';

interface Props {
  user: User;
  rooms: RoomsState;
  activeRoomId: string | null;
  unread: UnreadState;
  online: OnlineList;
  /** The socket is connected (presence is live). */
  live: boolean;
  onSelectRoom: (roomId: string) => void;
  onNewRoom: () => void;
  onNewDm: () => void;
  onMessageUser: (username: string) => void;
}

const actionClass =
  'inline-flex flex-1 items-center justify-center gap-1.5 rounded-md border border-zinc-300 bg-white px-2 py-1.5 ' +
  'text-sm font-medium text-zinc-700 hover:bg-zinc-100 dark:border-zinc-700 dark:bg-zinc-900 ' +
  'dark:text-zinc-200 dark:hover:bg-zinc-800 ' +
  focusRing;

export function Sidebar({
  user,
  rooms,
  activeRoomId,
  unread,
  online,
  live,
  onSelectRoom,
  onNewRoom,
  onNewDm,
  onMessageUser,
}: Props) {
  const sections = useMemo(() => groupRooms(rooms.rooms, user.username), [rooms.rooms, user]);

  return (
    <div className="flex min-h-0 flex-1 flex-col">
      <div className="flex gap-2 border-b border-zinc-200 p-3 dark:border-zinc-800">
        <button type="button" className={actionClass} onClick={onNewRoom} data-testid="new-room">
          <PlusIcon /> New room
        </button>
        <button type="button" className={actionClass} onClick={onNewDm} data-testid="new-dm">
          <ChatIcon /> New DM
        </button>
      </div>

      <div className="min-h-0 flex-1 space-y-6 overflow-y-auto p-3">
        {rooms.error && (
          <div className={alertClass} role="alert">
            <p>{rooms.error}</p>
            <button type="button" className={`mt-2 ${secondaryButtonClass}`} onClick={rooms.reload}>
              Try again
            </button>
          </div>
        )}
        {rooms.loading ? (
          <p className="p-2 text-sm text-zinc-500">Loading rooms…</p>
        ) : (
          <RoomList
            sections={sections}
            selfUsername={user.username}
            activeRoomId={activeRoomId}
            unread={unread}
            online={online}
            onSelect={onSelectRoom}
          />
        )}
        <OnlineUsers online={online} self={user} live={live} onMessage={onMessageUser} />
        <NotificationsToggle />
      </div>
    </div>
  );
}

function PlusIcon() {
  return (
    <svg viewBox="0 0 16 16" className="size-4" aria-hidden="true" focusable="false">
      <path d="M8 3v10M3 8h10" stroke="currentColor" strokeWidth="1.8" strokeLinecap="round" />
    </svg>
  );
}

function ChatIcon() {
  return (
    <svg viewBox="0 0 16 16" className="size-4" aria-hidden="true" focusable="false">
      <path
        d="M3 4.5A1.5 1.5 0 0 1 4.5 3h7A1.5 1.5 0 0 1 13 4.5v5a1.5 1.5 0 0 1-1.5 1.5H7l-3 2.5V11h.5A1.5 1.5 0 0 1 3 9.5z"
        fill="none"
        stroke="currentColor"
        strokeWidth="1.5"
        strokeLinejoin="round"
      />
    </svg>
  );
}
