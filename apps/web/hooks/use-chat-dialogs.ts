'use client';

import { useCallback, useState } from 'react';
import type { CreateRoomBody, Room } from '@chat/shared';
import type { RoomsState } from './use-rooms';

export type OpenDialog = 'create-room' | 'start-dm' | 'add-member' | null;

export interface ChatDialogs {
  /** The dialog shown (at most one); the page behind it is inert. */
  dialog: OpenDialog;
  show: (dialog: Exclude<OpenDialog, null>) => void;
  close: () => void;
  /** Creates the room, closes the dialog and opens the room; throws (dialog open) on failure. */
  createRoom: (body: CreateRoomBody) => Promise<void>;
  /** Opens the DM with `username`, like createRoom. */
  openDm: (username: string) => Promise<void>;
  /** Adds `username` to the open room; resolves with the confirmation to show. */
  addMember: (username: string) => Promise<string | undefined>;
}

/** The dialogs of the chat screen and what their submits do. */
export function useChatDialogs(
  rooms: RoomsState,
  selectRoom: (roomId: string) => void,
  activeRoomId: string | null,
): ChatDialogs {
  const [dialog, setDialog] = useState<OpenDialog>(null);
  const close = useCallback(() => setDialog(null), []);
  const enter = useCallback(
    async (room: Promise<Room>) => {
      const { id } = await room;
      setDialog(null);
      selectRoom(id);
    },
    [selectRoom],
  );
  const createRoom = useCallback(
    (body: CreateRoomBody) => enter(rooms.createRoom(body)),
    [rooms, enter],
  );
  const openDm = useCallback((username: string) => enter(rooms.openDm(username)), [rooms, enter]);
  const addMember = useCallback(
    async (username: string) => {
      if (!activeRoomId) return;
      await rooms.addMember(activeRoomId, username);
      return `${username} can now see this room.`;
    },
    [rooms, activeRoomId],
  );
  return { dialog, show: setDialog, close, createRoom, openDm, addMember };
}
