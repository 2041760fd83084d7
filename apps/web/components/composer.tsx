'use client';

import { useEffect, useId, useRef, useState, type FormEvent, type KeyboardEvent } from 'react';
import { LIMITS, messageTextSchema } from '@chat/shared';
import { TypingSender } from '../lib/typing';
import { fieldErrorClass, focusRing, primaryButtonClass } from './ui';

interface Props {
  roomName: string;
  /** The socket is connected (typing signals are only sent then). */
  connected: boolean;
  onSend: (text: string) => void;
  /** `typing: true` while typing (throttled), `false` on send, clear, blur and leaving. */
  onTyping: (typing: boolean) => void;
}

/** Show the character count from this many characters on. */
const COUNT_FROM = LIMITS.textMax - 500;

/** Enter sends, Shift+Enter breaks the line. Sending works offline too: it waits as pending. */
export function Composer({ roomName, connected, onSend, onTyping }: Props) {
  const [text, setText] = useState('');
  const [error, setError] = useState<string | null>(null);
  const input = useRef<HTMLTextAreaElement>(null);
  const id = useId();
  const length = text.trim().length;

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
    input.current?.focus();
  };

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    send();
  };

  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    // Not while an input method is composing: Enter confirms the composition there.
    if (event.key === 'Enter' && !event.shiftKey && !event.nativeEvent.isComposing) {
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
      <label htmlFor={`${id}-text`} className="sr-only">
        Message {roomName}
      </label>
      <div className="flex items-end gap-2">
        <textarea
          ref={input}
          id={`${id}-text`}
          rows={1}
          value={text}
          autoComplete="off"
          placeholder={`Message ${roomName}`}
          onChange={(e) => {
            setText(e.target.value);
            if (connected) typing.input(e.target.value, onTyping);
            if (error) setError(null);
          }}
          onBlur={() => typing.stop(onTyping)}
          onKeyDown={onKeyDown}
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
        <span id={`${id}-help`}>Enter to send, Shift+Enter for a new line</span>
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
