import type { ConnectionStatus } from '../hooks/use-chat-socket';

const LABELS: Record<ConnectionStatus, string> = {
  connecting: 'Connecting…',
  connected: 'Connected',
  reconnecting: 'Reconnecting…',
  offline: 'Offline',
};

const DOTS: Record<ConnectionStatus, string> = {
  connecting: 'bg-amber-400',
  connected: 'bg-emerald-500',
  reconnecting: 'bg-amber-400 animate-pulse',
  offline: 'bg-red-500',
};

/** The socket's state, always visible. */
export function ConnectionStatusBadge({ status }: { status: ConnectionStatus }) {
  return (
    <p
      role="status"
      aria-live="polite"
      data-testid="connection-status"
      data-status={status}
      className="flex items-center gap-2 text-xs font-medium text-zinc-600 dark:text-zinc-300"
    >
      <span aria-hidden="true" className={`inline-block size-2.5 rounded-full ${DOTS[status]}`} />
      {LABELS[status]}
    </p>
  );
}
