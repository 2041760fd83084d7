import type { Message } from '@chat/shared';
import type { ClusterEvent } from '../cluster-events';
import type { Broker, RelayInfo } from '../ports';

/**
 * The in-process stand-in for Redis Pub/Sub. Like Redis, it delivers
 * asynchronously (never inside the publisher's call) and in publish order.
 */
export class EmbeddedBus implements Broker {
  private messageHandlers: ((message: Message, info: RelayInfo) => void)[] = [];
  private eventHandlers: ((event: ClusterEvent) => void)[] = [];

  constructor(private readonly instanceId: string) {}

  onMessage(handler: (message: Message, info: RelayInfo) => void): void {
    this.messageHandlers.push(handler);
  }

  onEvent(handler: (event: ClusterEvent) => void): void {
    this.eventHandlers.push(handler);
  }

  /** In-process delivery never breaks, so there is never anything to catch up on. */
  onResync(): void {}

  publishMessage(message: Message): void {
    const info = { origin: this.instanceId };
    queueMicrotask(() => {
      for (const handler of this.messageHandlers) handler(message, info);
    });
  }

  publishEvent(event: ClusterEvent): Promise<void> {
    queueMicrotask(() => {
      for (const handler of this.eventHandlers) handler(event);
    });
    return Promise.resolve();
  }
}
