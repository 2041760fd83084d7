/**
 * Collects items for a short window, then hands them over together, in the
 * order they came, in one tick.
 *
 * Used for `presence`, which goes to every socket: a wave of connections
 * (a deploy, a network blip, the morning) would otherwise cost one frame
 * and one system call per socket per user coming online. Emitted in one
 * tick, the window's events leave each connection as one Engine.IO batch,
 * which CorkingEngine writes in one system call. Presence is not
 * latency-sensitive; a few tens of milliseconds are invisible to people.
 */
export class BatchedBroadcast<T> {
  private pending: T[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly windowMs: number,
    private readonly deliver: (items: readonly T[]) => void,
  ) {}

  push(item: T): void {
    this.pending.push(item);
    this.timer ??= setTimeout(() => this.flush(), this.windowMs);
  }

  /** Delivers what is pending now. */
  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const items = this.pending;
    this.pending = [];
    if (items.length > 0) this.deliver(items);
  }

  /** Drops what is pending (the connections are going away). */
  clear(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.pending = [];
  }
}
