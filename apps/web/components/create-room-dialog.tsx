'use client';

import { useState } from 'react';
import { createRoomSchema, LIMITS, type CreateRoomBody } from '@chat/shared';
import { useDialogForm } from '../hooks/use-dialog-form';
import { Dialog } from './dialog';
import { DialogActions, FormError } from './dialog-form';
import { inputClass, labelClass } from './ui';

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
  const form = useDialogForm({
    parse: () => createRoomSchema.safeParse({ name, kind }),
    invalid: 'Invalid room',
    submit: onCreate,
  });
  const { id } = form;

  return (
    <Dialog title="New room" onClose={onClose} testId="create-room-dialog">
      <form noValidate onSubmit={form.onSubmit} data-testid="create-room-form">
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
            form.edited();
          }}
          {...form.field}
          className={inputClass}
          data-autofocus
          data-testid="create-room-name"
        />
        <FormError form={form} testId="create-room-error" />

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

        <DialogActions
          form={form}
          submitLabel="Create room"
          busyLabel="Creating…"
          onClose={onClose}
          testId="create-room-submit"
        />
      </form>
    </Dialog>
  );
}
