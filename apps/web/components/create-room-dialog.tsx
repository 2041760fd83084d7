'use client';

import { useId, useState, type FormEvent } from 'react';
import { createRoomSchema, LIMITS, type CreateRoomBody } from '@chat/shared';
import { errorMessage } from '../lib/api';
import { Dialog } from './dialog';
import {
  fieldErrorClass,
  inputClass,
  labelClass,
  primaryButtonClass,
  secondaryButtonClass,
} from './ui';

type Kind = NonNullable<CreateRoomBody['kind']>;

const KINDS: { kind: Kind; title: string; hint: string }[] = [
  { kind: 'public', title: 'Public', hint: 'Anyone can find and join it' },
  { kind: 'private', title: 'Private', hint: 'Only people you add can see it' },
];

interface Props {
  onCreate: (body: CreateRoomBody) => Promise<void>;
  onClose: () => void;
}

/** Name + public/private. The server's refusal (name taken, too fast) shows under the name. */
export function CreateRoomDialog({ onCreate, onClose }: Props) {
  const [name, setName] = useState('');
  const [kind, setKind] = useState<Kind>('public');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const id = useId();

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const parsed = createRoomSchema.safeParse({ name, kind });
    if (!parsed.success) {
      setError(capitalize(parsed.error.issues[0]?.message ?? 'Invalid room'));
      return;
    }
    setError(null);
    setBusy(true);
    try {
      await onCreate(parsed.data);
    } catch (failure) {
      setError(errorMessage(failure));
      setBusy(false);
    }
  };

  return (
    <Dialog title="New room" onClose={onClose} testId="create-room-dialog">
      <form noValidate onSubmit={submit} data-testid="create-room-form">
        <label htmlFor={`${id}-name`} className={labelClass}>
          Name
        </label>
        <input
          id={`${id}-name`}
          value={name}
          maxLength={LIMITS.roomNameMax + 16}
          autoComplete="off"
          placeholder="e.g. design-reviews"
          onChange={(e) => {
            setName(e.target.value);
            if (error) setError(null);
          }}
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? `${id}-error` : undefined}
          className={inputClass}
          data-autofocus
          data-testid="create-room-name"
        />
        {error && (
          <p
            id={`${id}-error`}
            role="alert"
            className={fieldErrorClass}
            data-testid="create-room-error"
          >
            {error}
          </p>
        )}

        <fieldset className="mt-4">
          <legend className={labelClass}>Visibility</legend>
          <div className="grid grid-cols-1 gap-2 sm:grid-cols-2">
            {KINDS.map((option) => (
              <label
                key={option.kind}
                className={`flex cursor-pointer gap-2 rounded-lg border p-3 text-sm has-focus-visible:outline-2 has-focus-visible:outline-offset-2 has-focus-visible:outline-sky-500 ${
                  kind === option.kind
                    ? 'border-sky-500 bg-sky-50 dark:bg-sky-950/40'
                    : 'border-zinc-300 hover:bg-zinc-50 dark:border-zinc-700 dark:hover:bg-zinc-800'
                }`}
              >
                <input
                  type="radio"
                  name={`${id}-kind`}
                  value={option.kind}
                  checked={kind === option.kind}
                  onChange={() => setKind(option.kind)}
                  className="mt-0.5 accent-sky-600"
                  data-testid={`create-room-kind-${option.kind}`}
                />
                <span>
                  <span className="block font-medium">{option.title}</span>
                  <span className="block text-xs text-zinc-500 dark:text-zinc-400">
                    {option.hint}
                  </span>
                </span>
              </label>
            ))}
          </div>
        </fieldset>

        <div className="mt-5 flex justify-end gap-2">
          <button type="button" onClick={onClose} className={`${secondaryButtonClass} py-2`}>
            Cancel
          </button>
          <button
            type="submit"
            disabled={busy}
            className={primaryButtonClass}
            data-testid="create-room-submit"
          >
            {busy ? 'Creating…' : 'Create room'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
