'use client';

import { useState } from 'react';
import { LIMITS, usernameSchema } from '@chat/shared';
import { useDialogForm } from '../hooks/use-dialog-form';
import { Dialog } from './dialog';
import { DialogActions, FormError } from './dialog-form';
import { inputClass, labelClass } from './ui';

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
  const form = useDialogForm({
    parse: () => usernameSchema.safeParse(username.trim()),
    invalid: 'Invalid username',
    submit: async (name: string) => {
      const confirmation = await onSubmit(name);
      if (confirmation) setUsername('');
      return confirmation;
    },
  });
  const { id, done } = form;

  return (
    <Dialog title={title} description={description} onClose={onClose} testId={`${testId}-dialog`}>
      <form noValidate onSubmit={form.onSubmit} data-testid={`${testId}-form`}>
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
            form.edited();
          }}
          {...form.field}
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
        <FormError form={form} testId={`${testId}-error`} />
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
        <DialogActions
          form={form}
          submitLabel={submitLabel}
          busyLabel={busyLabel}
          onClose={onClose}
          testId={`${testId}-submit`}
        />
      </form>
    </Dialog>
  );
}
