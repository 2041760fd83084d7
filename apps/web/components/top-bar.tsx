'use client';

import type { ReactNode } from 'react';
import type { User } from '@chat/shared';
import type { ConnectionStatus } from '../hooks/use-chat-socket';
import { ConnectionStatusBadge } from './connection-status';
import { Logo } from './logo';
import { secondaryButtonClass } from './ui';

interface Props {
  user: User;
  status: ConnectionStatus;
  onLogout: () => void;
  /** The search field, between the app's name and the rest. */
  search?: ReactNode;
}

/** The bar above everything: the app, search, the connection's status, who is signed in, Log out. */
export function TopBar({ user, status, onLogout, search }: Props) {
  return (
    <header className="flex h-12 shrink-0 items-center justify-between gap-3 border-b border-zinc-200 bg-white px-4 dark:border-zinc-800 dark:bg-zinc-950">
      <span className="flex items-center gap-2 text-lg font-bold">
        <Logo />
        <span className="hidden sm:inline">Chat</span>
      </span>
      {search}
      <div className="flex min-w-0 items-center gap-3">
        <ConnectionStatusBadge status={status} />
        <span className="hidden truncate text-sm text-zinc-500 sm:inline dark:text-zinc-400">
          {/* Text, not aria-label: a plain span's label is ignored by screen readers. */}
          <span className="sr-only">Signed in as </span>
          <span
            className="font-semibold text-zinc-800 dark:text-zinc-200"
            data-testid="current-user"
          >
            {user.username}
          </span>
        </span>
        <button
          type="button"
          className={`shrink-0 whitespace-nowrap ${secondaryButtonClass}`}
          onClick={onLogout}
          data-testid="logout"
        >
          Log out
        </button>
      </div>
    </header>
  );
}
