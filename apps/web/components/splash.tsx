import type { ReactNode } from 'react';

/** A full-screen centred message: loading, or a problem with a way out. */
export function Splash({ children }: { children?: ReactNode }) {
  return (
    <div
      className="flex min-h-dvh items-center justify-center p-6 text-center"
      data-testid="splash"
    >
      {children ?? <p className="text-sm text-zinc-500 dark:text-zinc-400">Loading…</p>}
    </div>
  );
}
