'use client';

import { useCallback, useMemo, useState } from 'react';
import type { Message, ReplySnapshot, User } from '@chat/shared';
import type { ConnectionStatus } from '../hooks/use-chat-socket';
import type { RoomActions } from '../hooks/use-room-actions';
import { useRoomMembers } from '../hooks/use-room-members';
import type { ApiClient } from '../lib/api';
import { knownNames, mentionableUsers } from '../lib/known-users';
import { isOnline, type OnlineUsers } from '../lib/presence';
import { replySnapshot } from '../lib/reply-snapshot';
import { dmPartner, roomDisplayName, type ListedRoom } from '../lib/room-list';
import { displayedMessages, type Timeline } from '../lib/timeline-state';
import { typingLabel } from '../lib/typing';
import { Composer } from './composer';
import { MembersPanel } from './members-panel';
import { MessageActionsContext, type MessageActions } from './message-actions-context';
import { MessageTimeline } from './message-timeline';
import { PresenceDot } from './presence-dot';
import { LockIcon } from './room-list';
import { alertClass, focusRing, noticeClass, secondaryButtonClass } from './ui';

interface Props {
  room: ListedRoom;
  timeline: Timeline;
  self: User;
  status: ConnectionStatus;
  online: OnlineUsers;
  /** Other people typing here. */
  typing: readonly User[];
  api: ApiClient;
  actions: RoomActions;
  /** Back to the room list (phone widths). */
  onBack: () => void;
  onAddMember: () => void;
  /** Adds someone to this private room (the members panel); throws on failure. */
  onAddPerson: (username: string) => Promise<void>;
  /** Leaves this room (hides a DM); throws on failure. */
  onLeave: () => Promise<void>;
}

