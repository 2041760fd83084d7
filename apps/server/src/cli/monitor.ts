import pino from 'pino';
import { messageIdTime } from '@chat/shared';
import { clusterEventSchema, type ClusterEvent } from '../cluster-events';
import { ConfigError, loadConfig, redactRedisUrl } from '../config';
import { createRedisConnection } from '../redis/connection';
import { EVENTS_CHANNEL, MESSAGES_CHANNEL } from '../redis/keys';
import { parseRelayEnvelope } from '../redis/relay-envelope';

/*
 * `npm run monitor`: watch the cluster's traffic on REDIS_URL (TLS and
 * REDIS_TLS_CA as for the server). One readable line per chat message on
 * MESSAGES (room, user, text, publishing instance, lag from store to here)
 * and per event on EVENTS. Read-only: it only subscribes.
 */

function main(): void {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    fail(error instanceof ConfigError ? error.message : String(error));
  }
  if (!config.redisUrl)
    fail('set REDIS_URL to the Redis the servers use, e.g. REDIS_URL=redis://127.0.0.1:6380');
  const logger = pino({ level: 'warn' }, pino.destination(2));
  const subscriber = createRedisConnection(
    { ...config, instanceId: 'monitor' },
    'subscriber',
    logger,
  );
  subscriber.on('message', (channel: string, payload: string) => print(channel, payload));
  subscriber.on('ready', () =>
    process.stderr.write(
      `watching ${MESSAGES_CHANNEL} and ${EVENTS_CHANNEL} on ${redactRedisUrl(config.redisUrl!)} (Ctrl-C stops)\n`,
    ),
  );
  subscriber.connect().catch(() => {});
  void subscriber.subscribe(MESSAGES_CHANNEL, EVENTS_CHANNEL);
  const stop = () => {
    subscriber.disconnect();
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

function print(channel: string, payload: string): void {
  const time = new Date().toISOString().slice(11, 23);
  if (channel === MESSAGES_CHANNEL) {
    const envelope = parseRelayEnvelope(payload);
    if ('invalid' in envelope)
      return line(
        time,
        'MESSAGES',
        `(not a chat message: ${envelope.invalid}) ${payload.slice(0, 120)}`,
      );
    const { message, origin } = envelope;
    const lag = Date.now() - messageIdTime(message.id);
    return line(
      time,
      'message',
      `room ${short(message.roomId)}  ${message.username}: ${JSON.stringify(message.text)}  [id ${message.id}, from ${origin}, lag ${lag} ms]`,
    );
  }
  let parsed: ClusterEvent;
  try {
    parsed = clusterEventSchema.parse(JSON.parse(payload));
  } catch {
    return line(time, 'EVENTS', `(not one of ours) ${payload.slice(0, 120)}`);
  }
  line(time, parsed.type, describe(parsed));
}

function describe(event: ClusterEvent): string {
  switch (event.type) {
    case 'room:created':
      return `public room ${JSON.stringify(event.room.name)} (${short(event.room.id)})`;
    case 'room:added':
      return `user ${short(event.userId)} added to ${event.room.kind} room ${short(event.room.id)}`;
    case 'session:revoked':
      return `a session was revoked (${event.tokenHash.slice(0, 8)}…)`;
    case 'typing':
      return `${event.user.username} ${event.typing ? 'is typing' : 'stopped typing'} in room ${short(event.roomId)}`;
    case 'presence':
      return `${event.user.username} is ${event.online ? 'online' : 'offline'}`;
    case 'room:read':
      return `user ${short(event.userId)} read room ${short(event.roomId)} up to ${event.messageId}`;
  }
}

const short = (id: string) => id.slice(0, 8);

function line(time: string, kind: string, text: string): void {
  process.stdout.write(`${time}  ${kind.padEnd(15)} ${text}\n`);
}

function fail(message: string): never {
  process.stderr.write(`monitor: ${message}\n`);
  process.exit(1);
}

main();
