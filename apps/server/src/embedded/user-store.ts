import type { User } from '@chat/shared';
import type { StoredUser, UserStore } from '../ports';

export class EmbeddedUserStore implements UserStore {
  private readonly byId = new Map<string, StoredUser>();
  private readonly idByName = new Map<string, string>();

  create(user: StoredUser): Promise<'created' | 'taken'> {
    const name = user.username.toLowerCase();
    if (this.idByName.has(name)) return Promise.resolve('taken');
    this.idByName.set(name, user.id);
    this.byId.set(user.id, { ...user });
    return Promise.resolve('created');
  }

  findByUsername(username: string): Promise<StoredUser | null> {
    const id = this.idByName.get(username.toLowerCase());
    return Promise.resolve(id ? (this.byId.get(id) ?? null) : null);
  }

  findById(id: string): Promise<User | null> {
    const user = this.byId.get(id);
    return Promise.resolve(user ? { id: user.id, username: user.username } : null);
  }

  setPasswordHash(userId: string, passwordHash: string): Promise<void> {
    const user = this.byId.get(userId);
    if (user) user.passwordHash = passwordHash;
    return Promise.resolve();
  }
}