/** One room: header, messages, who is typing, composer; the members panel of private rooms and DMs. */
export function RoomView({
  room,
  timeline,
  self,
  status,
  online,
  typing,
  api,
  actions,
  onBack,
  onAddMember,
  onAddPerson,
  onLeave,
}: Props) {
  const name = roomDisplayName(room, self.username);
  const partner = dmPartner(room, self.username);
  const partnerOnline = partner !== null && isOnline(online, partner);
  const connected = status === 'connected';
  const typingText = typingLabel(typing);
  const members = useRoomMembers(api, room);
  const [panelOpen, setPanelOpen] = useState(false);
  const [replyTo, setReplyTo] = useState<ReplySnapshot | null>(null);
  const [editingId, setEditingId] = useState<string | null>(null);

  const names = useMemo(
    () =>
      knownNames(
        [[self], members.members ?? [], online],
        [timeline.messages, ...(timeline.window ? [timeline.window.messages] : [])],
      ),
    [self, members.members, online, timeline.messages, timeline.window],
  );
  const mentionable = useMemo(
    () => mentionableUsers(members.members, names),
    [members.members, names],
  );
  const onlineCheck = useCallback((user: User) => isOnline(online, user.username), [online]);

  const { send, edit, remove, toggleReaction, addReaction, showMessage } = actions;
  const context = useMemo<MessageActions>(
    () => ({
      self,
      names,
      // The creator of a room may delete anyone's message in it; a DM has no such creator.
      roomOwner: room.kind !== 'dm' && room.createdBy === self.id,
      toggleReaction,
      addReaction,
      reply: (message: Message) => setReplyTo(replySnapshot(message)),
      startEdit: setEditingId,
      saveEdit: (messageId, text) => {
        edit(messageId, text);
        setEditingId(null);
      },
      cancelEdit: () => setEditingId(null),
      remove,
      showMessage,
    }),
    [
      self,
      names,
      room.kind,
      room.createdBy,
      toggleReaction,
      addReaction,
      edit,
      remove,
      showMessage,
    ],
  );

  // Up arrow in the empty composer: one's last message that is not deleted.
  const editLast = useCallback(() => {
    const sent = displayedMessages(timeline).sent;
    for (let i = sent.length - 1; i >= 0; i -= 1) {
      const message = sent[i] as Message;
      if (message.userId === self.id && !message.deleted) {
        setEditingId(message.id);
        return true;
      }
    }
    return false;
  }, [timeline, self.id]);

  const sendMessage = useCallback(
    (text: string) => {
      send(text, replyTo ?? undefined);
      setReplyTo(null);
    },
    [send, replyTo],
  );

  return (
    <section
      aria-label={name}
      className="flex min-h-0 flex-1 flex-col"
      data-testid="room-view"
      data-room-id={room.id}
      data-joined={timeline.joined}
      data-detached={timeline.window !== null}
    >
      <header className="flex h-14 shrink-0 items-center gap-3 border-b border-zinc-200 bg-white px-4 dark:border-zinc-800 dark:bg-zinc-950">
        <button
          type="button"
          onClick={onBack}
          className={`-ml-2 rounded-md px-2 py-1 text-sm text-sky-700 md:hidden dark:text-sky-400 ${focusRing}`}
          data-testid="back-to-rooms"
        >
          ← Rooms
        </button>
        <div className="min-w-0 flex-1">
          <h1
            className="flex items-center gap-2 truncate text-base font-semibold"
            data-testid="room-title"
          >
            {partner !== null ? (
              <PresenceDot online={partnerOnline} />
            ) : (
              <span aria-hidden="true" className="text-zinc-400">
                {room.kind === 'private' ? <LockIcon /> : '#'}
              </span>
            )}
            <span className="truncate">{name}</span>
          </h1>
          <p className="truncate text-xs text-zinc-500 dark:text-zinc-400" data-testid="room-info">
            {room.kind === 'dm'
              ? `Direct message · ${partnerOnline ? 'online' : 'offline'}`
              : room.kind === 'private'
                ? 'Private room · only members can see it'
                : `Public room · ${online.length} ${online.length === 1 ? 'person' : 'people'} online`}
          </p>
        </div>
        {room.kind !== 'public' && (
          <button
            type="button"
            onClick={() => {
              // Read again on every opening: someone may have joined or left meanwhile.
              members.reload();
              setPanelOpen(true);
            }}
            aria-haspopup="dialog"
            className={`shrink-0 ${secondaryButtonClass}`}
            data-testid="open-members"
          >
            {room.kind === 'dm' ? 'Details' : 'Members'}
            {members.members && room.kind === 'private' && (
              <span className="ml-1 text-zinc-500 dark:text-zinc-400">
                {members.members.length}
              </span>
            )}
          </button>
        )}
        {room.kind === 'private' && (
          <button
            type="button"
            onClick={onAddMember}
            className={`shrink-0 ${secondaryButtonClass}`}
            data-testid="add-member"
          >
            Add people
          </button>
        )}
      </header>

      {!connected && (
        <p className={`m-3 mb-0 ${noticeClass}`} role="status" data-testid="offline-banner">
          {status === 'connecting'
            ? 'Connecting to the chat server…'
            : 'You are offline. Messages you write now are sent when the connection is back.'}
        </p>
      )}

      {timeline.error && (
        <div className={`m-3 flex items-center justify-between gap-3 ${alertClass}`} role="alert">
          <span>{timeline.error}</span>
          {!timeline.historyLoaded && (
            <button type="button" className={secondaryButtonClass} onClick={actions.loadOlder}>
              Try again
            </button>
          )}
        </div>
      )}

      {timeline.changeError && (
        <div
          className={`m-3 mb-0 flex items-center justify-between gap-3 ${alertClass}`}
          role="alert"
          data-testid="change-error"
        >
          <span>{timeline.changeError}</span>
          <button
            type="button"
            className={secondaryButtonClass}
            onClick={actions.dismissChangeError}
          >
            Dismiss
          </button>
        </div>
      )}

      <MessageActionsContext.Provider value={context}>
        <MessageTimeline
          timeline={timeline}
          self={self}
          onLoadOlder={actions.loadOlder}
          onLoadNewer={actions.loadNewer}
          onJumpToLatest={actions.jumpToLatest}
          onRetry={actions.retry}
          editingId={editingId}
        />
      </MessageActionsContext.Provider>
      <p
        className="h-6 shrink-0 truncate px-4 pt-1 text-xs text-zinc-500 italic dark:text-zinc-400"
        aria-live="polite"
        data-testid="typing-indicator"
      >
        {typingText}
      </p>
      <Composer
        roomName={name}
        connected={connected}
        onSend={sendMessage}
        onTyping={actions.sendTyping}
        replyTo={replyTo}
        onCancelReply={() => setReplyTo(null)}
        onEditLast={editLast}
        mentionable={mentionable}
        selfId={self.id}
        isOnline={onlineCheck}
      />

      {panelOpen && room.kind !== 'public' && (
        <MembersPanel
          roomName={name}
          kind={room.kind}
          self={self}
          members={members.members}
          error={members.error}
          isOnline={onlineCheck}
          onAdd={async (username) => {
            await onAddPerson(username);
            members.reload();
          }}
          onLeave={onLeave}
          onClose={() => setPanelOpen(false)}
        />
      )}
    </section>
  );
}
