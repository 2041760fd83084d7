import pino from 'pino';
import { messageIdTime, type Message, type RoomKind } from '@chat/shared';
import { clusterEventSchema, type ClusterEvent } from '../cluster-events';
import { ConfigError, loadConfig, redactRedisUrl } from '../config';
import { createRedisConnection } from '../redis/connection';
import { redisKeys } from '../redis/keys';
import { parseRelayEnvelope } from '../redis/relay-envelope';
import { RedisRoomStore } from '../redis/room-store';
import { registerScripts } from '../redis/scripts';

/*
 * `npm run monitor`: watch the cluster's traffic on REDIS_URL (TLS and
 * REDIS_TLS_CA as for the server; channels of REDIS_KEY_PREFIX). One readable
 * line per chat message on MESSAGES (room and its kind, user, text,
 * publishing instance, lag from store to here) and per event on EVENTS.
 * Messages of private rooms and DMs are shown too, and marked as such, so
 * whoever watches knows what they are reading. Read-only: it subscribes and
 * reads rooms, and writes nothing.
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
  const monitorConfig = { ...config, instanceId: 'monitor' };
  const subscriber = createRedisConnection(monitorConfig, 'subscriber', logger);
  const commands = createRedisConnection(monitorConfig, 'commands', logger);
  const keys = redisKeys(config.redisKeyPrefix);
  const { messages, events } = keys.channels;
  const kinds = new RoomKinds(new RedisRoomStore(commands, registerScripts(commands), keys));
  // Lines keep the order in which Redis delivered them, room look-ups notwithstanding.
  let printed = Promise.resolve();
  subscriber.on('message', (channel: string, payload: string) => {
    printed = printed
      .then(() => print(channel, payload, messages, kinds))
      .catch((error: unknown) => {
        process.stderr.write(`monitor: cannot print: ${String(error)}\n`);
      });
  });
  const ready = () =>
    process.stderr.write(
      `watching ${messages} and ${events} on ${redactRedisUrl(config.redisUrl!)}; ` +
        'messages of private rooms and DMs are shown too, marked [private] and [dm] (Ctrl-C stops)\n',
    );
  Promise.all([commands.connect(), subscriber.connect()])
    .then(() => subscriber.subscribe(messages, events))
    .then(ready)
    .catch((error: unknown) => fail(`cannot watch: ${String(error)}`));
  const stop = () => {
    subscriber.disconnect();
    commands.disconnect();
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

/** Each room's kind, looked up once (a room never changes kind). */
class RoomKinds {
  private readonly known = new Map<string, RoomKind>();

  constructor(private readonly rooms: RedisRoomStore) {}

  async of(roomId: string): Promise<RoomKind | 'unknown'> {
    const cached = this.known.get(roomId);
    if (cached) return cached;
    const room = await this.rooms.get(roomId).catch(() => null);
    if (!room) return 'unknown';
    this.known.set(roomId, room.kind);
    return room.kind;
  }
}

/** `[private]` or `[dm]` before a message of a room not everyone may read. */
function mark(kind: RoomKind | 'unknown'): string {
  return kind === 'public' ? '' : `[${kind === 'unknown' ? 'room unknown' : kind}] `;
}

async function print(
  channel: string,
  payload: string,
  messagesChannel: string,
  kinds: RoomKinds,
): Promise<void> {
  const time = new Date().toISOString().slice(11, 23);
  if (channel === messagesChannel) {
    const envelope = parseRelayEnvelope(payload);
    if ('invalid' in envelope)
      return line(
        time,
        'MESSAGES',
        `(not a chat message: ${envelope.invalid}) ${payload.slice(0, 120)}`,
      );
    const { message, origin } = envelope;
    // Protocol v1.1: a change travels the same channel, with its own id in the room's order.
    const changeId = envelope.kind === 'updated' ? envelope.changeId : undefined;
    return printMessage(time, message, origin, await kinds.of(message.roomId), changeId);
  }
  let parsed: ClusterEvent;
  try {
    parsed = clusterEventSchema.parse(JSON.parse(payload));
  } catch {
    return line(time, 'EVENTS', `(not one of ours) ${payload.slice(0, 120)}`);
  }
  line(time, parsed.type, describe(parsed));
}

function printMessage(
  time: string,
  message: Message,
  origin: string,
  kind: RoomKind | 'unknown',
  changeId?: string,
): void {
  const lag = Date.now() - messageIdTime(changeId ?? message.id);
  const change = changeId === undefined ? '' : `, change ${changeId}`;
  line(
    time,
    changeId === undefined ? 'message' : 'updated',
    `${mark(kind)}room ${short(message.roomId)}  ${message.username}: ${JSON.stringify(message.text)}  [id ${message.id}${change}, from ${origin}, lag ${lag} ms]`,
  );
}

function describe(event: ClusterEvent): string {
  switch (event.type) {
    case 'room:created':
      return `public room ${JSON.stringify(event.room.name)} (${short(event.room.id)})`;
    case 'room:added':
      return `user ${short(event.userId)} added to ${event.room.kind} room ${short(event.room.id)}`;
    case 'room:removed':
      return event.dm
        ? `user ${short(event.userId)} hid DM ${short(event.roomId)}`
        : `user ${short(event.userId)} left room ${short(event.roomId)}`;
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
