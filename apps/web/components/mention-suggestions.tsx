'use client';

import type { User } from '@chat/shared';

interface Props {
  id: string;
  users: readonly User[];
  active: number;
  onPick: (user: User) => void;
  /** Who is online, to show it beside each name. */
  isOnline: (user: User) => boolean;
}

/**
 * The people offered for the `@name` being typed, above the composer. The
 * composer's field keeps the focus and points at the active option
 * (aria-activedescendant); a click or tap picks too.
 */
export function MentionSuggestions({ id, users, active, onPick, isOnline }: Props) {
  return (
    <ul
      id={id}
      role="listbox"
      aria-label="People to mention"
      className="absolute bottom-full left-0 z-20 mb-1 max-h-60 w-64 overflow-y-auto rounded-lg border border-zinc-200 bg-white py-1 shadow-lg dark:border-zinc-700 dark:bg-zinc-900"
      data-testid="mention-suggestions"
    >
      {users.map((user, index) => (
        <li
          key={user.id}
          id={`${id}-${index}`}
          role="option"
          aria-selected={index === active}
          // mousedown, not click: the field keeps the focus (and its caret).
          onMouseDown={(event) => {
            event.preventDefault();
            onPick(user);
          }}
          className={`flex cursor-pointer items-center gap-2 px-3 py-1.5 text-sm ${
            index === active
              ? 'bg-sky-100 text-sky-900 dark:bg-sky-900/60 dark:text-sky-100'
              : 'text-zinc-800 hover:bg-zinc-100 dark:text-zinc-200 dark:hover:bg-zinc-800'
          }`}
          data-testid="mention-option"
          data-username={user.username}
        >
          <span
            aria-hidden="true"
            className={`size-2 shrink-0 rounded-full ${isOnline(user) ? 'bg-emerald-500' : 'bg-zinc-300 dark:bg-zinc-600'}`}
          />
          <span className="truncate">@{user.username}</span>
          {isOnline(user) && <span className="sr-only">(online)</span>}
        </li>
      ))}
    </ul>
  );
}
