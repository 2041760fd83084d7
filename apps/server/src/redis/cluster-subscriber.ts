import type { EventEmitter } from 'node:events';
import calculateSlot from 'cluster-key-slot';
import type { Cluster } from 'ioredis';
import type { Logger } from 'pino';
import { BackendUnavailableError } from '../chat/app-error';
import type { LiveInterest } from '../ports';
import type { RedisKeys } from './keys';
import type { RedisSubscriber } from './subscriber';

/** Delays between attempts to restore the subscriptions after a break (ms). */
const RESTORE_BACKOFF_MS = [50, 100, 200, 500, 1000, 2000];

/**
 * Issue 15, REDIS_MODE=cluster: the LiveInterest of a Redis Cluster. A watched room is a
 * SSUBSCRIBE of its shard channel (`MESSAGES:{p17}:<room id>`), a watched user of theirs
 * (`EVENTS:{<user id>}`), through ioredis's sharded subscribers (one connection per master,
 * each channel on the master of its slot). So an instance receives the traffic of the rooms
 * and users it has sockets for, and nothing of the others: its inbound work grows with its
 * own users, not with the whole deployment's.
 *
 * Guarantees: `watchRoom`/`watchUser` resolve once Redis confirmed the subscription (what is
 * published from then on reaches the handlers). When a subscribed connection breaks (a master
 * died: ioredis drops the node, `-node`, and builds new sharded subscribers) or a slot moved
 * away from its master (which unsubscribes that slot's channels: `moved`), the
 * channels are subscribed again here, confirmed, and only then the subscriber reports a resync
 * (what was published meanwhile was not delivered: local clients reconnect and catch up with
 * `after`). Until then `healthy` is false (/readyz) and a watch waits for the restoration (at
 * most `timeoutMs`, then `unavailable`).
 */
export class ClusterInterest implements LiveInterest {
  /** Watched channel → its room or user, and whether it is a room. */
  private readonly watched = new Map<string, { room: boolean; confirmed: Promise<void> }>();
  private broken: { restored: Promise<void>; resolve: () => void } | null = null;
  private attempt = 0;
  /** Counts breaks: a restoration that began before a newer break does not end it. */
  private generation = 0;
  private retry: NodeJS.Timeout | undefined;
  private started = false;
  private closed = false;

  constructor(
    private readonly cluster: Cluster,
    private readonly subscriber: RedisSubscriber,
    private readonly keys: RedisKeys,
    /** The classic channels subscribed as well (EVENTS): restored with the shard channels. */
    private readonly classicChannels: () => string[],
    private readonly logger: Logger,
    private readonly timeoutMs: number,
  ) {
    cluster.on('-node', () => this.lost());
    cluster.on('-subscriber', () => this.lost());
    cluster.on('subscribersReady', () => this.scheduleRestore(0));
    // A slot that moved (resharding) makes its old master SUNSUBSCRIBE its channels' subscribers
    // by itself; the subscriber connection stays up, so neither event above fires. ioredis 6
    // reports it (and a MOVED answer to a SSUBSCRIBE) only on its sharded subscriber group's
    // emitter, as `moved`, which the Cluster does not re-emit: listen there. What was published
    // to the moved channels until they are subscribed again on the new master was not heard.
    const group = (cluster as unknown as { subscriberGroupEmitter?: EventEmitter })
      .subscriberGroupEmitter;
    if (!group) throw new Error('ClusterInterest needs a Cluster with shardedSubscribers');
    group.on('moved', () => this.lost());
  }

