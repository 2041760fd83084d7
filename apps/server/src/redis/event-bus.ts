import type { RedisClient } from './connection';
import { clusterEventSchema, type ClusterEvent } from '../cluster-events';
import type { EventBus } from '../ports';
import type { DropHandler, RedisSubscriber } from './subscriber';
import { redisCall } from './unavailable';

/**
 * EVENTS (prefixed as keys.ts says) on Redis Pub/Sub: published on the shared command connection,
 * received on the instance's subscriber connection, validated on arrival
 * (anything else found there is dropped with a log line and a metric).
 */
export class RedisEventBus implements EventBus {
  private eventHandler: (event: ClusterEvent) => void = () => {};

  constructor(
    private readonly publisher: RedisClient,
    private readonly subscriber: RedisSubscriber,
    onDropped: DropHandler,
    /** The deployment's EVENTS channel (keys.ts redisChannels). */
    private readonly channel: string,
  ) {
    subscriber.channel(channel, (payload) => {
      let json: unknown;
      try {
        json = JSON.parse(payload);
      } catch {
        return onDropped(channel, 'not json');
      }
      const event = clusterEventSchema.safeParse(json);
      if (!event.success) return onDropped(channel, 'unknown event shape');
      this.eventHandler(event.data);
    });
  }

  async publish(event: ClusterEvent): Promise<void> {
    await redisCall(() => this.publisher.publish(this.channel, JSON.stringify(event)));
  }

  onEvent(handler: (event: ClusterEvent) => void): void {
    this.eventHandler = handler;
  }

  onResync(handler: () => void): void {
    this.subscriber.onResync(handler);
  }
}
