import type { PresenceEvent } from '@chat/shared';
import type { ClientSocket } from './clients';

/** Records the presence events one socket sees, and waits for a given one. */
export class PresenceLog {
  readonly events: PresenceEvent[] = [];
  private waiters: { match: (event: PresenceEvent) => boolean; resolve: () => void }[] = [];

  constructor(socket: ClientSocket) {
    socket.on('presence', (event) => {
      this.events.push(event);
      this.waiters = this.waiters.filter((waiter) => {
        if (!waiter.match(event)) return true;
        waiter.resolve();
        return false;
      });
    });
  }

  waitFor(userId: string, online: boolean): Promise<void> {
    const match = (event: PresenceEvent) => event.user.id === userId && event.online === online;
    if (this.events.some(match)) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ match, resolve }));
  }

  /** The `online` flags of the events about one user, in the order they came. */
  about(userId: string): boolean[] {
    return this.events.filter((event) => event.user.id === userId).map((event) => event.online);
  }
}
