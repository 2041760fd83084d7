import type { Typing } from '../services/typing';
import type { TypingThrottle } from './typing';
import type { ChatSocket } from './types';

/**
 * A socket's typing signals: the ones worth publishing (TypingThrottle) go
 * out through the Typing service; `stop` ends what a socket leaves behind.
 */
export class TypingSignals {
  constructor(
    private readonly throttle: TypingThrottle,
    private readonly service: Typing,
  ) {}

  async signal(socket: ChatSocket, roomId: string, typing: boolean): Promise<void> {
    if (!this.throttle.shouldForward(socket.id, roomId, typing, Date.now())) return;
    await this.service.signal(socket.data.user, roomId, typing, socket.id);
  }

  /** Publishes `typing: false` for the rooms the socket was typing in (one room, or all). */
  async stop(socket: ChatSocket, roomId?: string): Promise<void> {
    for (const room of this.throttle.stop(socket.id, roomId)) {
      // A lost `false` is harmless: receivers expire the state by themselves anyway.
      await this.service.signal(socket.data.user, room, false, socket.id).catch(() => {});
    }
  }
}
