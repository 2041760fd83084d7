'use client';

import { useCallback, useEffect, useState } from 'react';
import type { CreateRoomBody, User } from '@chat/shared';
import { useChatSocket } from '../hooks/use-chat-socket';
import { useDocumentVisible } from '../hooks/use-document-visible';
import { usePresence } from '../hooks/use-presence';
import { useRooms } from '../hooks/use-rooms';
import { useTimelines } from '../hooks/use-timelines';
import { useTyping } from '../hooks/use-typing';
import { useUnread } from '../hooks/use-unread';
import { isApiError, type ApiClient } from '../lib/api';
import { emitTyping } from '../lib/socket';
import { ConnectionStatusBadge } from './connection-status';
import { CreateRoomDialog } from './create-room-dialog';
import { RoomView } from './room-view';
import { Sidebar } from './sidebar';
import { secondaryButtonClass } from './ui';
import { UsernameDialog } from './username-dialog';

interface Props {
  serverUrl: string;
  token: string;
  user: User;
  api: ApiClient;
  onLogout: () => void;
  onSessionEnded: () => void;
}

type OpenDialog = 'create-room' | 'start-dm' | 'add-member' | null;

const NO_TYPING: readonly User[] = [];

/**
 * The signed-in app: a top bar (connection, user), the sidebar (rooms with
 * unread badges, people online) and the open room. Below the `md` breakpoint
 * only one of sidebar and room shows at a time.
 */
