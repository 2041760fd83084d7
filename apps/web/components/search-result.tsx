import { memo, useMemo } from 'react';
import type { Message } from '@chat/shared';
import { roomDisplayName, type ListedRoom } from '../lib/room-list';
import { searchSnippet } from '../lib/search-highlight';
import { HighlightedText } from './highlighted-text';
import { LockIcon } from './room-list';

interface Props {
  id: string;
  message: Message;
  query: string;
  /** The room from the list the app holds; undefined when it is not listed (yet). */
  room: ListedRoom | undefined;
  selfUsername: string;
  active: boolean;
  onOpen: (message: Message) => void;
  onHover: () => void;
}

const WHEN: Intl.DateTimeFormatOptions = { dateStyle: 'medium', timeStyle: 'short' };

/** One search result: the room, the author, the time, and the text with the matched words marked. */
export const SearchResult = memo(function SearchResult({
  id,
  message,
  query,
  room,
  selfUsername,
  active,
  onOpen,
  onHover,
}: Props) {
  const segments = useMemo(() => searchSnippet(message.text, query), [message.text, query]);
  const date = new Date(message.createdAt);
  return (
    <li
      id={id}
      role="option"
      aria-selected={active}
      // Keeps focus in the field: the click opens the result without a blur first.
      onMouseDown={(event) => event.preventDefault()}
      onClick={() => onOpen(message)}
      onMouseMove={onHover}
      className={`cursor-pointer rounded-md px-3 py-2 ${
        active ? 'bg-sky-50 ring-1 ring-sky-300 dark:bg-sky-950 dark:ring-sky-800' : ''
      }`}
      data-testid="search-result"
      data-room-id={message.roomId}
      data-message-id={message.id}
    >
      <p className="flex min-w-0 items-baseline gap-2 text-xs text-zinc-500 dark:text-zinc-400">
        <span
          className="flex min-w-0 items-center gap-1 truncate font-semibold text-sky-700 dark:text-sky-400"
          data-testid="search-result-room"
        >
          <RoomMark room={room} />
          <span className="truncate">{room ? roomDisplayName(room, selfUsername) : 'a room'}</span>
        </span>
        <span
          className="truncate font-medium text-zinc-800 dark:text-zinc-200"
          data-testid="search-result-author"
        >
          {message.username}
        </span>
        <time dateTime={message.createdAt} className="ml-auto shrink-0">
          {date.toLocaleString([], WHEN)}
        </time>
      </p>
      <p
        className="mt-0.5 text-sm break-words text-zinc-900 dark:text-zinc-100"
        data-testid="search-result-text"
      >
        <HighlightedText segments={segments} />
      </p>
    </li>
  );
});

function RoomMark({ room }: { room: ListedRoom | undefined }) {
  if (room?.kind === 'private') return <LockIcon />;
  if (room?.kind === 'dm') return <span aria-hidden="true">@</span>;
  return <span aria-hidden="true">#</span>;
}
