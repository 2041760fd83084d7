'use client';

import type { ReplySnapshot } from '@chat/shared';
import { focusRing } from './ui';

interface Props {
  quote: ReplySnapshot;
  selfId: string;
  /** Scrolls to the quoted message; absent: the quote only shows. */
  onShow?: (messageId: string) => void;
}

/** A reply's compact quote of what it answers; a click goes to the original. */
export function ReplyQuote({ quote, selfId, onShow }: Props) {
  const who = quote.userId === selfId ? 'You' : quote.username;
  const body = quote.deleted ? (
    <span className="italic">This message was deleted</span>
  ) : (
    <span className="line-clamp-2 break-words whitespace-pre-wrap">{quote.text}</span>
  );
  const className = `mb-1 block max-w-full rounded-md border-l-4 border-zinc-400 bg-zinc-100 px-2 py-1 text-left text-xs text-zinc-600 dark:border-zinc-500 dark:bg-zinc-800/80 dark:text-zinc-300 ${focusRing}`;
  // The button's name is its visible text with a hidden lead-in (no aria-label: a name that
  // differs from what sighted users read breaks voice control, as axe's
  // label-content-name-mismatch says).
  const content = (
    <>
      <span className="block font-semibold text-zinc-700 dark:text-zinc-200">
        <span className="sr-only">In reply to </span>
        {who}
        <span className="sr-only">: </span>
      </span>
      {body}
    </>
  );
  if (!onShow) {
    return (
      <div className={className} data-testid="reply-quote" data-reply-to={quote.id}>
        {content}
      </div>
    );
  }
  return (
    <button
      type="button"
      onClick={() => onShow(quote.id)}
      title="Show the message it answers"
      className={`${className} hover:bg-zinc-200 dark:hover:bg-zinc-700`}
      data-testid="reply-quote"
      data-reply-to={quote.id}
    >
      {content}
    </button>
  );
}
