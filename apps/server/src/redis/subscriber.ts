import type { RedisClient } from './connection';

export type DropHandler = (channel: string, reason: string) => void;

/** Called for every payload the connection receives, before it is routed (the inbound count). */
export type ReceiveHandler = (channel: string) => void;

/**
 * The instance's one subscribed Redis connection (a subscribed connection
 * cannot run other commands), shared by the ports that own a channel
 * (RedisMessageLog: MESSAGES, RedisEventBus: EVENTS). ioredis resubscribes it
 * after every reconnect; each resync handler then learns that what was
 * published during the break was not delivered.
 */
export class RedisSubscriber {
  private readonly channels = new Map<string, (payload: string) => void>();
  private readonly resyncHandlers: (() => void)[] = [];
  private subscribedBefore = false;

  constructor(
    private readonly connection: RedisClient,
    onReceived: ReceiveHandler = () => {},
  ) {
    connection.on('message', (channel: string, payload: string) => {
      onReceived(channel);
      this.channels.get(channel)?.(payload);
    });
    connection.on('ready', () => {
      // ioredis resubscribes on every reconnect; the first 'ready' is the start-up one.
      if (this.subscribedBefore) for (const handler of this.resyncHandlers) handler();
    });
  }

  /** Routes the channel's payloads to `handler` once `start` subscribed. One handler per channel. */
  channel(name: string, handler: (payload: string) => void): void {
    this.channels.set(name, handler);
  }

  onResync(handler: () => void): void {
    this.resyncHandlers.push(handler);
  }

  /** Subscribes to every registered channel; resolves once Redis confirmed. */
  async start(): Promise<void> {
    await this.connection.subscribe(...this.channels.keys());
    this.subscribedBefore = true;
  }

  /** The connection's state (`ready` while it can receive), for /readyz. */
  get status(): string {
    return this.connection.status;
  }
}
