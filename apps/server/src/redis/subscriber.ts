import type { RedisClient } from './connection';

export type DropHandler = (channel: string, reason: string) => void;

/** What an inbound payload is, for `chat_pubsub_inbound_total`: a room's traffic or an event. */
export type InboundKind = 'messages' | 'events';

/**
 * The instance's one subscribed Redis connection (a subscribed connection
 * cannot run other commands), shared by the ports that own a channel
 * (RedisMessageLog: MESSAGES, RedisEventBus: EVENTS). ioredis resubscribes it
 * after every reconnect; each resync handler then learns that what was
 * published during the break was not delivered.
 *
 * Issue 15, cluster mode: the same connection is ioredis's Cluster client, whose classic
 * subscription (EVENTS) lives on one node and whose sharded subscriptions (one connection per
 * master, `shardedSubscribers`) carry the rooms' and users' shard channels. Shard channels are
 * routed by name prefix (`shardFamily`); which of them are subscribed is ClusterInterest's
 * business (cluster-subscriber.ts), which also reports the breaks of sharded connections here.
 */
export class RedisSubscriber {
  private readonly channels = new Map<string, (payload: string) => void>();
  private readonly families: {
    prefix: string;
    kind: InboundKind;
    handler: (channel: string, payload: string) => void;
  }[] = [];
  private readonly resyncHandlers: (() => void)[] = [];
  /** Between a shard break (`interrupt`) and its `resync`: shard payloads are not relayed. */
  private interrupted = false;
  private subscribedBefore = false;

  constructor(
    private readonly connection: RedisClient,
    /** Called for every payload received, before it is parsed (chat_pubsub_inbound_total). */
    private readonly onInbound: (kind: InboundKind) => void = () => {},
    /** The kind of each classic channel (MESSAGES: messages, EVENTS: events). */
    private readonly kinds = new Map<string, InboundKind>(),
  ) {
    connection.on('message', (channel: string, payload: string) => {
      const handler = this.channels.get(channel);
      if (!handler) return;
      this.onInbound(this.kinds.get(channel) ?? 'events');
      handler(payload);
    });
    connection.on('smessage', (channel: string, payload: string) => {
      const family = this.families.find(({ prefix }) => channel.startsWith(prefix));
      if (!family) return;
      this.onInbound(family.kind);
      // During a break the shard channels come back one by one (ioredis resubscribes some by
      // itself): relaying what one of them carries would move a client's cursor past the gap
      // of another, which its rejoin with `after` then never fills. Nothing is relayed until
      // the resync closed the local transports; every client catches up from its last id.
      if (this.interrupted) return;
      family.handler(channel, payload);
    });
    connection.on('ready', () => {
      // ioredis resubscribes on every reconnect; the first 'ready' is the start-up one.
      if (this.subscribedBefore) this.resync();
    });
  }

  /** Routes the channel's payloads to `handler` once `start` subscribed. One handler per channel. */
  channel(name: string, handler: (payload: string) => void, kind: InboundKind = 'events'): void {
    this.channels.set(name, handler);
    this.kinds.set(name, kind);
  }

  /**
   * Cluster mode: routes the payloads of every shard channel whose name starts with `prefix`
   * (a room's `MESSAGES:{p17}:<id>`, a user's `EVENTS:{<id>}`) to `handler`. Subscribing is
   * ClusterInterest's.
   */
  shardFamily(
    prefix: string,
    kind: InboundKind,
    handler: (channel: string, payload: string) => void,
  ): void {
    this.families.push({ prefix, kind, handler });
  }

  onResync(handler: () => void): void {
    this.resyncHandlers.push(handler);
  }

  /**
   * Cluster mode (ClusterInterest): a subscribed shard connection broke or a slot moved; shard
   * channel payloads are dropped from now until `resync`.
   */
  interrupt(): void {
    this.interrupted = true;
  }

  /** Tells every resync handler that what was published during a break was not delivered. */
  resync(): void {
    for (const handler of this.resyncHandlers) handler();
    // The handlers close the local transports in a microtask (socket-service.ts); relaying
    // resumes right after it, to sockets that joined afresh.
    queueMicrotask(() => {
      this.interrupted = false;
    });
  }

  /** Subscribes to every registered channel; resolves once Redis confirmed. */
  async start(): Promise<void> {
    if (this.channels.size > 0) await this.connection.subscribe(...this.channels.keys());
    this.subscribedBefore = true;
  }

  /** The connection's state (`ready` while it can receive), for /readyz. */
  get status(): string {
    return this.connection.status;
  }
}
