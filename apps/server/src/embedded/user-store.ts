import type { User } from '@chat/shared';
import type { StoredUser, UserStore } from '../ports';
import { NOTHING_KEPT, type DurableState } from './durable-state';

/**
 * Users in memory, written through to `durable` (each change resolves once it is kept
 * there; a change that could not be kept is undone and rejects).
 */
export class EmbeddedUserStore implements UserStore {
  private readonly byId = new Map<string, StoredUser>();
  private readonly idByName = new Map<string, string>();

  constructor(private readonly durable: DurableState = NOTHING_KEPT) {}

  /** Start-up: the users kept before. */
  restore(users: StoredUser[]): void {
    for (const user of users) {
      this.idByName.set(user.username.toLowerCase(), user.id);
      this.byId.set(user.id, { ...user });
    }
  }

  async create(user: StoredUser): Promise<'created' | 'taken'> {
    const name = user.username.toLowerCase();
    if (this.idByName.has(name)) return 'taken';
    // Taken in memory at once, so a concurrent registration of the name sees it.
    this.idByName.set(name, user.id);
    this.byId.set(user.id, { ...user });
    try {
      await this.durable.addUser(user);
    } catch (error) {
      this.idByName.delete(name);
      this.byId.delete(user.id);
      throw error;
    }
    return 'created';
  }

  findByUsername(username: string): Promise<StoredUser | null> {
    const id = this.idByName.get(username.toLowerCase());
    return Promise.resolve(id ? (this.byId.get(id) ?? null) : null);
  }

  findById(id: string): Promise<User | null> {
    const user = this.byId.get(id);
    return Promise.resolve(user ? { id: user.id, username: user.username } : null);
  }

  async setPasswordHash(userId: string, passwordHash: string): Promise<void> {
    const user = this.byId.get(userId);
    if (!user) return;
    await this.durable.setPasswordHash(userId, passwordHash);
    user.passwordHash = passwordHash;
  }
}
