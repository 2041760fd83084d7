import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { Histogram } from '../histogram';
import type {
  ClientSpec,
  Command,
  ConnectResult,
  Reply,
  StepStats,
  Totals,
  WorkerInit,
} from './protocol';

export interface PoolOptions {
  workers: number;
  textSize: number;
  checkIdOrder: boolean;
  clientIdPrefix: string;
}

export interface ConnectSummary {
  ok: number;
  failed: number;
  errors: string[];
  /** From the first connection attempt to the last completed one, over all workers. */
  durationMs: number;
  connectTime: Histogram;
}

export interface MergedStats extends Omit<StepStats, 'type' | 'latency' | 'ackLatency'> {
  latency: Histogram;
  ackLatency: Histogram;
}

interface Lane {
  worker: Worker;
  senders: number;
  pending: Map<number, (reply: Reply) => void>;
}

/**
 * The main thread's handle on the load-generator workers: clients are dealt
 * out round-robin, commands go to every worker, replies are merged.
 */
export class LoadPool {
  private nextId = 0;
  private exitError: Error | undefined;

  private constructor(private readonly lanes: Lane[]) {}

  static async start(specs: ClientSpec[], options: PoolOptions): Promise<LoadPool> {
    const totalClients = specs.reduce((max, spec) => Math.max(max, spec.idx + 1), 0);
    const count = Math.max(1, Math.min(options.workers, specs.length));
    const lanes: Lane[] = [];
    const pool = new LoadPool(lanes);
    for (let w = 0; w < count; w++) {
      const clients = specs.filter((_, i) => i % count === w);
      const init: WorkerInit = {
        workerIndex: w,
        clients,
        totalClients,
        textSize: options.textSize,
        checkIdOrder: options.checkIdOrder,
        clientIdPrefix: options.clientIdPrefix,
      };
      const worker = new Worker(path.join(__dirname, 'worker.js'), { workerData: init });
      const lane: Lane = {
        worker,
        senders: clients.filter((c) => c.sends).length,
        pending: new Map(),
      };
      worker.on('message', ({ id, body }: { id: number; body: Reply }) => {
        const resolve = lane.pending.get(id);
        lane.pending.delete(id);
        resolve?.(body);
      });
      worker.on('error', (error) => {
        pool.exitError = error;
        process.stderr.write(`bench: load-generator worker ${w} failed: ${error.stack}\n`);
      });
      lanes.push(lane);
    }
    await new Promise<void>((resolve) => setImmediate(resolve));
    return pool;
  }

  private ask<T extends Reply>(lane: Lane, command: Command): Promise<T> {
    if (this.exitError) return Promise.reject(this.exitError);
    const id = this.nextId++;
    return new Promise<T>((resolve) => {
      lane.pending.set(id, resolve as (reply: Reply) => void);
      lane.worker.postMessage({ id, command });
    });
  }

  private all<T extends Reply>(command: Command): Promise<T[]> {
    return Promise.all(this.lanes.map((lane) => this.ask<T>(lane, command)));
  }

  async connect(
    totalConcurrency: number,
    join: boolean,
    timeoutMs = 30_000,
  ): Promise<ConnectSummary> {
    const per = Math.max(1, Math.ceil(totalConcurrency / this.lanes.length));
    const results = await this.all<ConnectResult>({
      type: 'connect',
      concurrency: per,
      join,
      timeoutMs,
    });
    const connectTime = new Histogram();
    for (const r of results) connectTime.merge(r.connectHist);
    const first = Math.min(...results.map((r) => r.firstStart));
    const last = Math.max(...results.map((r) => r.lastEnd));
    return {
      ok: results.reduce((n, r) => n + r.ok, 0),
      failed: results.reduce((n, r) => n + r.failed, 0),
      errors: results.flatMap((r) => r.errors).slice(0, 5),
      durationMs: Number.isFinite(first) && last > first ? last - first : 0,
      connectTime,
    };
  }

  /** Sends `rate` msgs/s in total (split by each worker's share of senders) until measureTo. */
  async run(rate: number, startAt: number, measureFrom: number, measureTo: number): Promise<void> {
    const senders = this.lanes.reduce((n, lane) => n + lane.senders, 0);
    await Promise.all(
      this.lanes.map((lane) =>
        this.ask(lane, {
          type: 'run',
          rate: senders > 0 ? (rate * lane.senders) / senders : 0,
          startAt,
          measureFrom,
          measureTo,
        }),
      ),
    );
  }

  async totals(): Promise<{
    acked: Float64Array;
    unique: Float64Array;
    outstanding: number;
    disconnects: number;
  }> {
    const results = await this.all<Totals>({ type: 'totals' });
    const size = results[0]?.ackedBySender.length ?? 0;
    const acked = new Float64Array(size);
    const unique = new Float64Array(size);
    let outstanding = 0;
    let disconnects = 0;
    for (const r of results) {
      for (let i = 0; i < size; i++) {
        acked[i]! += r.ackedBySender[i]!;
        unique[i]! += r.uniqueBySender[i]!;
      }
      outstanding += r.outstandingAcks;
      disconnects += r.disconnects;
    }
    return { acked, unique, outstanding, disconnects };
  }

  async stats(): Promise<MergedStats> {
    const results = await this.all<StepStats>({ type: 'stats' });
    const latency = new Histogram();
    const ackLatency = new Histogram();
    const merged: MergedStats = {
      sent: 0,
      sentInWindow: 0,
      ackedInWindow: 0,
      ackErrors: 0,
      ackErrorSamples: [],
      deliveredInWindow: 0,
      latency,
      ackLatency,
      deliveries: 0,
      duplicates: 0,
      outOfOrder: 0,
      roomOrderViolations: 0,
      otherEvents: 0,
      disconnects: 0,
      sio: { clients: 0, deliveries: 0, duplicates: 0, outOfOrder: 0 },
    };
    for (const r of results) {
      latency.merge(r.latency);
      ackLatency.merge(r.ackLatency);
      merged.sent += r.sent;
      merged.sentInWindow += r.sentInWindow;
      merged.ackedInWindow += r.ackedInWindow;
      merged.ackErrors += r.ackErrors;
      merged.ackErrorSamples.push(...r.ackErrorSamples);
      merged.deliveredInWindow += r.deliveredInWindow;
      merged.deliveries += r.deliveries;
      merged.duplicates += r.duplicates;
      merged.outOfOrder += r.outOfOrder;
      merged.roomOrderViolations += r.roomOrderViolations;
      merged.otherEvents += r.otherEvents;
      merged.disconnects += r.disconnects;
      merged.sio.clients += r.sio.clients;
      merged.sio.deliveries += r.sio.deliveries;
      merged.sio.duplicates += r.sio.duplicates;
      merged.sio.outOfOrder += r.sio.outOfOrder;
    }
    merged.ackErrorSamples = merged.ackErrorSamples.slice(0, 5);
    return merged;
  }

  async close(): Promise<void> {
    await Promise.race([
      this.all({ type: 'close' }),
      new Promise((resolve) => setTimeout(resolve, 3000)),
    ]);
    await Promise.all(this.lanes.map((lane) => lane.worker.terminate()));
  }
}
