'use client';

import { useId, useState, type FormEvent } from 'react';
import { usernameSchema, type User } from '@chat/shared';
import { errorMessage } from '../lib/api';
import { capitalize } from '../lib/text';
import { ConfirmDialog } from './confirm-dialog';
import { Dialog } from './dialog';
import { PresenceDot } from './presence-dot';
import { fieldErrorClass, inputClass, primaryButtonClass, secondaryButtonClass } from './ui';

interface Props {
  roomName: string;
  kind: 'private' | 'dm';
  self: User;
  members: readonly User[] | null;
  error: string | null;
  isOnline: (user: User) => boolean;
  /** Private rooms: adds someone; throws (shown) on failure. */
  onAdd: (username: string) => Promise<void>;
  /** Leaves the room (a DM: hides it); throws (shown) on failure. */
  onLeave: () => Promise<void>;
  onClose: () => void;
}

/**
 * Who is in a private room or DM and who of them is online; adding someone
 * (private rooms); leaving (a DM is hidden until its next message), after a
 * confirmation.
 */
export function MembersPanel({
  roomName,
  kind,
  self,
  members,
  error,
  isOnline,
  onAdd,
  onLeave,
  onClose,
}: Props) {
  const id = useId();
  const [username, setUsername] = useState('');
  const [formError, setFormError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const [leaveError, setLeaveError] = useState<string | null>(null);
  const sorted = [...(members ?? [])].sort(
    (a, b) =>
      Number(b.id === self.id) - Number(a.id === self.id) ||
      a.username.localeCompare(b.username, undefined, { sensitivity: 'base' }),
  );
  const online = sorted.filter(isOnline).length;

  const add = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setDone(null);
    const parsed = usernameSchema.safeParse(username.trim());
    if (!parsed.success) {
      setFormError(capitalize(parsed.error.issues[0]?.message ?? 'Invalid username'));
      return;
    }
    setBusy(true);
    try {
      await onAdd(parsed.data);
      setDone(`${parsed.data} can now see this room.`);
      setUsername('');
      setFormError(null);
    } catch (failure) {
      setFormError(errorMessage(failure));
    } finally {
      setBusy(false);
    }
  };

  const leave = () => {
    setLeaveError(null);
    onLeave().catch((failure: unknown) => setLeaveError(errorMessage(failure)));
  };

  if (confirming) {
    return (
      <ConfirmDialog
        title={kind === 'dm' ? 'Hide this conversation?' : `Leave ${roomName}?`}
        description={
          kind === 'dm'
            ? 'It leaves your list until a new message arrives in it.'
            : 'You will no longer see its messages. A member can add you again.'
        }
        confirmLabel={kind === 'dm' ? 'Hide' : 'Leave'}
        onConfirm={leave}
        onClose={() => setConfirming(false)}
        testId="confirm-leave"
      />
    );
  }

  return (
    <Dialog
      title={kind === 'dm' ? 'Conversation' : `People in ${roomName}`}
      description={
        members
          ? `${members.length} ${members.length === 1 ? 'member' : 'members'}, ${online} online`
          : undefined
      }
      onClose={onClose}
      testId="members-panel"
    >
      {error && (
        <p role="alert" className={fieldErrorClass}>
          {error}
        </p>
      )}
      {!members && !error && <p className="text-sm text-zinc-500">Loading members…</p>}
      <ul className="max-h-64 overflow-y-auto" aria-label="Members" data-testid="members-list">
        {sorted.map((member) => (
          <li
            key={member.id}
            className="flex items-center gap-2 py-1 text-sm"
            data-testid="member"
            data-username={member.username}
            data-online={isOnline(member)}
          >
            <PresenceDot online={isOnline(member)} />
            <span className="min-w-0 truncate">{member.username}</span>
            {member.id === self.id && (
              <span className="text-xs text-zinc-500 dark:text-zinc-400">(you)</span>
            )}
            <span className="sr-only">{isOnline(member) ? '(online)' : '(offline)'}</span>
          </li>
        ))}
      </ul>

      {kind === 'private' && (
        <form noValidate onSubmit={add} className="mt-4" data-testid="members-add-form">
          <label htmlFor={`${id}-username`} className="mb-1 block text-sm font-medium">
            Add someone
          </label>
          <div className="flex gap-2">
            <input
              id={`${id}-username`}
              value={username}
              onChange={(event) => {
                setUsername(event.target.value);
                setFormError(null);
              }}
              autoComplete="off"
              autoCapitalize="none"
              spellCheck={false}
              aria-invalid={formError ? true : undefined}
              aria-describedby={formError ? `${id}-error` : done ? `${id}-done` : undefined}
              className={inputClass}
              data-testid="members-add-username"
            />
            <button
              type="submit"
              disabled={busy}
              className={primaryButtonClass}
              data-testid="members-add-submit"
            >
              {busy ? 'Adding…' : 'Add'}
            </button>
          </div>
          {formError && (
            <p id={`${id}-error`} role="alert" className={fieldErrorClass}>
              {formError}
            </p>
          )}
          {done && (
            <p
              id={`${id}-done`}
              role="status"
              className="mt-1 text-sm text-emerald-700 dark:text-emerald-400"
            >
              {done}
            </p>
          )}
        </form>
      )}

      {leaveError && (
        <p role="alert" className={fieldErrorClass}>
          {leaveError}
        </p>
      )}
      <div className="mt-5 flex justify-between gap-2">
        <button
          type="button"
          onClick={() => setConfirming(true)}
          className={`${secondaryButtonClass} border-red-300 text-red-700 dark:border-red-800 dark:text-red-300`}
          data-testid="members-leave"
        >
          {kind === 'dm' ? 'Hide conversation' : 'Leave room'}
        </button>
        <button type="button" onClick={onClose} className={`${secondaryButtonClass} py-2`}>
          Done
        </button>
      </div>
    </Dialog>
  );
}
