'use client';

import { useRef, type KeyboardEvent } from 'react';
import { QUICK_REACTIONS } from '../lib/emoji-data';
import { focusRing } from './ui';

interface Props {
  own: boolean;
  /** Own message, or any message in a room the user created. */
  canDelete: boolean;
  /** The reactions the user has on the message already (shown pressed). */
  reacted: ReadonlySet<string>;
  onReact: (emoji: string) => void;
  onMoreReactions: () => void;
  onReply: () => void;
  onEdit: () => void;
  onDelete: () => void;
}

const buttonClass = `inline-flex size-8 items-center justify-center rounded-md text-base hover:bg-zinc-100 aria-pressed:bg-sky-100 dark:hover:bg-zinc-700 dark:aria-pressed:bg-sky-900/60 ${focusRing} focus-visible:outline-offset-0`;

/**
 * A message's actions: the common reactions one click away, more reactions
 * (the picker), reply, and for one's own messages edit and delete. A
 * toolbar: Tab enters it, Left/Right (and Home/End) move inside it.
 */
export function MessageToolbar({
  own,
  canDelete,
  reacted,
  onReact,
  onMoreReactions,
  onReply,
  onEdit,
  onDelete,
}: Props) {
  const bar = useRef<HTMLDivElement>(null);

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    const buttons = [...(bar.current?.querySelectorAll<HTMLButtonElement>('button') ?? [])];
    const at = buttons.indexOf(document.activeElement as HTMLButtonElement);
    if (at < 0) return;
    const to =
      event.key === 'ArrowRight'
        ? (at + 1) % buttons.length
        : event.key === 'ArrowLeft'
          ? (at - 1 + buttons.length) % buttons.length
          : event.key === 'Home'
            ? 0
            : event.key === 'End'
              ? buttons.length - 1
              : -1;
    if (to < 0) return;
    event.preventDefault();
    event.stopPropagation();
    buttons[to]?.focus();
  };

  return (
    <div
      ref={bar}
      role="toolbar"
      aria-label="Message actions"
      onKeyDown={onKeyDown}
      className="flex max-w-[calc(100vw-2rem)] flex-wrap items-center gap-0.5 rounded-lg border border-zinc-200 bg-white p-0.5 shadow-md dark:border-zinc-700 dark:bg-zinc-800"
      data-testid="message-actions"
    >
      {QUICK_REACTIONS.map((emoji) => (
        <button
          key={emoji}
          type="button"
          aria-label={`React with ${emoji}`}
          aria-pressed={reacted.has(emoji)}
          title={`React with ${emoji}`}
          onClick={() => onReact(emoji)}
          className={buttonClass}
          data-testid="quick-reaction"
          data-emoji={emoji}
        >
          <span aria-hidden="true">{emoji}</span>
        </button>
      ))}
      <button
        type="button"
        aria-label="More reactions"
        title="More reactions"
        aria-haspopup="dialog"
        onClick={onMoreReactions}
        className={buttonClass}
        data-testid="more-reactions"
      >
        <svg viewBox="0 0 20 20" className="size-5" aria-hidden="true" focusable="false">
          <circle cx="9" cy="10" r="6.5" fill="none" stroke="currentColor" strokeWidth="1.5" />
          <path
            d="M6.5 12a3.2 3.2 0 0 0 5 0"
            fill="none"
            stroke="currentColor"
            strokeWidth="1.5"
            strokeLinecap="round"
          />
          <path
            d="M16 2v5M13.5 4.5h5"
            stroke="currentColor"
            strokeWidth="1.5"
            strokeLinecap="round"
          />
        </svg>
      </button>
      <span aria-hidden="true" className="mx-0.5 h-5 w-px bg-zinc-200 dark:bg-zinc-700" />
      <button
        type="button"
        onClick={onReply}
        className={`${buttonClass} w-auto px-2 text-xs font-medium`}
        data-testid="action-reply"
      >
        Reply
      </button>
      {own && (
        <button
          type="button"
          onClick={onEdit}
          className={`${buttonClass} w-auto px-2 text-xs font-medium`}
          data-testid="action-edit"
        >
          Edit
        </button>
      )}
      {canDelete && (
        <button
          type="button"
          onClick={onDelete}
          aria-haspopup="dialog"
          className={`${buttonClass} w-auto px-2 text-xs font-medium text-red-700 dark:text-red-300`}
          data-testid="action-delete"
        >
          Delete
        </button>
      )}
    </div>
  );
}