  /** Called once the subscriber's start-up subscriptions are confirmed: breaks count from now. */
  start(): void {
    this.started = true;
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.retry);
  }

  watchRoom(roomId: string): Promise<void> {
    return this.watch(this.keys.channels.room(roomId), true);
  }

  unwatchRoom(roomId: string): Promise<void> {
    return this.unwatch(this.keys.channels.room(roomId));
  }

  watchUser(userId: string): Promise<void> {
    return this.watch(this.keys.channels.user(userId), false);
  }

  unwatchUser(userId: string): Promise<void> {
    return this.unwatch(this.keys.channels.user(userId));
  }

  watching(): { rooms: number; users: number } {
    let rooms = 0;
    for (const { room } of this.watched.values()) if (room) rooms += 1;
    return { rooms, users: this.watched.size - rooms };
  }

  /** False while a subscribed connection broke and its channels are not subscribed again. */
  get healthy(): boolean {
    return this.broken === null;
  }

  private watch(channel: string, room: boolean): Promise<void> {
    const existing = this.watched.get(channel);
    // During a break even a channel confirmed before is not heard until it is restored.
    if (existing) return this.broken ? this.bounded(this.broken.restored) : existing.confirmed;
    const confirmed = this.broken ? this.bounded(this.broken.restored) : this.subscribe([channel]);
    const entry = { room, confirmed };
    this.watched.set(channel, entry);
    confirmed.catch(() => {
      // Not subscribed: forgotten, so that the next watch subscribes again.
      if (this.watched.get(channel) === entry) this.watched.delete(channel);
    });
    return confirmed;
  }

  private async unwatch(channel: string): Promise<void> {
    if (!this.watched.delete(channel)) return;
    try {
      await this.cluster.sunsubscribe(channel);
    } catch (error) {
      // The connection is gone (its subscriptions with it) or will be restored without it.
      this.logger.debug({ channel, err: error }, 'sunsubscribe failed');
    }
  }

  private async subscribe(channels: string[]): Promise<void> {
    try {
      await this.bounded(this.cluster.ssubscribe(...channels).then(() => undefined));
    } catch (error) {
      throw error instanceof BackendUnavailableError ? error : new BackendUnavailableError(error);
    }
  }

  /** `promise`, or `unavailable` after timeoutMs (a watch never hangs a join). */
  private bounded(promise: Promise<void>): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new BackendUnavailableError(new Error('subscription not confirmed in time'))),
        this.timeoutMs,
      );
      promise.then(
        () => {
          clearTimeout(timer);
          resolve();
        },
        (error: unknown) => {
          clearTimeout(timer);
          reject(
            error instanceof BackendUnavailableError ? error : new BackendUnavailableError(error),
          );
        },
      );
    });
  }

  /** A node or a sharded subscriber went away: what it carried is not heard until restored. */
  private lost(): void {
    if (!this.started || this.closed) return;
    this.subscriber.interrupt();
    this.generation += 1;
    if (!this.broken) {
      let resolve = () => {};
      const restored = new Promise<void>((done) => (resolve = done));
      this.broken = { restored, resolve };
      this.attempt = 0;
      this.logger.warn('a subscribed redis node went away: restoring the subscriptions');
    }
    this.scheduleRestore(RESTORE_BACKOFF_MS[0]!);
  }

  private scheduleRestore(delayMs: number): void {
    if (!this.broken || this.closed) return;
    clearTimeout(this.retry);
    this.retry = setTimeout(() => void this.restore(), delayMs);
  }

  /**
   * Subscribes every watched channel again (one SSUBSCRIBE per slot, as Redis requires) and
   * the classic channels; once all are confirmed, the break is over: resync.
   */
  private async restore(): Promise<void> {
    const broken = this.broken;
    const generation = this.generation;
    if (!broken || this.closed) return;
    const bySlot = new Map<number, string[]>();
    for (const channel of this.watched.keys()) {
      const slot = calculateSlot(channel);
      bySlot.set(slot, [...(bySlot.get(slot) ?? []), channel]);
    }
    const classic = this.classicChannels();
    try {
      await Promise.all([
        ...[...bySlot.values()].map((channels) => this.subscribe(channels)),
        classic.length > 0
          ? this.bounded(this.cluster.subscribe(...classic).then(() => undefined))
          : Promise.resolve(),
      ]);
    } catch (error) {
      const delay = RESTORE_BACKOFF_MS[Math.min(this.attempt, RESTORE_BACKOFF_MS.length - 1)]!;
      this.attempt += 1;
      this.logger.debug({ err: error, delay }, 'restoring subscriptions failed; retrying');
      return this.scheduleRestore(delay);
    }
    if (this.broken !== broken) return;
    if (this.generation !== generation) return this.scheduleRestore(0);
    this.broken = null;
    broken.resolve();
    this.logger.warn({ channels: this.watched.size }, 'redis subscriptions restored');
    this.subscriber.resync();
  }
}
