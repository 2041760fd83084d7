'use client';

import type { ComponentProps } from 'react';
import type { ChatDialogs as Dialogs } from '../hooks/use-chat-dialogs';
import type { ListedRoom } from '../lib/room-list';
import { CreateRoomDialog } from './create-room-dialog';
import { UsernameDialog } from './username-dialog';

interface Props {
  dialogs: Dialogs;
  /** The open room: people are added to it. */
  activeRoom: ListedRoom | null;
  /** Usernames to suggest (people online but the user). */
  suggestions: readonly string[];
}

type UsernameDialogText = Omit<ComponentProps<typeof UsernameDialog>, 'suggestions' | 'onClose'>;

/** The chat screen's open dialog, if any: new room, new DM, or add people to the open room. */
export function ChatDialogs({ dialogs, activeRoom, suggestions }: Props) {
  const { dialog, close } = dialogs;
  if (dialog === 'create-room') {
    return <CreateRoomDialog onCreate={dialogs.createRoom} onClose={close} />;
  }
  let text: UsernameDialogText | null = null;
  if (dialog === 'start-dm') {
    text = {
      title: 'New direct message',
      description: 'Start a private conversation with one person.',
      submitLabel: 'Open conversation',
      busyLabel: 'Opening…',
      onSubmit: dialogs.openDm,
      testId: 'start-dm',
    };
  } else if (dialog === 'add-member' && activeRoom) {
    text = {
      title: `Add people to ${activeRoom.name}`,
      description: 'They will see the room and its whole history.',
      submitLabel: 'Add',
      busyLabel: 'Adding…',
      onSubmit: dialogs.addMember,
      testId: 'add-member',
    };
  }
  return (
    text && <UsernameDialog key={dialog} {...text} suggestions={suggestions} onClose={close} />
  );
}
