'use client';

import {
  useEffect,
  useId,
  useLayoutEffect,
  useRef,
  useState,
  type FormEvent,
  type KeyboardEvent,
} from 'react';
import { LIMITS, messageTextSchema, type ReplySnapshot, type User } from '@chat/shared';
import { insertMention, mentionCandidates, mentionQuery, type MentionQuery } from '../lib/mentions';
import { TypingSender } from '../lib/typing';
import { MentionSuggestions } from './mention-suggestions';
import { fieldErrorClass, focusRing, primaryButtonClass } from './ui';

interface Props {
  roomName: string;
  /** The socket is connected (typing signals are only sent then). */
  connected: boolean;
  onSend: (text: string) => void;
  /** `typing: true` while typing (throttled), `false` on send, clear, blur and leaving. */
  onTyping: (typing: boolean) => void;
  /** The message the next one answers (Reply): quoted above the field. */
  replyTo?: ReplySnapshot | null;
  onCancelReply?: () => void;
  /** Up arrow in the empty field: edit one's last message. False when there is none. */
  onEditLast?: () => boolean;
  /** Who `@` offers: the room's members, or the people known in a public room. */
  mentionable?: readonly User[];
  selfId?: string;
  isOnline?: (user: User) => boolean;
}

const NO_USERS: readonly User[] = [];
const nobodyOnline = () => false;

/** Show the character count from this many characters on. */
const COUNT_FROM = LIMITS.textMax - 500;

/**
 * Enter sends, Shift+Enter breaks the line. Sending works offline too: it waits as pending.
 * `@` offers people to mention (Up/Down choose, Enter or Tab takes, Escape closes); Escape
 * also cancels a reply; Up in the empty field edits one's last message.
 */
