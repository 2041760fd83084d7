'use client';

import { memo, useEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import type { Message } from '@chat/shared';
import { LongPress } from '../lib/long-press';
import { mentionsUser } from '../lib/mentions';
import type { TimelineRow } from '../lib/timeline-rows';
import { ConfirmDialog } from './confirm-dialog';
import { EmojiPicker } from './emoji-picker';
import { MentionedText } from './mentioned-text';
import { useMessageActions, type MessageActions } from './message-actions-context';
import { MessageEditor } from './message-editor';
import { MessageToolbar } from './message-toolbar';
import { ReactionChips } from './reaction-chips';
import { ReplyQuote } from './reply-quote';
import { focusRing } from './ui';

type MessageRow = Extract<TimelineRow, { kind: 'message' }>;

interface Props {
  row: MessageRow;
  /** The message the room was opened at (a search result, a reply's quote): highlighted. */
  focused?: boolean;
  /** Shown as an editor (one message at a time). */
  editing?: boolean;
  onRetry: (clientId: string) => void;
}

const TIME: Intl.DateTimeFormatOptions = { hour: '2-digit', minute: '2-digit' };
const FULL: Intl.DateTimeFormatOptions = { dateStyle: 'full', timeStyle: 'medium' };
const NO_NAMES: ReadonlySet<string> = new Set();

/**
 * One message. The text is React text nodes and elements (its formatting and
 * links: MessageText) inside a pre-wrap block: it is never parsed as HTML, and
 * its line breaks show as written.
 *
 * A stored message is focusable; its actions (MessageToolbar) show on hover,
 * on keyboard focus (Tab from the message enters them, Enter moves there,
 * Up and Down go to the previous and next message) and on a long press on
 * touch screens. A deleted one is a quiet placeholder without actions.
 */
export const MessageItem = memo(MessageItemView, (before, after) => {
  // Rows are rebuilt on every change; the message objects inside them are not.
  return (
    before.onRetry === after.onRetry &&
    before.focused === after.focused &&
    before.editing === after.editing &&
    before.row.key === after.row.key &&
    before.row.entry.message === after.row.entry.message &&
    before.row.entry.status === after.row.entry.status &&
    before.row.own === after.row.own &&
    before.row.startsGroup === after.row.startsGroup
  );
});

function MessageItemView({ row, focused = false, editing = false, onRetry }: Props) {
  const { entry, own, startsGroup } = row;
  const { message, status } = entry;
  const actions = useMessageActions();
  const stored = entry.status === 'sent' ? entry.message : null;
  const deleted = stored?.deleted === true;
  const date = new Date(message.createdAt);
  const time = date.toLocaleTimeString([], TIME);
  const full = date.toLocaleString([], FULL);
  const self = actions?.self;
  const mentionsMe = stored !== null && self !== undefined && mentionsUser(stored, self.id);
  const mentioned = useMentionedNames(stored, actions);

  const item = useRef<HTMLLIElement>(null);
  const [hovered, setHovered] = useState(false);
  const [focusInside, setFocusInside] = useState(false);
  const [pressed, setPressed] = useState(false);
  const [dialog, setDialog] = useState<'picker' | 'delete' | null>(null);
  const [longPress] = useState(() => new LongPress(() => setPressed(true)));
  useEffect(() => () => longPress.cancel(), [longPress]);

  const interactive = actions !== null && stored !== null && !deleted && !editing;
  const showActions = interactive && (hovered || focusInside || pressed || dialog !== null);

  const onKeyDown = (event: KeyboardEvent<HTMLLIElement>) => {
    if (!interactive) return;
    if (event.target === item.current) {
      if (event.key === 'Enter') {
        // The toolbar shows while the message has the focus: Enter moves into it.
        event.preventDefault();
        item.current
          ?.querySelector<HTMLButtonElement>('[data-testid="message-actions"] button')
          ?.focus();
      } else if (event.key === 'ArrowUp' || event.key === 'ArrowDown') {
        event.preventDefault();
        focusSibling(item.current, event.key === 'ArrowUp' ? -1 : 1);
      }
    } else if (event.key === 'Escape' && dialog === null) {
      // From inside the toolbar: back to the message.
      event.preventDefault();
      item.current?.focus();
    }
  };

  const canDelete = own || actions?.roomOwner === true;
  const reacted = useMemo(
    () =>
      new Set(
        (stored?.reactions ?? [])
          .filter((r) => self !== undefined && r.userIds.includes(self.id))
          .map((r) => r.emoji),
      ),
    [stored, self],
  );

  return (
    <li
      ref={item}
      data-testid="message"
      data-row-key={row.key}
      data-message-id={entry.status === 'sent' ? entry.message.id : ''}
      data-client-id={message.clientId}
      data-status={status}
      data-own={own}
      data-focused={focused}
      data-deleted={deleted || undefined}
      data-mentions-me={mentionsMe || undefined}
      aria-current={focused ? 'true' : undefined}
      tabIndex={interactive ? 0 : undefined}
      onKeyDown={onKeyDown}
      onMouseEnter={() => setHovered(true)}
      onMouseLeave={() => setHovered(false)}
      onFocus={() => setFocusInside(true)}
      onBlur={(event) => {
        if (!event.currentTarget.contains(event.relatedTarget as Node | null)) {
          setFocusInside(false);
          setPressed(false);
        }
      }}
      onPointerDown={(event) => longPress.down(event)}
      onPointerMove={(event) => longPress.move(event)}
      onPointerUp={() => longPress.cancel()}
      onPointerCancel={() => longPress.cancel()}
      onContextMenu={(event) => {
        // A long press on touch opens the actions, not the browser's menu.
        if (longPress.fired) event.preventDefault();
      }}
      className={`group relative flex flex-col px-4 ${own ? 'items-end' : 'items-start'} ${startsGroup ? 'mt-3' : 'mt-0.5'} ${
        focused ? 'bg-amber-100/60 py-1 dark:bg-amber-900/25' : ''
      } ${mentionsMe && !focused ? 'border-l-4 border-amber-400 bg-amber-50/60 dark:bg-amber-900/15' : ''} ${
        interactive
          ? 'focus-visible:outline-2 focus-visible:-outline-offset-2 focus-visible:outline-sky-500'
          : ''
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
        {/* max-w-full: the column and the bubble never grow past the row, so a long code
            line scrolls inside its block instead of widening the bubble. */}
        <div className={`flex min-w-0 max-w-full flex-col ${own ? 'items-end' : 'items-start'}`}>
          {message.replyTo && !deleted && (
            <ReplyQuote
              quote={message.replyTo}
              selfId={self?.id ?? ''}
              onShow={actions && stored ? actions.showMessage : undefined}
            />
          )}
          {editing && actions && stored ? (
            <MessageEditor
              text={stored.text}
              onSave={(text) => actions.saveEdit(stored.id, text)}
              onCancel={actions.cancelEdit}
            />
          ) : deleted ? (
            <p
              className="rounded-2xl border border-dashed border-zinc-300 px-3 py-2 text-sm text-zinc-500 italic dark:border-zinc-700 dark:text-zinc-400"
              data-testid="message-deleted"
            >
              This message was deleted
            </p>
          ) : (
            <div
              className={`min-w-0 max-w-full rounded-2xl px-3 py-2 text-sm break-words whitespace-pre-wrap ${
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
              <MentionedText
                text={message.text}
                own={own}
                mentioned={mentioned}
                selfName={self?.username ?? ''}
              />
            </div>
          )}
          {stored?.editedAt && !deleted && !editing && (
            <span
              className="mt-0.5 px-1 text-[11px] text-zinc-500 dark:text-zinc-400"
              title={`Edited ${new Date(stored.editedAt).toLocaleString([], FULL)}`}
              data-testid="message-edited"
            >
              (edited)
              <span className="sr-only"> {new Date(stored.editedAt).toLocaleString([], FULL)}</span>
            </span>
          )}
          {stored && !deleted && self && (
            <ReactionChips
              messageId={stored.id}
              reactions={stored.reactions ?? []}
              selfId={self.id}
              names={actions?.names ?? new Map()}
              onToggle={actions?.toggleReaction}
            />
          )}
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
      {showActions && actions && stored && (
        // Not news for the message log around it (aria-live): it comes and goes with the pointer.
        <div aria-live="off" className={`absolute -top-4 z-10 ${own ? 'left-4' : 'right-4'}`}>
          <MessageToolbar
            own={own}
            canDelete={canDelete}
            reacted={reacted}
            onReact={(emoji) => actions.toggleReaction(stored.id, emoji)}
            onMoreReactions={() => setDialog('picker')}
            onReply={() => actions.reply(stored)}
            onEdit={() => actions.startEdit(stored.id)}
            onDelete={() => setDialog('delete')}
          />
        </div>
      )}
      {dialog === 'picker' && actions && stored && (
        <EmojiPicker
          onPick={(emoji) => actions.addReaction(stored.id, emoji)}
          onClose={() => setDialog(null)}
        />
      )}
      {dialog === 'delete' && actions && stored && (
        <ConfirmDialog
          title="Delete this message?"
          description="It is removed for everyone. This cannot be undone."
          confirmLabel="Delete"
          onConfirm={() => actions.remove(stored.id)}
          onClose={() => setDialog(null)}
          testId="confirm-delete"
        />
      )}
    </li>
  );
}

/** The lower-case names of the users a message mentions, as far as the app knows them. */
function useMentionedNames(stored: Message | null, actions: MessageActions | null) {
  const mentions = stored?.mentions;
  const names = actions?.names;
  return useMemo(() => {
    if (!mentions || mentions.length === 0 || !names) return NO_NAMES;
    const known = new Set<string>();
    for (const id of mentions) {
      const name = names.get(id);
      if (name) known.add(name.toLowerCase());
    }
    return known;
  }, [mentions, names]);
}

/** Moves the focus to the previous (-1) or next (1) focusable message of the list. */
function focusSibling(from: HTMLElement, direction: -1 | 1): void {
  const list = from.closest('ol');
  if (!list) return;
  const items = [...list.querySelectorAll<HTMLElement>('[data-testid="message"][tabindex="0"]')];
  items[items.indexOf(from) + direction]?.focus();
}
