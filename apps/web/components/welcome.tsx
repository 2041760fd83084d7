import type { User } from '@chat/shared';
import { Logo } from './logo';

/** What the main pane shows while no room is open. */
export function Welcome({ user }: { user: User }) {
  return (
    <div className="flex flex-1 flex-col items-center justify-center gap-2 p-6 text-center text-sm text-zinc-500 dark:text-zinc-400">
      <Logo large />
      <h1 className="mt-2 font-medium text-zinc-700 dark:text-zinc-300">
        Welcome, {user.username}
      </h1>
      <p>Pick a room on the left, create one, or message someone online.</p>
    </div>
  );
}
