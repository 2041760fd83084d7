import type { User } from '@chat/shared';
import type { PresenceStore } from '../ports';

/** One instance: a user is online while this process has a socket of theirs. */
export class EmbeddedPresenceStore implements PresenceStore {
  private readonly users = new Map<string, User>();

  connect(user: User): Promise<boolean> {
    const first = !this.users.has(user.id);
    this.users.set(user.id, user);
    return Promise.resolve(first);
  }

  disconnect(user: User): Promise<boolean> {
    return Promise.resolve(this.users.delete(user.id));
  }

  heartbeat(): Promise<User[]> {
    return Promise.resolve([]);
  }

  expireSoon(): Promise<void> {
    return Promise.resolve();
  }

  online(): Promise<User[]> {
    return Promise.resolve([...this.users.values()]);
  }
}
