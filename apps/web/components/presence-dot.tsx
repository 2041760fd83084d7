/** A green (online) or hollow grey (offline) dot; the state is also in `data-online`. */
export function PresenceDot({ online, className = '' }: { online: boolean; className?: string }) {
  return (
    <span
      aria-hidden="true"
      data-testid="presence-dot"
      data-online={online}
      className={`inline-block size-2.5 shrink-0 rounded-full ${
        online
          ? 'bg-emerald-500 ring-2 ring-emerald-500/20'
          : 'border-2 border-zinc-400 dark:border-zinc-500'
      } ${className}`}
    />
  );
}
