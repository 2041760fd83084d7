import { parentPort, workerData } from 'node:worker_threads';
import { Histogram } from '../histogram';
import { nowMs } from '../proc';
import { messageText, parseDelivery, type Delivery } from '../wire';
import { RawClient, SioClient, type BenchClient, type ClientSink } from './clients';
import type { Command, ConnectResult, StepStats, Totals, WorkerInit } from './protocol';

/*
 * One load-generator thread: a share of the clients, an open-loop sender
 * (sends on schedule whether or not earlier acks came back), and counters.
 * Nothing is logged per message; latencies go into fixed-bucket histograms.
 */

const init = workerData as WorkerInit;
const port = parentPort!;

const latency = new Histogram();
const ackLatency = new Histogram();
const scratch: Delivery = { sentAt: 0, sender: 0, seq: 0, idMs: NaN, idSeq: NaN };
const ackedBySender = new Float64Array(init.totalClients);
const uniqueBySender = new Float64Array(init.totalClients);
const step = {
  sent: 0,
  sentInWindow: 0,
  ackedInWindow: 0,
  ackErrors: 0,
  ackErrorSamples: [] as string[],
  deliveredInWindow: 0,
  measureFrom: Infinity,
  measureTo: -Infinity,
};
const totals = {
  deliveries: 0,
  duplicates: 0,
  outOfOrder: 0,
  roomOrderViolations: 0,
  otherEvents: 0,
  disconnects: 0,
};
const sio = { clients: 0, deliveries: 0, duplicates: 0, outOfOrder: 0 };

const sink: ClientSink = {
  delivery(client, frame) {
    const now = nowMs();
    if (!parseDelivery(frame, scratch)) {
      totals.otherEvents += 1;
      return;
    }
    totals.deliveries += 1;
    if (now >= step.measureFrom && now < step.measureTo) step.deliveredInWindow += 1;
    if (scratch.sentAt >= step.measureFrom && scratch.sentAt < step.measureTo) {
      latency.record(now - scratch.sentAt);
    }
    const isSio = client.spec.kind === 'sio';
    if (isSio) sio.deliveries += 1;
    const state = client.state;
    const sender = scratch.sender;
    const seq = scratch.seq;
    const last = state.last[sender] ?? 0;
    if (seq === last + 1) {
      state.last[sender] = seq;
      uniqueBySender[sender]! += 1;
    } else if (seq > last + 1) {
      // A gap: remember what was skipped; a later arrival of it is out of order.
      state.missing ??= new Set();
      for (let s = last + 1; s < seq; s++) state.missing.add(sender * 4_194_304 + s);
      state.last[sender] = seq;
      uniqueBySender[sender]! += 1;
    } else if (state.missing?.delete(sender * 4_194_304 + seq)) {
      totals.outOfOrder += 1;
      if (isSio) sio.outOfOrder += 1;
      uniqueBySender[sender]! += 1;
    } else {
      totals.duplicates += 1;
      if (isSio) sio.duplicates += 1;
      return;
    }
    if (init.checkIdOrder && !Number.isNaN(scratch.idMs)) {
      // The room's order is the order of its ids; every receiver must see it.
      if (
        scratch.idMs < state.lastIdMs ||
        (scratch.idMs === state.lastIdMs && scratch.idSeq <= state.lastIdSeq)
      ) {
        totals.roomOrderViolations += 1;
      } else {
        state.lastIdMs = scratch.idMs;
        state.lastIdSeq = scratch.idSeq;
      }
    }
  },
  ack(client, sentAt, ok, body) {
    const now = nowMs();
    if (ok) {
      ackedBySender[client.spec.idx]! += 1;
      if (sentAt >= step.measureFrom && sentAt < step.measureTo) {
        step.ackedInWindow += 1;
        ackLatency.record(now - sentAt);
      }
    } else {
      step.ackErrors += 1;
      if (step.ackErrorSamples.length < 5) step.ackErrorSamples.push(body.slice(0, 300));
    }
  },
  other() {
    totals.otherEvents += 1;
  },
  closed() {
    totals.disconnects += 1;
  },
};

const clients: BenchClient[] = init.clients.map((spec) =>
  spec.kind === 'sio'
    ? new SioClient(spec, init.totalClients, sink)
    : new RawClient(spec, init.totalClients, sink),
);
sio.clients = clients.filter((c) => c.spec.kind === 'sio').length;

