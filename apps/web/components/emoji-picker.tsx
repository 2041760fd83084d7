'use client';

import { useId, useMemo, useState, type KeyboardEvent } from 'react';
import { EMOJI } from '../lib/emoji-data';
import { searchEmoji } from '../lib/emoji-search';
import { Dialog } from './dialog';
import { inputClass } from './ui';

interface Props {
  onPick: (emoji: string) => void;
  onClose: () => void;
}

/** Emoji per row of the grid (arrow Up and Down move by this many). */
const COLUMNS = 8;

/**
 * A searchable emoji picker in a dialog (the bundled list of lib/emoji-data.ts:
 * no remote fetch, no injected styles). The search field keeps the focus, as
 * a combobox: typing filters, the arrows move the active emoji (Left/Right by
 * one, Up/Down by a row), Enter picks it, Escape closes (the dialog gives the
 * focus back to what opened it). A click or tap picks too.
 */
export function EmojiPicker({ onPick, onClose }: Props) {
  const [query, setQuery] = useState('');
  const [active, setActive] = useState(0);
  const id = useId();
  const found = useMemo(() => searchEmoji(query, EMOJI), [query]);
  const current = Math.min(active, Math.max(0, found.length - 1));

  const pick = (emoji: string) => {
    onPick(emoji);
    onClose();
  };

  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    const moves: Record<string, number> = {
      ArrowRight: 1,
      ArrowLeft: -1,
      ArrowDown: COLUMNS,
      ArrowUp: -COLUMNS,
    };
    const move = moves[event.key];
    if (move !== undefined && found.length > 0) {
      event.preventDefault();
      const next = Math.max(0, Math.min(found.length - 1, current + move));
      setActive(next);
      document.getElementById(`${id}-${next}`)?.scrollIntoView({ block: 'nearest' });
    } else if (event.key === 'Enter') {
      event.preventDefault();
      const entry = found[current];
      if (entry) pick(entry.emoji);
    }
  };

  return (
    <Dialog title="Add a reaction" onClose={onClose} testId="emoji-picker">
      <label htmlFor={`${id}-search`} className="sr-only">
        Search emoji
      </label>
      <input
        id={`${id}-search`}
        type="search"
        role="combobox"
        aria-expanded="true"
        aria-controls={`${id}-list`}
        aria-activedescendant={found.length > 0 ? `${id}-${current}` : undefined}
        aria-autocomplete="list"
        placeholder="Search emoji (e.g. heart, party)"
        value={query}
        onChange={(event) => {
          setQuery(event.target.value);
          setActive(0);
        }}
        onKeyDown={onKeyDown}
        autoComplete="off"
        spellCheck={false}
        className={inputClass}
        data-autofocus
        data-testid="emoji-search"
      />
      <p className="mt-1 text-xs text-zinc-500 dark:text-zinc-400" aria-live="polite">
        {found.length === 0
          ? 'No emoji found.'
          : `${found[current]?.name ?? ''} · arrows to move, Enter to pick`}
      </p>
      <ul
        id={`${id}-list`}
        role="listbox"
        aria-label="Emoji"
        className="mt-2 grid max-h-64 grid-cols-8 gap-1 overflow-y-auto"
        data-testid="emoji-list"
      >
        {found.map((entry, index) => (
          <li
            key={entry.emoji}
            id={`${id}-${index}`}
            role="option"
            aria-selected={index === current}
            aria-label={entry.name}
            title={entry.name}
            onClick={() => pick(entry.emoji)}
            onMouseMove={() => {
              if (index !== current) setActive(index);
            }}
            className={`flex aspect-square cursor-pointer items-center justify-center rounded-md text-2xl select-none ${
              index === current
                ? 'bg-sky-100 ring-2 ring-sky-500 dark:bg-sky-900/60'
                : 'hover:bg-zinc-100 dark:hover:bg-zinc-800'
            }`}
            data-testid="emoji-option"
            data-emoji={entry.emoji}
          >
            {entry.emoji}
          </li>
        ))}
      </ul>
    </Dialog>
  );
}
