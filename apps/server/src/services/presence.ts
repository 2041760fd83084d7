import type { Logger } from 'pino';
import type { User } from '@chat/shared';
import type { Metrics } from '../metrics';
import type { EventBus, PresenceStore } from '../ports';

interface LocalUser {
  user: User;
  sockets: number;
  /** Set while the user has no socket here but is still shown online (grace period). */
  graceTimer: NodeJS.Timeout | undefined;
}

/**
 * Who is online, and this instance's part in it: counts each user's local sockets,
 * reports a user's first socket here and (after a grace period) their last
 * one to the PresenceStore, and announces `presence` events when that makes
 * them come online or go offline cluster-wide. It also renews the instance's
 * heartbeat and announces the users of dead instances that the heartbeat
 * reaped.
 */
export class Presence {
  private readonly local = new Map<string, LocalUser>();
  /** Per user, the store calls in flight, so that connect and disconnect never overtake each other. */
  private readonly queues = new Map<string, Promise<void>>();
  private heartbeatTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly store: PresenceStore,
    private readonly events: EventBus,
    private readonly options: { graceMs: number; heartbeatMs: number },
    private readonly logger: Logger,
    private readonly metrics: Metrics,
  ) {}

  async start(): Promise<void> {
    await this.heartbeat();
    this.heartbeatTimer = setInterval(() => void this.heartbeat(), this.options.heartbeatMs);
    this.heartbeatTimer.unref();
  }

  socketOpened(user: User): void {
    const entry = this.local.get(user.id);
    if (entry) {
      entry.sockets += 1;
      if (entry.graceTimer) {
        // Back within the grace period: they never went offline.
        clearTimeout(entry.graceTimer);
        entry.graceTimer = undefined;
      }
      return;
    }
    this.local.set(user.id, { user, sockets: 1, graceTimer: undefined });
    this.enqueue(user.id, async () => {
      if (await this.store.connect(user)) await this.announce(user, true);
    });
  }

  socketClosed(user: User): void {
    const entry = this.local.get(user.id);
    if (!entry) return;
    entry.sockets -= 1;
    if (entry.sockets > 0) return;
    entry.graceTimer = setTimeout(() => {
      this.local.delete(user.id);
      this.enqueue(user.id, async () => {
        if (await this.store.disconnect(user)) await this.announce(user, false);
      });
    }, this.options.graceMs);
    entry.graceTimer.unref();
  }

  /**
   * Graceful shutdown: stop the heartbeat and let it run out after the grace
   * period, so that users who reconnect to another instance meanwhile never
   * flap, and those who do not go offline.
   */
  async stop(): Promise<void> {
    clearInterval(this.heartbeatTimer);
    for (const entry of this.local.values()) clearTimeout(entry.graceTimer);
    await Promise.allSettled(this.queues.values());
    try {
      await this.store.expireSoon(this.options.graceMs);
    } catch (error) {
      this.logger.warn({ err: error }, 'could not expire the presence heartbeat');
    }
  }

  private async heartbeat(): Promise<void> {
    const stopTimer = this.metrics.redisRoundTrip.startTimer({ op: 'presence_heartbeat' });
    try {
      const reaped = await this.store.heartbeat();
      stopTimer();
      for (const user of reaped) await this.announce(user, false);
      if (reaped.length > 0)
        this.logger.info({ users: reaped.length }, 'reaped users of a dead instance');
    } catch (error) {
      this.logger.warn(
        { err: error instanceof Error ? error.message : error },
        'presence heartbeat failed',
      );
    }
  }

  private announce(user: User, online: boolean): Promise<void> {
    return this.events.publish({ type: 'presence', user, online });
  }

  private enqueue(userId: string, task: () => Promise<void>): void {
    const previous = this.queues.get(userId) ?? Promise.resolve();
    const next = previous
      .then(task)
      .catch((error: unknown) => {
        this.logger.warn(
          { err: error instanceof Error ? error.message : error, userId },
          'presence update failed',
        );
      })
      .finally(() => {
        if (this.queues.get(userId) === next) this.queues.delete(userId);
      });
    this.queues.set(userId, next);
  }
}