// Senders in an order that spreads consecutive sends over rooms and instances.
const senders = clients
  .filter((c) => c.spec.sends)
  .map((client, i) => ({ client, key: (i * 2_654_435_761) % 4_294_967_296 }))
  .sort((a, b) => a.key - b.key)
  .map((entry) => entry.client);
let nextSender = 0;

async function connectAll(
  concurrency: number,
  join: boolean,
  timeoutMs: number,
): Promise<ConnectResult> {
  const hist = new Histogram();
  const errors: string[] = [];
  let ok = 0;
  let failed = 0;
  let firstStart = Infinity;
  let lastEnd = 0;
  let next = 0;
  const lane = async () => {
    while (next < clients.length) {
      const client = clients[next++]!;
      const start = nowMs();
      if (start < firstStart) firstStart = start;
      try {
        await client.connect(timeoutMs);
        if (join && client.spec.roomId) await client.join(client.spec.roomId, timeoutMs);
        const end = nowMs();
        hist.record(end - start);
        if (end > lastEnd) lastEnd = end;
        ok += 1;
      } catch (error) {
        failed += 1;
        if (errors.length < 5) errors.push(error instanceof Error ? error.message : String(error));
        client.close();
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, concurrency) }, lane));
  return {
    type: 'connected',
    ok,
    failed,
    errors,
    firstStart,
    lastEnd,
    connectHist: hist.toData(),
  };
}

/** Open-loop sending at `rate` msgs/s from startAt to measureTo. */
function run(rate: number, startAt: number, measureFrom: number, measureTo: number): Promise<void> {
  latency.reset();
  ackLatency.reset();
  Object.assign(step, {
    sent: 0,
    sentInWindow: 0,
    ackedInWindow: 0,
    ackErrors: 0,
    ackErrorSamples: [],
    deliveredInWindow: 0,
    measureFrom,
    measureTo,
  });
  const live = senders.filter((c) => c.connected);
  if (rate <= 0 || live.length === 0) return Promise.resolve();
  const perMs = rate / 1000;
  return new Promise<void>((resolve) => {
    const tick = () => {
      const now = nowMs();
      if (now >= measureTo) return resolve();
      if (now >= startAt) {
        const due = Math.floor((now - startAt) * perMs) - step.sent;
        for (let i = 0; i < due; i++) {
          const client = live[nextSender++ % live.length]!;
          if (!client.connected) continue;
          const seq = client.seq++;
          client.send(
            {
              roomId: client.spec.roomId!,
              text: messageText(now, client.spec.idx, seq, init.textSize),
              clientId: `${init.clientIdPrefix}${client.spec.idx}-${seq}`,
            },
            now,
          );
          step.sent += 1;
          if (now >= measureFrom) step.sentInWindow += 1;
        }
      }
      setTimeout(tick, 2);
    };
    tick();
  });
}

function outstandingAcks(): number {
  let n = 0;
  for (const client of clients) n += client.outstanding();
  return n;
}

function reply(id: number, body: unknown): void {
  port.postMessage({ id, body });
}

port.on('message', ({ id, command }: { id: number; command: Command }) => {
  switch (command.type) {
    case 'connect':
      void connectAll(command.concurrency, command.join, command.timeoutMs).then((result) =>
        reply(id, result),
      );
      return;
    case 'run':
      void run(command.rate, command.startAt, command.measureFrom, command.measureTo).then(() =>
        reply(id, { type: 'ran' }),
      );
      return;
    case 'totals': {
      const body: Totals = {
        type: 'totals',
        ackedBySender,
        uniqueBySender,
        outstandingAcks: outstandingAcks(),
        disconnects: totals.disconnects,
      };
      reply(id, body);
      return;
    }
    case 'stats': {
      const body: StepStats = {
        type: 'stats',
        sent: step.sent,
        sentInWindow: step.sentInWindow,
        ackedInWindow: step.ackedInWindow,
        ackErrors: step.ackErrors,
        ackErrorSamples: step.ackErrorSamples,
        deliveredInWindow: step.deliveredInWindow,
        latency: latency.toData(),
        ackLatency: ackLatency.toData(),
        ...totals,
        sio: { ...sio },
      };
      reply(id, body);
      return;
    }
    case 'close':
      for (const client of clients) client.close();
      reply(id, { type: 'closed' });
      return;
  }
});
