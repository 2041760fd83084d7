'use client';

import { useId, useState, type FormEvent } from 'react';
import { errorMessage } from '../lib/api';
import { capitalize } from '../lib/text';

/** What a shared schema's `safeParse` answers (the part a form reads). */
export type Parsed<T> =
  | { success: true; data: T }
  | { success: false; error: { issues: readonly { message: string }[] } };

interface Options<T> {
  /** Validates the form's values with the shared schema. */
  parse: () => Parsed<T>;
  /** The error shown when the schema's refusal carries no message. */
  invalid: string;
  /** Resolves with a confirmation to show (the dialog stays open) or nothing; a throw shows as the error. */
  submit: (data: T) => Promise<string | void>;
}

export interface DialogForm {
  /** The prefix of the ids inside the form. */
  id: string;
  error: string | null;
  /** The last confirmation, until the next submit. */
  done: string | null;
  /** A submit is on its way: the submit button is disabled. */
  busy: boolean;
  onSubmit: (event: FormEvent<HTMLFormElement>) => Promise<void>;
  /** To call on every edit of the validated field: its error goes while the user types. */
  edited: () => void;
  /** aria-invalid and aria-describedby of the validated field. */
  field: { 'aria-invalid': true | undefined; 'aria-describedby': string | undefined };
}

/**
 * A dialog's one-field form: validated with the shared schema on submit (the
 * first issue shows, as a sentence), then sent; the server's refusal shows as
 * the error. One submit at a time.
 */
export function useDialogForm<T>({ parse, invalid, submit }: Options<T>): DialogForm {
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const id = useId();

  const onSubmit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setDone(null);
    const parsed = parse();
    if (!parsed.success) {
      setError(capitalize(parsed.error.issues[0]?.message ?? invalid));
      return;
    }
    setError(null);
    setBusy(true);
    try {
      const confirmation = await submit(parsed.data);
      if (confirmation) setDone(confirmation);
    } catch (failure) {
      setError(errorMessage(failure));
    } finally {
      setBusy(false);
    }
  };

  const edited = () => {
    if (error) setError(null);
  };
  const describedBy = error ? `${id}-error` : done ? `${id}-done` : undefined;
  const field = {
    'aria-invalid': error ? (true as const) : undefined,
    'aria-describedby': describedBy,
  };
  return { id, error, done, busy, onSubmit, edited, field };
}
