'use client';

import type { DialogForm } from '../hooks/use-dialog-form';
import { fieldErrorClass, primaryButtonClass, secondaryButtonClass } from './ui';

/** The form's error, under its field, announced when it appears. */
export function FormError({ form, testId }: { form: DialogForm; testId: string }) {
  if (!form.error) return null;
  return (
    <p id={`${form.id}-error`} role="alert" className={fieldErrorClass} data-testid={testId}>
      {form.error}
    </p>
  );
}

interface ActionsProps {
  form: DialogForm;
  submitLabel: string;
  /** Shown on the submit button while the submit is on its way. */
  busyLabel: string;
  onClose: () => void;
  testId: string;
}

/** Cancel (Done once something was confirmed) and submit, at the foot of a dialog's form. */
export function DialogActions({ form, submitLabel, busyLabel, onClose, testId }: ActionsProps) {
  return (
    <div className="mt-5 flex justify-end gap-2">
      <button type="button" onClick={onClose} className={`${secondaryButtonClass} py-2`}>
        {form.done ? 'Done' : 'Cancel'}
      </button>
      <button
        type="submit"
        disabled={form.busy}
        className={primaryButtonClass}
        data-testid={testId}
      >
        {form.busy ? busyLabel : submitLabel}
      </button>
    </div>
  );
}
