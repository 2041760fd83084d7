/** Sizes and timings of every scenario; `--quick` shrinks them for a smoke run. */
export interface Settings {
  quick: boolean;
  /** Load-generator worker threads. */
  workers: number;
  /** Message text length in characters (the same for every target). */
  textSize: number;
  /** Users registered per target; clients reuse them round-robin. */
  users: number;
  instances: number;
  rooms: FanoutSettings;
  bigroom: FanoutSettings;
  idle: { connections: number; windowMs: number };
  storm: { connections: number; concurrency: number; usersOnline?: boolean };
  step: {
    warmupMs: number;
    measureMs: number;
    /** Longest wait for the last deliveries of a step. */
    drainMs: number;
    maxSteps: number;
    /** Halvings of the interval between the last passing and first failing rate. */
    bisections: number;
    /**
     * A failing step is run again this many times before the rate counts as
     * unsustainable (a transient stall elsewhere on a shared machine is not
     * the server's limit). Every attempt is reported.
     */
    retries: number;
  };
  /** Latency bound of a sustainable rate. */
  p99LimitMs: number;
  /** Fixed rates (msgs/s) instead of the search and of fanout fixedRates, from --rates. */
  rates?: number[];
}

export interface FanoutSettings {
  clients: number;
  roomSize: number;
  /** First rate of the search, in messages sent per second (all rooms together). */
  startRate: number;
  /** Every Nth client is a socket.io-client (the checking subset). */
  sioEvery: number;
  /**
   * Rates (msgs/s) measured besides the search, unless --rates replaces both: fixed, unsaturated
   * rates at which CPU per delivery compares across targets (at a target's own best rate the
   * machine is saturated and the figure mixes in contention). A rate the search already ran is
   * not run again.
   */
  fixedRates: number[];
}

export function settingsFor(quick: boolean): Settings {
  if (quick) {
    return {
      quick,
      workers: 2,
      textSize: 80,
      users: 120,
      instances: 3,
      rooms: { clients: 120, roomSize: 10, startRate: 200, sioEvery: 40, fixedRates: [1000, 2000] },
      bigroom: { clients: 60, roomSize: 60, startRate: 20, sioEvery: 30, fixedRates: [] },
      idle: { connections: 360, windowMs: 2000 },
      storm: { connections: 360, concurrency: 100 },
      step: {
        warmupMs: 300,
        measureMs: 1000,
        drainMs: 3000,
        maxSteps: 3,
        bisections: 0,
        retries: 0,
      },
      p99LimitMs: 250,
    };
  }
  return {
    quick,
    workers: 2,
    textSize: 80,
    users: 600,
    instances: 3,
    rooms: { clients: 600, roomSize: 10, startRate: 250, sioEvery: 100, fixedRates: [1000, 2000] },
    bigroom: { clients: 300, roomSize: 300, startRate: 10, sioEvery: 100, fixedRates: [] },
    idle: { connections: 3000, windowMs: 10_000 },
    storm: { connections: 1800, concurrency: 200 },
    step: {
      warmupMs: 1000,
      measureMs: 3000,
      drainMs: 5000,
      maxSteps: 12,
      // Three halvings put the last step within 1/8 of the doubling interval of the limit.
      bisections: 3,
      retries: 1,
    },
    p99LimitMs: 250,
  };
}