export function Composer({
  roomName,
  connected,
  onSend,
  onTyping,
  replyTo = null,
  onCancelReply,
  onEditLast,
  mentionable = NO_USERS,
  selfId = '',
  isOnline = nobodyOnline,
}: Props) {
  const [text, setText] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [mention, setMention] = useState<MentionQuery | null>(null);
  const [activeMention, setActiveMention] = useState(0);
  const input = useRef<HTMLTextAreaElement>(null);
  /** Where the caret goes once the text just set is in the field (after a mention is taken). */
  const caretAfterUpdate = useRef<number | null>(null);
  const id = useId();
  const length = text.trim().length;
  const candidates = mention ? mentionCandidates(mentionable, mention.query, selfId) : [];
  const suggesting = candidates.length > 0;
  const active = Math.min(activeMention, Math.max(0, candidates.length - 1));

  // Reply chosen: the field gets the focus, to type the answer.
  useEffect(() => {
    if (replyTo) input.current?.focus();
  }, [replyTo]);

  const findMention = (value: string, caret: number | null) => {
    const next = caret === null ? null : mentionQuery(value, caret);
    setMention((current) =>
      current?.start === next?.start && current?.query === next?.query ? current : next,
    );
    if (next?.start !== mention?.start) setActiveMention(0);
  };

  const pickMention = (user: User) => {
    const node = input.current;
    if (!mention || !node) return;
    const result = insertMention(text, mention, node.selectionStart ?? text.length, user.username);
    caretAfterUpdate.current = result.caret;
    setText(result.text);
    setMention(null);
  };

  // The caret goes after an inserted mention as soon as the new text is in the field, before
  // the next key can land (a later callback would move it back under what was typed since).
  useLayoutEffect(() => {
    const node = input.current;
    const caret = caretAfterUpdate.current;
    if (!node || caret === null) return;
    caretAfterUpdate.current = null;
    node.focus();
    node.setSelectionRange(caret, caret);
  }, [text]);

  const [typing] = useState(() => new TypingSender());
  // Leaving the room (the composer is per room) ends the typing state.
  useEffect(() => () => typing.stop(onTyping), [typing, onTyping]);
  // A dropped connection ended it on the server already.
  useEffect(() => {
    if (!connected) typing.reset();
  }, [connected, typing]);

  const send = () => {
    if (length === 0) return;
    const parsed = messageTextSchema.safeParse(text);
    if (!parsed.success) {
      const message = parsed.error.issues[0]?.message ?? 'invalid message';
      setError(message.charAt(0).toUpperCase() + message.slice(1));
      return;
    }
    typing.stop(onTyping);
    onSend(parsed.data);
    setText('');
    setError(null);
    setMention(null);
    input.current?.focus();
  };

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    send();
  };

  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    // Not while an input method is composing: Enter confirms the composition there.
    if (event.nativeEvent.isComposing) return;
    if (suggesting) {
      if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
        event.preventDefault();
        const step = event.key === 'ArrowDown' ? 1 : -1;
        setActiveMention((active + step + candidates.length) % candidates.length);
        return;
      }
      if ((event.key === 'Enter' && !event.shiftKey) || event.key === 'Tab') {
        event.preventDefault();
        const user = candidates[active];
        if (user) pickMention(user);
        return;
      }
      if (event.key === 'Escape') {
        event.preventDefault();
        setMention(null);
        return;
      }
    }
    if (event.key === 'Escape' && replyTo) {
      event.preventDefault();
      onCancelReply?.();
    } else if (event.key === 'ArrowUp' && text === '' && onEditLast) {
      if (onEditLast()) event.preventDefault();
    } else if (event.key === 'Enter' && !event.shiftKey) {
      event.preventDefault();
      send();
    }
  };

  return (
    <form
      onSubmit={onSubmit}
      className="shrink-0 border-t border-zinc-200 bg-white px-3 pt-2 pb-3 dark:border-zinc-800 dark:bg-zinc-950"
      data-testid="composer"
    >
      {replyTo && (
        <div
          className="mb-2 flex items-start gap-2 rounded-md border-l-4 border-sky-500 bg-zinc-100 px-3 py-1.5 text-xs dark:bg-zinc-900"
          data-testid="composer-reply"
          data-reply-to={replyTo.id}
        >
          <p className="min-w-0 flex-1">
            <span className="font-semibold text-zinc-700 dark:text-zinc-200">
              Replying to {replyTo.userId === selfId ? 'yourself' : replyTo.username}
            </span>
            <span className="block truncate text-zinc-600 dark:text-zinc-400">
              {replyTo.deleted ? 'This message was deleted' : replyTo.text}
            </span>
          </p>
          <button
            type="button"
            onClick={() => {
              onCancelReply?.();
              input.current?.focus();
            }}
            aria-label="Cancel the reply"
            className={`rounded-md p-1 text-zinc-500 hover:bg-zinc-200 hover:text-zinc-900 dark:hover:bg-zinc-800 dark:hover:text-zinc-100 ${focusRing}`}
            data-testid="composer-reply-cancel"
          >
            <span aria-hidden="true">×</span>
          </button>
        </div>
      )}
      <label htmlFor={`${id}-text`} className="sr-only">
        Message {roomName}
      </label>
      <div className="relative flex items-end gap-2">
        {suggesting && (
          <MentionSuggestions
            id={`${id}-mentions`}
            users={candidates}
            active={active}
            onPick={pickMention}
            isOnline={isOnline}
          />
        )}
        <textarea
          ref={input}
          id={`${id}-text`}
          rows={1}
          value={text}
          autoComplete="off"
          placeholder={`Message ${roomName}`}
          onChange={(e) => {
            setText(e.target.value);
            findMention(e.target.value, e.target.selectionStart);
            if (connected) typing.input(e.target.value, onTyping);
            if (error) setError(null);
          }}
          onSelect={(e) => findMention(e.currentTarget.value, e.currentTarget.selectionStart)}
          onBlur={() => {
            typing.stop(onTyping);
            setMention(null);
          }}
          onKeyDown={onKeyDown}
          aria-controls={suggesting ? `${id}-mentions` : undefined}
          aria-activedescendant={suggesting ? `${id}-mentions-${active}` : undefined}
          aria-invalid={error ? true : undefined}
          aria-describedby={`${id}-help${error ? ` ${id}-error` : ''}`}
          className={`field-sizing-content max-h-40 min-h-10 flex-1 resize-none rounded-lg border border-zinc-300 bg-white px-3 py-2 text-sm focus-visible:border-sky-500 dark:border-zinc-700 dark:bg-zinc-900 ${focusRing} focus-visible:outline-offset-0`}
          data-testid="composer-input"
        />
        <button
          type="submit"
          disabled={length === 0}
          className={primaryButtonClass}
          data-testid="composer-send"
        >
          Send
        </button>
      </div>
      <div className="mt-1 flex justify-between gap-2 text-xs text-zinc-500 dark:text-zinc-400">
        <span id={`${id}-help`}>
          Enter to send, Shift+Enter for a new line
          <span className="sr-only">
            , @ to mention someone, Up arrow in the empty field to edit your last message
          </span>
        </span>
        <span className="sr-only" aria-live="polite">
          {suggesting
            ? `${candidates.length} ${candidates.length === 1 ? 'person' : 'people'} to mention, Up and Down to choose, Enter to take`
            : ''}
        </span>
        {length >= COUNT_FROM && (
          <span className={length > LIMITS.textMax ? 'text-red-600 dark:text-red-400' : ''}>
            {length} / {LIMITS.textMax}
          </span>
        )}
      </div>
      {error && (
        <p id={`${id}-error`} role="alert" className={fieldErrorClass} data-testid="composer-error">
          {error}
        </p>
      )}
    </form>
  );
}
