import type { RoomKind } from '@chat/shared';
import { isOnline, type OnlineUsers } from '../lib/presence';
import { dmPartner, roomDisplayName, type ListedRoom, type RoomSections } from '../lib/room-list';
import { badgeLabel, mentionCount, unreadCount, type UnreadState } from '../lib/unread';
import { PresenceDot } from './presence-dot';
import { focusRing } from './ui';

const SECTIONS: { kind: RoomKind; title: string; empty: string }[] = [
  { kind: 'public', title: 'Public rooms', empty: 'No public rooms yet.' },
  { kind: 'private', title: 'Private rooms', empty: 'No private rooms.' },
  { kind: 'dm', title: 'Direct messages', empty: 'No conversations yet.' },
];

interface Props {
  sections: RoomSections;
  selfUsername: string;
  activeRoomId: string | null;
  unread: UnreadState;
  online: OnlineUsers;
  onSelect: (roomId: string) => void;
}

export function RoomList({
  sections,
  selfUsername,
  activeRoomId,
  unread,
  online,
  onSelect,
}: Props) {
  return (
    <nav aria-label="Rooms" className="flex flex-col gap-5" data-testid="room-list">
      {SECTIONS.map(({ kind, title, empty }) => (
        <section key={kind} aria-labelledby={`rooms-${kind}`} data-testid={`room-section-${kind}`}>
          <h2
            id={`rooms-${kind}`}
            className="mb-1 px-2 text-xs font-semibold tracking-wide text-zinc-500 uppercase dark:text-zinc-400"
          >
            {title}
          </h2>
          {sections[kind].length === 0 ? (
            <p className="px-2 text-sm text-zinc-500 dark:text-zinc-400">{empty}</p>
          ) : (
            <ul className="flex flex-col gap-0.5">
              {sections[kind].map((room) => {
                const partner = room.kind === 'dm' ? dmPartner(room, selfUsername) : null;
                return (
                  <li key={room.id}>
                    <RoomButton
                      room={room}
                      name={roomDisplayName(room, selfUsername)}
                      active={room.id === activeRoomId}
                      unread={room.id === activeRoomId ? 0 : unreadCount(unread, room.id)}
                      mentions={room.id === activeRoomId ? 0 : mentionCount(unread, room.id)}
                      partnerOnline={partner === null ? null : isOnline(online, partner)}
                      onSelect={onSelect}
                    />
                  </li>
                );
              })}
            </ul>
          )}
        </section>
      ))}
    </nav>
  );
}

function RoomButton({
  room,
  name,
  active,
  unread,
  mentions,
  partnerOnline,
  onSelect,
}: {
  room: ListedRoom;
  name: string;
  active: boolean;
  unread: number;
  /** Unread messages that mention the reader (Protocol v1.1): a badge of its own. */
  mentions: number;
  /** DMs: whether the other person is online. */
  partnerOnline: boolean | null;
  onSelect: (roomId: string) => void;
}) {
  return (
    <button
      type="button"
      onClick={() => onSelect(room.id)}
      aria-current={active ? 'page' : undefined}
      data-testid="room-item"
      data-room-id={room.id}
      data-room-name={room.name}
      data-room-kind={room.kind}
      data-unread={unread}
      data-mentions={mentions}
      className={`flex w-full items-center gap-2 rounded-md px-2 py-1.5 text-left text-sm ${focusRing} ${
        active
          ? 'bg-sky-100 font-semibold text-sky-900 dark:bg-sky-900/50 dark:text-sky-100'
          : unread > 0
            ? 'font-semibold text-zinc-900 hover:bg-zinc-100 dark:text-white dark:hover:bg-zinc-800'
            : 'text-zinc-700 hover:bg-zinc-100 dark:text-zinc-300 dark:hover:bg-zinc-800'
      }`}
    >
      {partnerOnline !== null ? (
        <PresenceDot online={partnerOnline} />
      ) : (
        <span aria-hidden="true" className="w-4 shrink-0 text-center text-zinc-400">
          {room.kind === 'private' ? <LockIcon /> : '#'}
        </span>
      )}
      <span className="min-w-0 flex-1 truncate">{name}</span>
      {room.kind === 'private' && <span className="sr-only">(private)</span>}
      {partnerOnline !== null && (
        <span className="sr-only">{partnerOnline ? '(online)' : '(offline)'}</span>
      )}
      {mentions > 0 && (
        <>
          <span
            aria-hidden="true"
            className="ml-auto min-w-5 shrink-0 rounded-full bg-amber-500 px-1.5 py-0.5 text-center text-[11px] leading-none font-bold text-zinc-950 dark:bg-amber-400"
            data-testid="mention-badge"
            title={`${mentions} unread ${mentions === 1 ? 'mention' : 'mentions'}`}
          >
            @{badgeLabel(mentions)}
          </span>
          <span className="sr-only">
            , {badgeLabel(mentions)} {mentions === 1 ? 'mention' : 'mentions'}
          </span>
        </>
      )}
      {unread > 0 && (
        <>
          <span
            aria-hidden="true"
            className="ml-auto min-w-5 shrink-0 rounded-full bg-sky-700 px-1.5 py-0.5 text-center text-[11px] leading-none font-bold text-white"
            data-testid="unread-badge"
          >
            {badgeLabel(unread)}
          </span>
          <span className="sr-only">
            , {badgeLabel(unread)} unread {unread === 1 ? 'message' : 'messages'}
          </span>
        </>
      )}
    </button>
  );
}

export function LockIcon() {
  return (
    <svg viewBox="0 0 16 16" className="inline size-3.5 align-[-2px]" aria-hidden="true">
      <rect x="3" y="7" width="10" height="7" rx="1.5" fill="currentColor" />
      <path d="M5.5 7V5a2.5 2.5 0 0 1 5 0v2" stroke="currentColor" strokeWidth="1.5" fill="none" />
    </svg>
  );
}
