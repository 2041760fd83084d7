import type { Config } from '../config';
import type { Backend } from '../ports';
import { EmbeddedEventBus } from './event-bus';
import { EmbeddedMessageLog } from './message-log';
import { EmbeddedPresenceStore } from './presence-store';
import { EmbeddedRateLimiter } from './rate-limiter';
import { EmbeddedReadStateStore } from './read-state-store';
import { EmbeddedRoomStore } from './room-store';
import { EmbeddedSessionStore } from './session-store';
import { EmbeddedUserStore } from './user-store';

/**
 * Single-node mode: every port in this process's memory. Serves one
 * instance only (a second instance would have its own separate world) and
 * loses everything on exit. Set REDIS_URL to scale out.
 */
export function createEmbeddedBackend(config: Config): Backend {
  const messageLog = new EmbeddedMessageLog({
    retention: config.messageRetention,
    clientIdTtlSec: config.clientIdTtlSec,
  });
  return {
    kind: 'embedded',
    users: new EmbeddedUserStore(),
    sessions: new EmbeddedSessionStore(),
    rooms: new EmbeddedRoomStore(),
    messageLog,
    eventBus: new EmbeddedEventBus(),
    rateLimiter: new EmbeddedRateLimiter(),
    presence: new EmbeddedPresenceStore(),
    readState: new EmbeddedReadStateStore(messageLog),
    health: { check: () => Promise.resolve() },
    start: () => Promise.resolve(),
    close: () => Promise.resolve(),
  };
}
