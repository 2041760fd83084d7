'use client';

import { useCallback, useEffect, useRef, useState } from 'react';
import type { Message, User } from '@chat/shared';
import { useChatConnection } from '../hooks/use-chat-connection';
import { useChatDialogs } from '../hooks/use-chat-dialogs';
import { useDocumentVisible } from '../hooks/use-document-visible';
import { useMessageNotifications } from '../hooks/use-message-notifications';
import { usePageTitle } from '../hooks/use-page-title';
import { usePresence } from '../hooks/use-presence';
import { useRoomActions } from '../hooks/use-room-actions';
import { useRooms } from '../hooks/use-rooms';
import { useTimelines } from '../hooks/use-timelines';
import { useTyping } from '../hooks/use-typing';
import { useUnread } from '../hooks/use-unread';
import { useWatchedRooms } from '../hooks/use-watched-rooms';
import type { ApiClient } from '../lib/api';
import { groupRooms, roomDisplayName } from '../lib/room-list';
import { ChatDialogs } from './chat-dialogs';
import { RoomView } from './room-view';
import { SearchBox } from './search-box';
import { Sidebar } from './sidebar';
import { TopBar } from './top-bar';
import { noticeClass, secondaryButtonClass } from './ui';
import { Welcome } from './welcome';

interface Props {
  serverUrl: string;
  token: string;
  user: User;
  api: ApiClient;
  onLogout: () => void;
  onSessionEnded: () => void;
}

const NO_TYPING: readonly User[] = [];

/**
 * The signed-in app: a top bar (connection, user), the sidebar (rooms with
 * unread badges, people online) and the open room. Below the `md` breakpoint
 * only one of sidebar and room shows at a time.
 */
