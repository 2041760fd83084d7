import type { User } from '@chat/shared';
import type { OnlineUsers as OnlineList } from '../lib/presence';
import { PresenceDot } from './presence-dot';
import { focusRing } from './ui';

interface Props {
  online: OnlineList;
  self: User;
  /** Connected: the list is live. Otherwise it is the last known state, shown dimmed. */
  live: boolean;
  /** Opens (or starts) the DM with someone. */
  onMessage: (username: string) => void;
}

/** Everyone online, yourself first; a click on someone else opens your DM with them. */
export function OnlineUsers({ online, self, live, onMessage }: Props) {
  const others = online.filter((user) => user.id !== self.id);
  const selfOnline = live && online.some((user) => user.id === self.id);
  return (
    <section
      aria-labelledby="online-users-title"
      data-testid="online-users"
      data-live={live}
      // Not live: the dots fade, the names keep their contrast (opacity took it below 3:1).
      className={live ? '' : '[&_[data-testid=presence-dot]]:opacity-40'}
    >
      <h2
        id="online-users-title"
        className="mb-1 px-2 text-xs font-semibold tracking-wide text-zinc-500 uppercase dark:text-zinc-400"
      >
        Online — {online.length}
        {!live && <span className="font-normal tracking-normal normal-case"> (last known)</span>}
      </h2>
      <ul className="flex flex-col gap-0.5">
        <li
          className="flex items-center gap-2 px-2 py-1.5 text-sm text-zinc-700 dark:text-zinc-300"
          data-testid="presence-user"
          data-username={self.username}
          data-online={selfOnline}
        >
          <PresenceDot online={selfOnline} />
          <span className="min-w-0 truncate">{self.username}</span>
          <span className="text-xs text-zinc-500 dark:text-zinc-400">(you)</span>
        </li>
        {others.map((user) => (
          <li key={user.id}>
            <button
              type="button"
              onClick={() => onMessage(user.username)}
              className={`flex w-full items-center gap-2 rounded-md px-2 py-1.5 text-left text-sm text-zinc-700 hover:bg-zinc-100 dark:text-zinc-300 dark:hover:bg-zinc-800 ${focusRing}`}
              data-testid="presence-user"
              data-username={user.username}
              data-online="true"
              title={`Message ${user.username}`}
            >
              <PresenceDot online />
              <span className="min-w-0 truncate">{user.username}</span>
              <span className="sr-only">(online), send a direct message</span>
            </button>
          </li>
        ))}
      </ul>
      {others.length === 0 && (
        <p className="px-2 pt-1 text-xs text-zinc-500 dark:text-zinc-400">Nobody else is online.</p>
      )}
    </section>
  );
}
