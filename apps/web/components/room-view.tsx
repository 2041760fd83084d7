'use client';

import type { User } from '@chat/shared';
import type { ConnectionStatus } from '../hooks/use-chat-socket';
import { isOnline, type OnlineUsers } from '../lib/presence';
import { dmPartner, roomDisplayName, type ListedRoom } from '../lib/room-list';
import type { Timeline } from '../lib/timeline-state';
import { typingLabel } from '../lib/typing';
import { Composer } from './composer';
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
  /** Back to the room list (phone widths). */
  onBack: () => void;
  onLoadOlder: () => void;
  onLoadNewer: () => void;
  onJumpToLatest: () => void;
  onSend: (text: string) => void;
  onRetry: (clientId: string) => void;
  onTyping: (typing: boolean) => void;
  onAddMember: () => void;
}

/** One room: header, messages, who is typing, composer. */
export function RoomView({
  room,
  timeline,
  self,
  status,
  online,
  typing,
  onBack,
  onLoadOlder,
  onLoadNewer,
  onJumpToLatest,
  onSend,
  onRetry,
  onTyping,
  onAddMember,
}: Props) {
  const name = roomDisplayName(room, self.username);
  const partner = dmPartner(room, self.username);
  const partnerOnline = partner !== null && isOnline(online, partner);
  const connected = status === 'connected';
  const typingText = typingLabel(typing);

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
            <button type="button" className={secondaryButtonClass} onClick={onLoadOlder}>
              Try again
            </button>
          )}
        </div>
      )}

      <MessageTimeline
        timeline={timeline}
        self={self}
        onLoadOlder={onLoadOlder}
        onLoadNewer={onLoadNewer}
        onJumpToLatest={onJumpToLatest}
        onRetry={onRetry}
      />
      <p
        className="h-6 shrink-0 truncate px-4 pt-1 text-xs text-zinc-500 italic dark:text-zinc-400"
        aria-live="polite"
        data-testid="typing-indicator"
      >
        {typingText}
      </p>
      <Composer roomName={name} connected={connected} onSend={onSend} onTyping={onTyping} />
    </section>
  );
}