export function ChatScreen({ serverUrl, token, user, api, onLogout, onSessionEnded }: Props) {
  const checkSession = useCallback(async () => {
    try {
      await api.me();
      return true;
    } catch (error) {
      // A 401 has ended the session through the API client already.
      if (isApiError(error) && error.status === 401) return false;
      throw error;
    }
  }, [api]);

  const { socket, status } = useChatSocket({
    serverUrl,
    token,
    onUnauthorized: onSessionEnded,
    checkSession,
  });
  const rooms = useRooms(api, socket);
  const { timelines, store } = useTimelines(api, socket, user);
  const online = usePresence(api, socket);
  const typing = useTyping(socket, user);
  const visible = useDocumentVisible();
  const [activeRoomId, setActiveRoomId] = useState<string | null>(null);
  const [dialog, setDialog] = useState<OpenDialog>(null);
  const unread = useUnread(socket, user, store, rooms.summaries, visible ? activeRoomId : null);

  // Every listed room is joined for its live events: unread badges and typing.
  useEffect(() => {
    store.watch(rooms.rooms.map((room) => room.id));
  }, [store, rooms.rooms]);
  // Once they are joined, the server's counts are read again: together with the
  // live events from then on, nothing sent before the joins is left uncounted.
  useEffect(() => store.onWatchJoined(rooms.reload), [store, rooms.reload]);

  const selectRoom = useCallback(
    (roomId: string) => {
      store.open(roomId);
      setActiveRoomId(roomId);
    },
    [store],
  );

  const closeDialog = useCallback(() => setDialog(null), []);

  const createRoom = useCallback(
    async (body: CreateRoomBody) => {
      const room = await rooms.createRoom(body);
      setDialog(null);
      selectRoom(room.id);
    },
    [rooms, selectRoom],
  );

  const openDm = useCallback(
    async (username: string) => {
      const room = await rooms.openDm(username);
      setDialog(null);
      selectRoom(room.id);
    },
    [rooms, selectRoom],
  );

  const addMember = useCallback(
    async (username: string) => {
      if (!activeRoomId) return;
      await rooms.addMember(activeRoomId, username);
      return `${username} can now see this room.`;
    },
    [rooms, activeRoomId],
  );

  const closeRoom = useCallback(() => setActiveRoomId(null), []);
  const loadOlder = useCallback(() => {
    if (activeRoomId) void store.loadOlder(activeRoomId);
  }, [store, activeRoomId]);
  const send = useCallback(
    (text: string) => {
      if (activeRoomId) store.send(activeRoomId, text);
    },
    [store, activeRoomId],
  );
  const retry = useCallback(
    (clientId: string) => {
      if (activeRoomId) store.retry(activeRoomId, clientId);
    },
    [store, activeRoomId],
  );
  const sendTyping = useCallback(
    (value: boolean) => {
      const joined = activeRoomId ? store.getSnapshot()[activeRoomId]?.joined : false;
      if (activeRoomId && joined && socket.connected) {
        emitTyping(socket, { roomId: activeRoomId, typing: value });
      }
    },
    [store, socket, activeRoomId],
  );

  const activeRoom = rooms.rooms.find((room) => room.id === activeRoomId) ?? null;
  const activeTimeline = activeRoomId ? timelines[activeRoomId] : undefined;
  const suggestions = online
    .filter((person) => person.id !== user.id)
    .map((person) => person.username);

  return (
    <>
      <div className="flex h-dvh flex-col" inert={dialog !== null}>
        <header className="flex h-12 shrink-0 items-center justify-between gap-3 border-b border-zinc-200 bg-white px-4 dark:border-zinc-800 dark:bg-zinc-950">
          <span className="flex items-center gap-2 text-lg font-bold">
            <Logo />
            <span className="hidden sm:inline">Chat</span>
          </span>
          <div className="flex min-w-0 items-center gap-3">
            <ConnectionStatusBadge status={status} />
            <span
              className="hidden truncate text-sm text-zinc-500 sm:inline dark:text-zinc-400"
              aria-label={`Signed in as ${user.username}`}
            >
              <span
                className="font-semibold text-zinc-800 dark:text-zinc-200"
                data-testid="current-user"
              >
                {user.username}
              </span>
            </span>
            <button
              type="button"
              className={`shrink-0 whitespace-nowrap ${secondaryButtonClass}`}
              onClick={onLogout}
              data-testid="logout"
            >
              Log out
            </button>
          </div>
        </header>

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
              onNewRoom={() => setDialog('create-room')}
              onNewDm={() => setDialog('start-dm')}
              onMessageUser={(username) => void openDm(username).catch(() => setDialog('start-dm'))}
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
                onLoadOlder={loadOlder}
                onSend={send}
                onRetry={retry}
                onTyping={sendTyping}
                onAddMember={() => setDialog('add-member')}
              />
            ) : (
              <div className="flex flex-1 flex-col items-center justify-center gap-2 p-6 text-center text-sm text-zinc-500 dark:text-zinc-400">
                <Logo large />
                <p className="mt-2 font-medium text-zinc-700 dark:text-zinc-300">
                  Welcome, {user.username}
                </p>
                <p>Pick a room on the left, create one, or message someone online.</p>
              </div>
            )}
          </main>
        </div>
      </div>

      {dialog === 'create-room' && <CreateRoomDialog onCreate={createRoom} onClose={closeDialog} />}
      {dialog === 'start-dm' && (
        <UsernameDialog
          title="New direct message"
          description="Start a private conversation with one person."
          submitLabel="Open conversation"
          busyLabel="Opening…"
          suggestions={suggestions}
          onSubmit={openDm}
          onClose={closeDialog}
          testId="start-dm"
        />
      )}
      {dialog === 'add-member' && activeRoom && (
        <UsernameDialog
          title={`Add people to ${activeRoom.name}`}
          description="They will see the room and its whole history."
          submitLabel="Add"
          busyLabel="Adding…"
          suggestions={suggestions}
          onSubmit={addMember}
          onClose={closeDialog}
          testId="add-member"
        />
      )}
    </>
  );
}

function Logo({ large = false }: { large?: boolean }) {
  return (
    <svg
      viewBox="0 0 32 32"
      className={large ? 'size-12' : 'size-7'}
      aria-hidden="true"
      focusable="false"
    >
      <rect width="32" height="32" rx="8" className="fill-sky-600" />
      <path
        d="M8 10.5A2.5 2.5 0 0 1 10.5 8h11A2.5 2.5 0 0 1 24 10.5v7a2.5 2.5 0 0 1-2.5 2.5H15l-4.5 4v-4A2.5 2.5 0 0 1 8 17.5z"
        fill="#fff"
      />
    </svg>
  );
}
