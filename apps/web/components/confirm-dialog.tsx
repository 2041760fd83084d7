'use client';

import { Dialog } from './dialog';
import { focusRing, secondaryButtonClass } from './ui';

const dangerButtonClass =
  'inline-flex items-center justify-center rounded-md bg-red-600 px-4 py-2 text-sm font-semibold ' +
  'text-white hover:bg-red-700 dark:bg-red-700 dark:hover:bg-red-600 ' +
  focusRing;

interface Props {
  title: string;
  description: string;
  confirmLabel: string;
  onConfirm: () => void;
  onClose: () => void;
  testId: string;
}

/** Asks before something that cannot be undone; Cancel has the focus first. */
export function ConfirmDialog({
  title,
  description,
  confirmLabel,
  onConfirm,
  onClose,
  testId,
}: Props) {
  return (
    <Dialog title={title} description={description} onClose={onClose} testId={testId}>
      <div className="flex justify-end gap-2">
        <button
          type="button"
          onClick={onClose}
          className={`${secondaryButtonClass} py-2`}
          data-autofocus
          data-testid={`${testId}-cancel`}
        >
          Cancel
        </button>
        <button
          type="button"
          onClick={() => {
            onConfirm();
            onClose();
          }}
          className={dangerButtonClass}
          data-testid={`${testId}-confirm`}
        >
          {confirmLabel}
        </button>
      </div>
    </Dialog>
  );
}
