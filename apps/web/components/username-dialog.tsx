'use client';

import { useId, useState, type FormEvent } from 'react';
import { LIMITS, usernameSchema } from '@chat/shared';
import { errorMessage } from '../lib/api';
import { Dialog } from './dialog';
import {
  fieldErrorClass,
  inputClass,
  labelClass,
  primaryButtonClass,
  secondaryButtonClass,
} from './ui';

interface Props {
  title: string;
  description: string;
  submitLabel: string;
  busyLabel: string;
  /** Usernames to suggest (people online). */
  suggestions: readonly string[];
  /** Resolves with a confirmation to show (the dialog stays open), or nothing (the caller closes it). */
  onSubmit: (username: string) => Promise<string | void>;
  onClose: () => void;
  /** Test id prefix: `${testId}-dialog`, `-form`, `-username`, `-submit`, `-error`, `-done`. */
  testId: string;
}

/** One username field, validated with the shared rules: start a DM, add someone to a room. */
export function UsernameDialog({
  title,
  description,
  submitLabel,
  busyLabel,
  suggestions,
  onSubmit,
  onClose,
  testId,
}: Props) {
  const [username, setUsername] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const id = useId();

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setDone(null);
    const parsed = usernameSchema.safeParse(username.trim());
    if (!parsed.success) {
      setError(capitalize(parsed.error.issues[0]?.message ?? 'Invalid username'));
      return;
    }
    setError(null);
    setBusy(true);
    try {
      const confirmation = await onSubmit(parsed.data);
      if (confirmation) {
        setDone(confirmation);
        setUsername('');
      }
    } catch (failure) {
      setError(errorMessage(failure));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Dialog title={title} description={description} onClose={onClose} testId={`${testId}-dialog`}>
      <form noValidate onSubmit={submit} data-testid={`${testId}-form`}>
        <label htmlFor={`${id}-username`} className={labelClass}>
          Username
        </label>
        <input
          id={`${id}-username`}
          value={username}
          list={suggestions.length > 0 ? `${id}-suggestions` : undefined}
          autoComplete="off"
          autoCapitalize="none"
          spellCheck={false}
          maxLength={LIMITS.usernameMax}
          onChange={(e) => {
            setUsername(e.target.value);
            if (error) setError(null);
          }}
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? `${id}-error` : done ? `${id}-done` : undefined}
          className={inputClass}
          data-autofocus
          data-testid={`${testId}-username`}
        />
        {suggestions.length > 0 && (
          <datalist id={`${id}-suggestions`}>
            {suggestions.map((name) => (
              <option key={name} value={name} />
            ))}
          </datalist>
        )}
        {error && (
          <p
            id={`${id}-error`}
            role="alert"
            className={fieldErrorClass}
            data-testid={`${testId}-error`}
          >
            {error}
          </p>
        )}
        {done && (
          <p
            id={`${id}-done`}
            role="status"
            className="mt-1 text-sm text-emerald-700 dark:text-emerald-400"
            data-testid={`${testId}-done`}
          >
            {done}
          </p>
        )}
        <div className="mt-5 flex justify-end gap-2">
          <button type="button" onClick={onClose} className={`${secondaryButtonClass} py-2`}>
            {done ? 'Done' : 'Cancel'}
          </button>
          <button
            type="submit"
            disabled={busy}
            className={primaryButtonClass}
            data-testid={`${testId}-submit`}
          >
            {busy ? busyLabel : submitLabel}
          </button>
        </div>
      </form>
    </Dialog>
  );
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
