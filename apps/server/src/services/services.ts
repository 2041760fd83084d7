import type { Logger } from 'pino';
import type { Config } from '../config';
import type { Metrics } from '../metrics';
import type { Backend } from '../ports';
import { Accounts } from './accounts';
import { Messaging } from './messaging';
import { Presence } from './presence';
import { Rooms } from './rooms';
import { Typing } from './typing';

/** The use cases, shared by HTTP routes and socket handlers. */
export interface Services {
  accounts: Accounts;
  rooms: Rooms;
  messaging: Messaging;
  presence: Presence;
  typing: Typing;
}

export function createServices(
  backend: Backend,
  config: Config,
  metrics: Metrics,
  logger: Logger,
): Services {
  const rooms = new Rooms(backend);
  return {
    accounts: new Accounts(backend, config.sessionTtlSec, {
      sessionIdleTtlSec: config.sessionIdleTtlSec,
      registrationsPerHour: config.registrationsPerHour,
      scrypt: { N: config.passwordScryptN, r: 8, p: 1 },
      hashConcurrency: config.passwordHashWorkers,
      hashQueueMax: config.passwordHashQueueMax,
    }),
    rooms,
    messaging: new Messaging(backend, rooms, metrics, config.messageRatePerSec),
    presence: new Presence(
      backend.presence,
      backend.eventBus,
      { graceMs: config.presenceGraceMs, heartbeatMs: config.presenceHeartbeatMs },
      logger,
      metrics,
    ),
    typing: new Typing(backend),
  };
}
