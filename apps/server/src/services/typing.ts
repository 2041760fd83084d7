import type { User } from '@chat/shared';
import { RATE_POLICIES } from '../chat/rate-limits';
import type { Backend } from '../ports';
import { enforceRate } from './rate-limits';

/**
 * Typing indicators across instances. A signal is published on EVENTS and
 * never stored; receivers expire a `typing: true` by themselves (TYPING_TTL_MS),
 * so a lost `false` only makes an indicator linger that long.
 */
export class Typing {
  constructor(private readonly backend: Pick<Backend, 'eventBus' | 'rateLimiter'>) {}

  /** Publishes the user's typing state in the room; `true` is rate limited per user. */
  async signal(user: User, roomId: string, typing: boolean, socketId: string): Promise<void> {
    if (typing)
      await enforceRate(
        this.backend.rateLimiter,
        `typing:${user.id}`,
        RATE_POLICIES.typing,
        'typing signals',
      );
    await this.backend.eventBus.publish({ type: 'typing', roomId, user, typing, socketId });
  }
}
