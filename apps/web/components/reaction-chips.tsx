'use client';

import type { Reaction } from '@chat/shared';
import { focusRing } from './ui';

interface Props {
  messageId: string;
  reactions: readonly Reaction[];
  selfId: string;
  names: ReadonlyMap<string, string>;
  /** Absent: the chips only show (no room view around them). */
  onToggle?: (messageId: string, emoji: string) => void;
}

/**
 * A message's reactions as chips with counts, in order of first use. One's
 * own is highlighted and pressed (aria-pressed); a click toggles it. Hover
 * (title) and the accessible name say who reacted.
 */
export function ReactionChips({ messageId, reactions, selfId, names, onToggle }: Props) {
  if (reactions.length === 0) return null;
  return (
    <ul className="mt-1 flex flex-wrap gap-1" aria-label="Reactions" data-testid="reactions">
      {reactions.map((reaction) => {
        const mine = reaction.userIds.includes(selfId);
        const who = reactedBy(reaction, selfId, names);
        const count = reaction.userIds.length;
        return (
          <li key={reaction.emoji} className="group/chip relative">
            <button
              type="button"
              aria-pressed={mine}
              title={`${who} reacted with ${reaction.emoji}`}
              aria-label={`${reaction.emoji} ${count}: ${who}. ${
                mine ? 'Press to take yours back' : 'Press to add yours'
              }`}
              onClick={() => onToggle?.(messageId, reaction.emoji)}
              disabled={!onToggle}
              className={`inline-flex items-center gap-1 rounded-full border px-2 py-0.5 text-xs ${focusRing} ${
                mine
                  ? 'border-sky-500 bg-sky-50 font-semibold text-sky-800 dark:border-sky-400 dark:bg-sky-900/50 dark:text-sky-100'
                  : 'border-zinc-200 bg-white text-zinc-700 hover:bg-zinc-100 dark:border-zinc-700 dark:bg-zinc-800 dark:text-zinc-200 dark:hover:bg-zinc-700'
              }`}
              data-testid="reaction-chip"
              data-emoji={reaction.emoji}
              data-count={count}
              data-mine={mine}
            >
              <span aria-hidden="true">{reaction.emoji}</span>
              <span aria-hidden="true">{count}</span>
            </button>
            {/* Who reacted, for keyboard users too (a title shows on hover only). */}
            <span
              aria-hidden="true"
              className="pointer-events-none absolute bottom-full left-0 z-20 mb-1 hidden rounded bg-zinc-900 px-2 py-1 text-[11px] whitespace-nowrap text-white shadow group-has-[:focus-visible]/chip:block dark:bg-zinc-100 dark:text-zinc-900"
            >
              {who}
            </span>
          </li>
        );
      })}
    </ul>
  );
}

/** "You, alice and someone": who reacted, by name where the app knows it. */
export function reactedBy(
  reaction: Reaction,
  selfId: string,
  names: ReadonlyMap<string, string>,
): string {
  const people = reaction.userIds.map((id) =>
    id === selfId ? 'You' : (names.get(id) ?? 'someone'),
  );
  if (people.length <= 1) return people[0] ?? 'Nobody';
  return `${people.slice(0, -1).join(', ')} and ${people.at(-1)}`;
}
