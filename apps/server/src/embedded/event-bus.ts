import type { ClusterEvent } from '../cluster-events';
import type { EventBus } from '../ports';
import { InProcessChannel } from './in-process-channel';

/** EVENTS within one process: the instance hears its own events, as with Redis. */
export class EmbeddedEventBus implements EventBus {
  private readonly channel = new InProcessChannel<ClusterEvent>();

  publish(event: ClusterEvent): Promise<void> {
    this.channel.publish(event);
    return Promise.resolve();
  }

  onEvent(handler: (event: ClusterEvent) => void): void {
    this.channel.subscribe(handler);
  }

  /** In-process delivery never breaks: nothing to catch up on. */
  onResync(): void {}
}
