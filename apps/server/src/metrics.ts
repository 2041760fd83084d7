import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * How often the event loop's delay is sampled (chat_process_nodejs_eventloop_lag_*). prom-client
 * samples every 10 ms by default: a timer waking the process 100 times a second whatever it is
 * doing, which cost an idle instance about 0.9% of a core on the benchmark machine (issue 16,
 * docs/BENCHMARKS.md "Idle cost"). Every 100 ms still shows any stall an operator acts on (those
 * last hundreds of milliseconds); shorter hiccups show in the latency histograms instead.
 */
const EVENT_LOOP_SAMPLE_MS = 100;

/**
 * The instance's Prometheus metrics (GET /metrics). One registry per server,
 * so that several in-process instances in a test each count their own.
 */
export function createMetrics(instanceId: string) {
  const registry = new Registry();
  registry.setDefaultLabels({ instance: instanceId });
  collectDefaultMetrics({
    register: registry,
    prefix: 'chat_process_',
    eventLoopMonitoringPrecision: EVENT_LOOP_SAMPLE_MS,
  });
  return {
    registry,
    connections: new Gauge({
      name: 'chat_connections',
      help: 'Open Socket.IO connections',
      registers: [registry],
    }),
    roomsJoined: new Counter({
      name: 'chat_rooms_joined_total',
      help: 'Successful room:join calls',
      registers: [registry],
    }),
    messagesIn: new Counter({
      name: 'chat_messages_in_total',
      help: "Messages stored from this instance's clients",
      registers: [registry],
    }),
    messagesOut: new Counter({
      name: 'chat_messages_out_total',
      help: "Messages relayed from MESSAGES to this instance's rooms",
      registers: [registry],
    }),
    relayLag: new Histogram({
      name: 'chat_relay_lag_seconds',
      help: "From a message's store time (its id) to its local emit here",
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    }),
    redisRoundTrip: new Histogram({
      name: 'chat_redis_roundtrip_seconds',
      help: 'Round trip of Redis calls, by operation (append = store + publish of one message)',
      labelNames: ['op'] as const,
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
      registers: [registry],
    }),
    errors: new Counter({
      name: 'chat_errors_total',
      help: 'Errors answered to clients, by code',
      labelNames: ['code'] as const,
      registers: [registry],
    }),
    slowConsumers: new Counter({
      name: 'chat_slow_consumers_closed_total',
      help: 'Connections closed because their unsent output passed MAX_SOCKET_BUFFER_BYTES',
      registers: [registry],
    }),
    connectionsRefused: new Counter({
      name: 'chat_connections_refused_total',
      help: 'Handshakes refused by MAX_CONNECTIONS (instance) or MAX_CONNECTIONS_PER_ADDRESS (address)',
      labelNames: ['reason'] as const,
      registers: [registry],
    }),
    floods: new Counter({
      name: 'chat_event_floods_closed_total',
      help: 'Connections closed for sending events faster than SOCKET_EVENTS_PER_SEC',
      registers: [registry],
    }),
    archiveReads: new Histogram({
      name: 'chat_archive_read_seconds',
      help: 'Reads of the PostgreSQL archive, by operation (list = a history page beyond Redis, search)',
      labelNames: ['op'] as const,
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10],
      registers: [registry],
    }),
    archiveReadErrors: new Counter({
      name: 'chat_archive_read_errors_total',
      help: 'Archive reads that failed (history then serves what Redis has; search answers 503), by operation',
      labelNames: ['op'] as const,
      registers: [registry],
    }),
    archiveAvailable: new Gauge({
      name: 'chat_archive_available',
      help: 'The archive answered its last check or read (1) or not (0); absent without an archive',
      registers: [registry],
    }),
    pubsubInbound: new Counter({
      name: 'chat_pubsub_inbound_total',
      help: "Pub/Sub payloads this instance's subscriber received, by kind (messages: MESSAGES or a room's shard channel, typing included in cluster mode; events: EVENTS or a user's shard channel)",
      labelNames: ['kind'] as const,
      registers: [registry],
    }),
    watched: new Gauge({
      name: 'chat_live_interest_watched',
      help: 'Rooms and users this instance holds live interest in (cluster mode: subscribed shard channels, grace periods included), by kind',
      labelNames: ['kind'] as const,
      registers: [registry],
    }),
    dropped: new Counter({
      name: 'chat_pubsub_dropped_total',
      help: 'Pub/Sub payloads dropped because they were not ours or malformed',
      labelNames: ['channel'] as const,
      registers: [registry],
    }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
