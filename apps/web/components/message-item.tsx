import { memo } from 'react';
import type { TimelineRow } from '../lib/timeline-rows';
import { MessageText } from './message-text';
import { focusRing } from './ui';

type MessageRow = Extract<TimelineRow, { kind: 'message' }>;

interface Props {
  row: MessageRow;
  /** The message the room was opened at (a search result): highlighted. */
  focused?: boolean;
  onRetry: (clientId: string) => void;
}

const TIME: Intl.DateTimeFormatOptions = { hour: '2-digit', minute: '2-digit' };
const FULL: Intl.DateTimeFormatOptions = { dateStyle: 'full', timeStyle: 'medium' };

/**
 * One message. The text is React text nodes and elements (its formatting and
 * links: MessageText) inside a pre-wrap block: it is never parsed as HTML, and
 * its line breaks show as written.
 */
export const MessageItem = memo(MessageItemView, (before, after) => {
  // Rows are rebuilt on every change; the message objects inside them are not.
  return (
    before.onRetry === after.onRetry &&
    before.focused === after.focused &&
    before.row.key === after.row.key &&
    before.row.entry.message === after.row.entry.message &&
    before.row.entry.status === after.row.entry.status &&
    before.row.own === after.row.own &&
    before.row.startsGroup === after.row.startsGroup
  );
});

function MessageItemView({ row, focused = false, onRetry }: Props) {
  const { entry, own, startsGroup } = row;
  const { message, status } = entry;
  const date = new Date(message.createdAt);
  const time = date.toLocaleTimeString([], TIME);
  const full = date.toLocaleString([], FULL);

  return (
    <li
      data-testid="message"
      data-row-key={row.key}
      data-message-id={entry.status === 'sent' ? entry.message.id : ''}
      data-client-id={message.clientId}
      data-status={status}
      data-own={own}
      data-focused={focused}
      aria-current={focused ? 'true' : undefined}
      className={`group flex flex-col px-4 ${own ? 'items-end' : 'items-start'} ${startsGroup ? 'mt-3' : 'mt-0.5'} ${
        focused ? 'bg-amber-100/60 py-1 dark:bg-amber-900/25' : ''
      }`}
    >
      {startsGroup ? (
        <p
          className={`mb-0.5 flex items-baseline gap-2 px-1 text-xs text-zinc-500 dark:text-zinc-400 ${own ? 'flex-row-reverse' : ''}`}
        >
          <span
            className="font-semibold text-zinc-800 dark:text-zinc-200"
            data-testid="message-username"
          >
            {own ? 'You' : message.username}
          </span>
          <time dateTime={message.createdAt} title={full} data-testid="message-time">
            {time}
          </time>
        </p>
      ) : (
        <span className="sr-only">{own ? 'You' : message.username}</span>
      )}
      <div
        className={`flex max-w-[85%] items-end gap-2 sm:max-w-[70%] ${own ? 'flex-row-reverse' : ''}`}
      >
        <div
          className={`min-w-0 rounded-2xl px-3 py-2 text-sm break-words whitespace-pre-wrap ${
            own
              ? `bg-sky-700 ${status === 'pending' ? 'text-sky-100' : 'text-white'} ${startsGroup ? 'rounded-tr-md' : ''}`
              : `bg-white text-zinc-900 shadow-xs dark:bg-zinc-800 dark:text-zinc-100 ${startsGroup ? 'rounded-tl-md' : ''}`
          } ${
            status === 'failed'
              ? 'ring-2 ring-red-500'
              : focused
                ? 'ring-2 ring-amber-400 dark:ring-amber-400/80'
                : own
                  ? ''
                  : 'ring-1 ring-zinc-200 dark:ring-zinc-700'
          }`}
          data-testid="message-text"
        >
          <MessageText text={message.text} own={own} />
        </div>
        {!startsGroup && (
          <time
            dateTime={message.createdAt}
            title={full}
            className="shrink-0 text-[10px] text-zinc-500 opacity-0 transition-opacity group-focus-within:opacity-100 group-hover:opacity-100 dark:text-zinc-400"
            data-testid="message-time"
          >
            {time}
          </time>
        )}
      </div>
      {status === 'pending' && (
        <p
          className="mt-0.5 px-1 text-xs text-zinc-500 dark:text-zinc-400"
          data-testid="message-pending"
        >
          Sending…
        </p>
      )}
      {status === 'failed' && (
        <p
          className="mt-0.5 flex items-center gap-2 px-1 text-xs text-red-600 dark:text-red-400"
          role="alert"
        >
          <span>Not sent: {entry.message.error?.message ?? 'unknown error'}</span>
          <button
            type="button"
            onClick={() => onRetry(message.clientId)}
            className={`rounded font-semibold underline ${focusRing}`}
            data-testid="message-retry"
          >
            Retry
          </button>
        </p>
      )}
    </li>
  );
}
