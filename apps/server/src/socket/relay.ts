import { messageIdTime, type Message } from '@chat/shared';
import type { Metrics } from '../metrics';
import type { MessageUpdate } from '../ports';
import type { CatchUpTracker, RelayEvent } from './catch-up';
import type { HiddenDmWatch } from './hidden-dm-watch';
import type { ChatIoServer } from './types';

/**
 * MESSAGES → this instance's sockets: every message of the room's log, from
 * any instance including this one, goes as `message:new` to each local
 * socket that joined the room, exactly once, in the room's order; every change
 * (protocol v1.1) as `message:updated` with the message's whole state, in that same
 * order. Sockets catching up get them from CatchUpTracker instead.
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
    this.deliver({ kind: 'new', message });
    this.hiddenDms.relayed(message);
    this.metrics.messagesOut.inc();
    const storedAt = messageIdTime(message.id);
    if (storedAt > 0) this.metrics.relayLag.observe(Math.max(0, Date.now() - storedAt) / 1000);
  }

  relayUpdate({ message, changeId }: MessageUpdate): void {
    this.deliver({ kind: 'updated', message, changeId });
  }

  private deliver(event: RelayEvent): void {
    const skipped = this.catchUp.socketsToSkip(event);
    const target = skipped
      ? this.io.local.to(event.message.roomId).except(skipped)
      : this.io.local.to(event.message.roomId);
    target.emit(event.kind === 'new' ? 'message:new' : 'message:updated', event.message);
  }
}
