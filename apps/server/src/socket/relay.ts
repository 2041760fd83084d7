import { messageIdTime, type Message } from '@chat/shared';
import type { Metrics } from '../metrics';
import type { CatchUpTracker } from './catch-up';
import type { HiddenDmWatch } from './hidden-dm-watch';
import type { ChatIoServer } from './types';

/**
 * MESSAGES → this instance's sockets: every message of the room's log, from
 * any instance including this one, goes as `message:new` to each local
 * socket that joined the room, exactly once, in the room's order. Sockets
 * catching up get it from CatchUpTracker instead.
 */
export class MessageRelay {
  constructor(
    private readonly io: ChatIoServer,
    private readonly catchUp: CatchUpTracker,
    private readonly metrics: Metrics,
    /** Issue 14: hidden DMs that a new message brings back. */
    private readonly hiddenDms: HiddenDmWatch,
  ) {}

  relay(message: Message): void {
    const skipped = this.catchUp.socketsToSkip(message);
    const target = skipped
      ? this.io.local.to(message.roomId).except(skipped)
      : this.io.local.to(message.roomId);
    target.emit('message:new', message);
    this.hiddenDms.relayed(message);
    this.metrics.messagesOut.inc();
    const storedAt = messageIdTime(message.id);
    if (storedAt > 0) this.metrics.relayLag.observe(Math.max(0, Date.now() - storedAt) / 1000);
  }
}
