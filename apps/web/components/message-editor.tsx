'use client';

import { useEffect, useId, useRef, useState, type KeyboardEvent } from 'react';
import { messageTextSchema } from '@chat/shared';
import { capitalize } from '../lib/text';
import { fieldErrorClass, focusRing } from './ui';

interface Props {
  text: string;
  onSave: (text: string) => void;
  onCancel: () => void;
}

/**
 * Edits a message in place: Enter saves, Shift+Enter breaks the line, Escape
 * cancels. The text is checked with the shared rules before it goes; saving
 * the same text only closes the editor.
 */
export function MessageEditor({ text, onSave, onCancel }: Props) {
  const [value, setValue] = useState(text);
  const [error, setError] = useState<string | null>(null);
  const input = useRef<HTMLTextAreaElement>(null);
  const id = useId();

  useEffect(() => {
    const node = input.current;
    if (!node) return;
    node.focus();
    node.setSelectionRange(node.value.length, node.value.length);
  }, []);

  const save = () => {
    const parsed = messageTextSchema.safeParse(value);
    if (!parsed.success) {
      setError(capitalize(parsed.error.issues[0]?.message ?? 'invalid message'));
      return;
    }
    if (parsed.data === text) onCancel();
    else onSave(parsed.data);
  };

  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (event.nativeEvent.isComposing) return;
    if (event.key === 'Enter' && !event.shiftKey) {
      event.preventDefault();
      save();
    } else if (event.key === 'Escape') {
      event.preventDefault();
      event.stopPropagation();
      onCancel();
    }
  };

  return (
    // Inside the message log (aria-live): the editor is not news to announce.
    <div aria-live="off" className="w-full min-w-64" data-testid="message-editor">
      <label htmlFor={`${id}-edit`} className="sr-only">
        Edit message
      </label>
      <textarea
        ref={input}
        id={`${id}-edit`}
        value={value}
        rows={1}
        onChange={(event) => {
          setValue(event.target.value);
          if (error) setError(null);
        }}
        onKeyDown={onKeyDown}
        aria-invalid={error ? true : undefined}
        aria-describedby={`${id}-help${error ? ` ${id}-error` : ''}`}
        className={`field-sizing-content max-h-60 min-h-10 w-full resize-none rounded-lg border border-sky-500 bg-white px-3 py-2 text-sm text-zinc-900 dark:bg-zinc-900 dark:text-zinc-100 ${focusRing} focus-visible:outline-offset-0`}
        data-testid="message-editor-input"
      />
      <p id={`${id}-help`} className="mt-0.5 text-xs text-zinc-500 dark:text-zinc-400">
        Enter to save, Escape to cancel
        <span className="sr-only">, Shift+Enter for a new line</span>
      </p>
      {error && (
        <p id={`${id}-error`} role="alert" className={fieldErrorClass}>
          {error}
        </p>
      )}
    </div>
  );
}
