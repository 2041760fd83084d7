/**
 * Bounds work in flight: at most `concurrency` tasks run at once, at most
 * `maxQueued` wait per priority, and a freed slot goes to the waiting task of
 * the highest priority first (in arrival order within one priority). A task
 * that finds its priority's queue full is refused at once with `GateFull`,
 * so a flood of one kind of work costs a bounded wait and never starves the
 * other kind.
 */
export class PriorityGate<Priority extends string> {
  private running = 0;
  private readonly queues: Map<Priority, (() => void)[]>;

  /** `priorities`: highest first. */
  constructor(
    priorities: readonly Priority[],
    private readonly concurrency: number,
    private readonly maxQueued: number,
  ) {
    this.queues = new Map(priorities.map((priority) => [priority, []]));
  }

  /** Runs `task` once a slot is free; rejects with GateFull when `priority`'s queue is full. */
  async run<T>(priority: Priority, task: () => Promise<T>): Promise<T> {
    await this.acquire(priority);
    try {
      return await task();
    } finally {
      this.release();
    }
  }

  /** Tasks waiting for a slot, per priority. */
  waiting(priority: Priority): number {
    return this.queue(priority).length;
  }

  private acquire(priority: Priority): Promise<void> {
    if (this.running < this.concurrency) {
      this.running += 1;
      return Promise.resolve();
    }
    const queue = this.queue(priority);
    if (queue.length >= this.maxQueued) return Promise.reject(new GateFull());
    // The slot is handed over by release(): `running` stays as it is.
    return new Promise((resolve) => queue.push(resolve));
  }

  private release(): void {
    for (const queue of this.queues.values()) {
      const next = queue.shift();
      if (next) return next();
    }
    this.running -= 1;
  }

  private queue(priority: Priority): (() => void)[] {
    const queue = this.queues.get(priority);
    if (!queue) throw new Error(`PriorityGate: unknown priority ${priority}`);
    return queue;
  }
}

/** The gate's queue for this priority is full: the caller answers "busy, retry". */
export class GateFull extends Error {
  constructor() {
    super('too much work queued');
    this.name = 'GateFull';
  }
}
