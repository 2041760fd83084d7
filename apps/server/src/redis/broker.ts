import type { Redis } from 'ioredis';
import type { Message } from '@chat/shared';
import { clusterEventSchema, type ClusterEvent } from '../cluster-events';
import type { Broker, RelayInfo } from '../ports';
import { parseRelayEnvelope } from '../relay-envelope';
import { EVENTS_CHANNEL, MESSAGES_CHANNEL } from './keys';
import { redisCall } from './unavailable';

export type DropHandler = (channel: string, reason: string) => void;

/**
 * Redis Pub/Sub on a dedicated subscriber connection (a subscribed
 * connection cannot run other commands); ioredis resubscribes it after every
 * reconnect. Publishing uses the shared command connection.
 */
export class RedisBroker implements Broker {
  private messageHandler: (message: Message, info: RelayInfo) => void = () => {};
  private eventHandler: (event: ClusterEvent) => void = () => {};
  private resyncHandler: () => void = () => {};
  private subscribedBefore = false;

  constructor(
    private readonly publisher: Redis,
    private readonly subscriber: Redis,
    private readonly onDropped: DropHandler,
  ) {
    subscriber.on('message', (channel: string, payload: string) => this.dispatch(channel, payload));
    subscriber.on('ready', () => {
      // ioredis resubscribes on every reconnect; the first 'ready' is the start-up one.
      if (this.subscribedBefore) this.resyncHandler();
    });
  }

  /** Subscribes to both channels; resolves once Redis confirmed. */
  async subscribe(): Promise<void> {
    await this.subscriber.subscribe(MESSAGES_CHANNEL, EVENTS_CHANNEL);
    this.subscribedBefore = true;
  }

  onResync(handler: () => void): void {
    this.resyncHandler = handler;
  }

  onMessage(handler: (message: Message, info: RelayInfo) => void): void {
    this.messageHandler = handler;
  }

  onEvent(handler: (event: ClusterEvent) => void): void {
    this.eventHandler = handler;
  }

  async publishEvent(event: ClusterEvent): Promise<void> {
    await redisCall(() => this.publisher.publish(EVENTS_CHANNEL, JSON.stringify(event)));
  }

  private dispatch(channel: string, payload: string): void {
    if (channel === MESSAGES_CHANNEL) {
      const envelope = parseRelayEnvelope(payload);
      if ('invalid' in envelope) return this.onDropped(channel, envelope.invalid);
      this.messageHandler(envelope.message, { origin: envelope.origin });
      return;
    }
    if (channel === EVENTS_CHANNEL) {
      let json: unknown;
      try {
        json = JSON.parse(payload);
      } catch {
        return this.onDropped(channel, 'not json');
      }
      const event = clusterEventSchema.safeParse(json);
      if (!event.success) return this.onDropped(channel, 'unknown event shape');
      this.eventHandler(event.data);
    }
  }
}
