import type { RedisClient } from './connection';
import { clusterEventSchema, type ClusterEvent } from '../cluster-events';
import type { EventBus } from '../ports';
import type { RedisKeys } from './keys';
import type { RoomFeed } from './room-feed';
import type { DropHandler, RedisSubscriber } from './subscriber';
import { redisCall } from './unavailable';

/**
 * EVENTS (prefixed as keys.ts says) on Redis Pub/Sub: published on the shared command connection,
 * received on the instance's subscriber connection, validated on arrival
 * (anything else found there is dropped with a log line and a metric).
 *
 * Issue 15, cluster mode: each event goes where its receivers are, so that nothing per room
 * or per user is broadcast to every node and every instance:
 * - `typing` on the room's shard channel (SPUBLISH, a `kind: "typing"` envelope beside the
 *   room's messages: relay-envelope.ts), heard by the instances that watch the room;
 * - `room:added`, `room:removed`, `room:read`, `session:revoked` on the user's shard channel
 *   `EVENTS:{<user id>}` (SPUBLISH), heard by the instances that watch the user;
 * - what is for everyone (`presence`, `room:created`) on EVENTS with classic PUBLISH, which a
 *   Redis Cluster broadcasts to every node. A `session:revoked` without its user id (published
 *   by an older instance) goes there too.
 */
export class RedisEventBus implements EventBus {
  private eventHandler: (event: ClusterEvent) => void = () => {};
  private readonly channel: string;
  private readonly cluster: boolean;

  constructor(
    private readonly publisher: RedisClient,
    private readonly subscriber: RedisSubscriber,
    onDropped: DropHandler,
    private readonly keys: RedisKeys,
    feed: RoomFeed,
    /** Named in the typing envelope for people watching the channel. */
    private readonly instanceId: string,
  ) {
    const channel = keys.channels.events;
    this.channel = channel;
    this.cluster = keys.mode === 'cluster';
    const receive = (payload: string, shardChannel?: string) => {
      let json: unknown;
      try {
        json = JSON.parse(payload);
      } catch {
        return onDropped(channel, 'not json');
      }
      const event = clusterEventSchema.safeParse(json);
      if (!event.success) return onDropped(channel, 'unknown event shape');
      // A user's shard channel carries that user's events only.
      if (shardChannel !== undefined && this.routeOf(event.data) !== shardChannel)
        return onDropped(channel, 'event does not belong on this channel');
      this.eventHandler(event.data);
    };
    subscriber.channel(channel, (payload) => receive(payload), 'events');
    if (this.cluster) {
      subscriber.shardFamily(`${channel}:`, 'events', (shard, payload) => receive(payload, shard));
      feed.onTyping((event) => this.eventHandler(event));
    }
  }

  async publish(event: ClusterEvent): Promise<void> {
    if (!this.cluster) {
      await redisCall(() => this.publisher.publish(this.channel, JSON.stringify(event)));
      return;
    }
    const route = this.routeOf(event);
    if (route === this.channel) {
      await redisCall(() => this.publisher.publish(route, JSON.stringify(event)));
      return;
    }
    const payload =
      event.type === 'typing'
        ? JSON.stringify({ origin: this.instanceId, kind: 'typing', ...withoutType(event) })
        : JSON.stringify(event);
    await redisCall(() => this.publisher.spublish(route, payload));
  }

  onEvent(handler: (event: ClusterEvent) => void): void {
    this.eventHandler = handler;
  }

  onResync(handler: () => void): void {
    this.subscriber.onResync(handler);
  }

  /** Cluster mode: the channel an event travels on (see the class comment). */
  private routeOf(event: ClusterEvent): string {
    const { channels } = this.keys;
    switch (event.type) {
      case 'typing':
        return channels.room(event.roomId);
      case 'room:added':
      case 'room:removed':
      case 'room:read':
        return channels.user(event.userId);
      case 'session:revoked':
        return event.userId === undefined ? channels.events : channels.user(event.userId);
      case 'presence':
      case 'room:created':
        return channels.events;
    }
  }
}

function withoutType<T extends { type: string }>({ type: _type, ...rest }: T): Omit<T, 'type'> {
  return rest;
}
