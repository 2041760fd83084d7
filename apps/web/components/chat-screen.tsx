'use client';

import { useCallback, useState } from 'react';
import type { Message, User } from '@chat/shared';
import { useChatConnection } from '../hooks/use-chat-connection';
import { useChatDialogs } from '../hooks/use-chat-dialogs';
import { useDocumentVisible } from '../hooks/use-document-visible';
import { usePresence } from '../hooks/use-presence';
import { useRoomActions } from '../hooks/use-room-actions';
import { useRooms } from '../hooks/use-rooms';
import { useTimelines } from '../hooks/use-timelines';
import { useTyping } from '../hooks/use-typing';
import { useUnread } from '../hooks/use-unread';
import { useWatchedRooms } from '../hooks/use-watched-rooms';
import type { ApiClient } from '../lib/api';
import { ChatDialogs } from './chat-dialogs';
import { RoomView } from './room-view';
import { SearchBox } from './search-box';
import { Sidebar } from './sidebar';
import { TopBar } from './top-bar';
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

  const selectRoom = useCallback(
    (roomId: string) => {
      store.open(roomId);
      setActiveRoomId(roomId);
    },
    [store],
  );
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
            {activeRoom && activeTimeline ? (
              <RoomView
                key={activeRoom.id}
                room={activeRoom}
                timeline={activeTimeline}
                self={user}
                status={status}
                online={online}
                typing={typing[activeRoom.id] ?? NO_TYPING}
                onBack={closeRoom}
                onLoadOlder={actions.loadOlder}
                onLoadNewer={actions.loadNewer}
                onJumpToLatest={actions.jumpToLatest}
                onSend={actions.send}
                onRetry={actions.retry}
                onTyping={actions.sendTyping}
                onAddMember={() => dialogs.show('add-member')}
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
