import type { HistogramData } from '../histogram';

/* Messages between the main thread (pool.ts) and the load-generator workers (worker.ts). */

export interface ClientSpec {
  /** Global client index: the sender index in message texts. */
  idx: number;
  port: number;
  token: string;
  /** The room it joins (and sends to); none for idle connections. */
  roomId?: string;
  /** `raw`: ws speaking the wire format; `sio`: socket.io-client (the checking subset). */
  kind: 'raw' | 'sio';
  sends: boolean;
}

export interface WorkerInit {
  workerIndex: number;
  clients: ClientSpec[];
  /** Highest client index + 1 (size of per-sender arrays). */
  totalClients: number;
  textSize: number;
  /** Check each room's order by message id (`<ms>-<seq>` ids, ours only). */
  checkIdOrder: boolean;
  /** Prefix of clientIds, unique per scenario run (the server remembers clientIds for 24 h). */
  clientIdPrefix: string;
}

export type Command =
  | { type: 'connect'; concurrency: number; join: boolean; timeoutMs: number }
  | {
      type: 'run';
      /** Messages per second this worker sends, spread over its senders. */
      rate: number;
      startAt: number;
      measureFrom: number;
      measureTo: number;
    }
  | { type: 'totals' }
  | { type: 'stats' }
  | { type: 'close' };

export interface ConnectResult {
  type: 'connected';
  ok: number;
  failed: number;
  errors: string[];
  firstStart: number;
  lastEnd: number;
  connectHist: HistogramData;
}

export interface Totals {
  type: 'totals';
  /** Per sender index: messages acked ok (only this worker's senders are non-zero). */
  ackedBySender: Float64Array;
  /** Per sender index: distinct deliveries over this worker's receivers. */
  uniqueBySender: Float64Array;
  outstandingAcks: number;
  disconnects: number;
}

/** Counters of the last `run` window (reset by each `run`). */
export interface StepStats {
  type: 'stats';
  sent: number;
  sentInWindow: number;
  ackedInWindow: number;
  ackErrors: number;
  ackErrorSamples: string[];
  /** Deliveries received while the window was open (any message). */
  deliveredInWindow: number;
  /** Deliveries of messages sent in the window (the latency samples). */
  latency: HistogramData;
  ackLatency: HistogramData;
  /** Totals since the scenario started. */
  deliveries: number;
  duplicates: number;
  outOfOrder: number;
  roomOrderViolations: number;
  otherEvents: number;
  disconnects: number;
  sio: { clients: number; deliveries: number; duplicates: number; outOfOrder: number };
}

export type Reply = ConnectResult | Totals | StepStats | { type: 'ran' } | { type: 'closed' };
