import type { Logger } from 'pino';
import type { Config } from '../config';
import type { Metrics } from '../metrics';
import type { Backend } from '../ports';
import { Accounts } from './accounts';
import { HiddenDms } from './hidden-dms';
import { History } from './history';
import { Membership } from './membership';
import { MessageChanges } from './message-changes';
import { Messaging } from './messaging';
import { OnlineList } from './online-list';
import { Presence } from './presence';
import { Rooms } from './rooms';
import { Search } from './search';
import { Typing } from './typing';

/** The use cases, shared by HTTP routes and socket handlers. */
export interface Services {
  accounts: Accounts;
  rooms: Rooms;
  messaging: Messaging;
  messageChanges: MessageChanges;
  presence: Presence;
  onlineList: OnlineList;
  typing: Typing;
  search: Search;
  /** Issue 14: members, leaving, hidden DMs. */
  membership: Membership;
  hiddenDms: HiddenDms;
}

export function createServices(
  backend: Backend,
  config: Config,
  metrics: Metrics,
  logger: Logger,
): Services {
  const hiddenDms = new HiddenDms(backend);
  const rooms = new Rooms(backend, config.roomsPageMax, new History(backend, metrics), hiddenDms);
  return {
    accounts: new Accounts(backend, config.sessionTtlSec, {
      sessionIdleTtlSec: config.sessionIdleTtlSec,
      registrationsPerHour: config.registrationsPerHour,
      scrypt: { N: config.passwordScryptN, r: 8, p: 1 },
      hashConcurrency: config.passwordHashWorkers,
      hashQueueMax: config.passwordHashQueueMax,
    }),
    rooms,
    // RATE_LIMITS=off lifts the message rate too (0 = off, its v1 meaning).
    messaging: new Messaging(
      backend,
      rooms,
      metrics,
      config.rateLimits === 'on' ? config.messageRatePerSec : 0,
    ),
    messageChanges: new MessageChanges(backend),
    presence: new Presence(
      backend.presence,
      backend.eventBus,
      { graceMs: config.presenceGraceMs, heartbeatMs: config.presenceHeartbeatMs },
      logger,
      metrics,
    ),
    onlineList: new OnlineList(backend, config.presenceCacheMs),
    typing: new Typing(backend),
    search: new Search(backend, rooms, metrics),
    membership: new Membership(backend, rooms, hiddenDms),
    hiddenDms,
  };
}