export function ChatScreen({ serverUrl, token, user, api, onLogout, onSessionEnded }: Props) {
  const { socket, status } = useChatConnection({ serverUrl, token, api, onSessionEnded });
  const rooms = useRooms(api, socket);
  const { timelines, store } = useTimelines(api, socket, user);
  const online = usePresence(api, socket);
  const typing = useTyping(socket, user);
  const visible = useDocumentVisible();
  const [activeRoomId, setActiveRoomId] = useState<string | null>(null);
  const unread = useUnread(socket, user, store, rooms.summaries, visible ? activeRoomId : null);
  useWatchedRooms(store, rooms);
  usePageTitle(unread);
  /** Why the view moved to another room (the user left it, or was removed from it). */
  const [notice, setNotice] = useState<string | null>(null);

  const selectRoom = useCallback(
    (roomId: string) => {
      store.open(roomId);
      setActiveRoomId(roomId);
      setNotice(null);
    },
    [store],
  );
  useMessageNotifications(socket, user, rooms.rooms, selectRoom);

  /*
   * The user is no longer in a room (left it here, or `room:removed` from any of their
   * devices): nothing of it is kept, and if it was open the view moves to another room.
   */
  const latest = useRef({ rooms: rooms.rooms, activeRoomId });
  useEffect(() => {
    latest.current = { rooms: rooms.rooms, activeRoomId };
  });
  /** Rooms this user is leaving here: their `room:removed` (which may beat the answer) says so. */
  const leaving = useRef(new Set<string>());
  const roomGone = useCallback(
    (roomId: string) => {
      store.forget(roomId);
      const { rooms: listed, activeRoomId: open } = latest.current;
      if (open !== roomId) return;
      const room = listed.find((r) => r.id === roomId);
      const name = room ? roomDisplayName(room, user.username) : 'that room';
      const notice = !leaving.current.has(roomId)
        ? `You are no longer in ${name}.`
        : room?.kind === 'dm'
          ? `Your conversation with ${name} is hidden until a new message arrives.`
          : `You left ${name}.`;
      const sections = groupRooms(
        listed.filter((r) => r.id !== roomId),
        user.username,
      );
      const next = sections.public[0] ?? sections.private[0] ?? sections.dm[0] ?? null;
      if (next) store.open(next.id);
      setActiveRoomId(next?.id ?? null);
      setNotice(notice);
    },
    [store, user.username],
  );
  useEffect(() => {
    const onRemoved = ({ roomId }: { roomId: string }) => roomGone(roomId);
    socket.on('room:removed', onRemoved);
    return () => {
      socket.off('room:removed', onRemoved);
    };
  }, [socket, roomGone]);
  const leaveActiveRoom = useCallback(async () => {
    const room = latest.current.rooms.find((r) => r.id === activeRoomId);
    if (!room) return;
    leaving.current.add(room.id);
    try {
      await rooms.leaveRoom(room.id);
      roomGone(room.id);
    } finally {
      leaving.current.delete(room.id);
    }
  }, [rooms, activeRoomId, roomGone]);
  const closeRoom = useCallback(() => setActiveRoomId(null), []);
  /** A search result: its room, opened at the message. */
  const openMessage = useCallback(
    (message: Message) => {
      void store.openAt(message.roomId, message.id);
      setActiveRoomId(message.roomId);
    },
    [store],
  );
  const dialogs = useChatDialogs(rooms, selectRoom, activeRoomId);
  const actions = useRoomActions(store, socket, activeRoomId);

  const activeRoom = rooms.rooms.find((room) => room.id === activeRoomId) ?? null;
  const activeTimeline = activeRoomId ? timelines[activeRoomId] : undefined;
  const suggestions = online
    .filter((person) => person.id !== user.id)
    .map((person) => person.username);

  return (
    <>
      <div className="flex h-dvh flex-col" inert={dialogs.dialog !== null}>
        <TopBar
          user={user}
          status={status}
          onLogout={onLogout}
          search={
            <SearchBox
              api={api}
              rooms={rooms.rooms}
              selfUsername={user.username}
              activeRoom={activeRoom}
              onOpen={openMessage}
            />
          }
        />
        <div className="flex min-h-0 flex-1">
          <aside
            aria-label="Rooms and people"
            className={`${activeRoom ? 'hidden md:flex' : 'flex'} w-full flex-col border-zinc-200 bg-white md:w-72 md:shrink-0 md:border-r dark:border-zinc-800 dark:bg-zinc-950`}
          >
            <Sidebar
              user={user}
              rooms={rooms}
              activeRoomId={activeRoomId}
              unread={unread}
              online={online}
              live={status === 'connected'}
              onSelectRoom={selectRoom}
              onNewRoom={() => dialogs.show('create-room')}
              onNewDm={() => dialogs.show('start-dm')}
              onMessageUser={(username) =>
                void dialogs.openDm(username).catch(() => dialogs.show('start-dm'))
              }
            />
          </aside>

          <main
            className={`${activeRoom ? 'flex' : 'hidden md:flex'} min-w-0 flex-1 flex-col bg-zinc-50 dark:bg-zinc-900`}
          >
            {notice && (
              <div
                className={`m-3 mb-0 flex items-center justify-between gap-3 ${noticeClass}`}
                role="status"
                data-testid="room-notice"
              >
                <span>{notice}</span>
                <button
                  type="button"
                  className={secondaryButtonClass}
                  onClick={() => setNotice(null)}
                >
                  Dismiss
                </button>
              </div>
            )}
            {activeRoom && activeTimeline ? (
              <RoomView
                key={activeRoom.id}
                room={activeRoom}
                timeline={activeTimeline}
                self={user}
                status={status}
                online={online}
                typing={typing[activeRoom.id] ?? NO_TYPING}
                api={api}
                actions={actions}
                onBack={closeRoom}
                onAddMember={() => dialogs.show('add-member')}
                onAddPerson={(username) => rooms.addMember(activeRoom.id, username)}
                onLeave={leaveActiveRoom}
              />
            ) : (
              <Welcome user={user} />
            )}
          </main>
        </div>
      </div>

      <ChatDialogs dialogs={dialogs} activeRoom={activeRoom} suggestions={suggestions} />
    </>
  );
}
