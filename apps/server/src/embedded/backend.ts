import path from 'node:path';
import type { Message } from '@chat/shared';
import { IN_MEMORY, type Config } from '../config';
import { everythingHeard } from '../everything-heard';
import type { Backend } from '../ports';
import { PostgresArchive } from '../postgres/archive';
import { migrate } from '../postgres/migrate';
import { DataDirLock } from './data-dir-lock';
import { NOTHING_KEPT, SqlDurableState } from './durable-state';
import { EmbeddedEventBus } from './event-bus';
import { EmbeddedMessageLog } from './message-log';
import { EMBEDDED_MIGRATIONS } from './migrations';
import { PgliteDatabase } from './pglite';
import { pgliteDialect } from './pglite-dialect';
import { EmbeddedPresenceStore } from './presence-store';
import { EmbeddedRateLimiter } from './rate-limiter';
import { EmbeddedReadStateStore } from './read-state-store';
import { EmbeddedRoomStore } from './room-store';
import { EmbeddedSessionStore } from './session-store';
import { EmbeddedUserStore } from './user-store';

/** The PGlite database's folder inside DATA_DIR (beside the lock file). */
export const PGLITE_FOLDER = 'pglite';

/**
 * Single-node mode: every port in this process. Serves one instance only (a second
 * instance would have its own separate world); set REDIS_URL to scale out.
 *
 * State survives a restart: the stores work in memory and write every change through to
 * PGlite in `config.dataDir` (DATA_DIR), each change resolving once it is kept there;
 * every message is archived there before it is stored in memory or published, and the
 * archive (`backend.archive`, the same PostgresArchive as on a PostgreSQL server) serves
 * history beyond the memory window and search. start() locks the folder (one process per
 * DATA_DIR), opens PGlite, migrates its two schemas (the archive's and the stores') and
 * loads the state back: users, live sessions, rooms with members and DM pairs, read
 * markers, and each room's newest MESSAGE_RETENTION messages. close() closes PGlite and
 * unlocks. With DATA_DIR=:memory: nothing is kept, and there is no archive.
 */
export function createEmbeddedBackend(config: Config): Backend {
  const kept = config.dataDir !== IN_MEMORY;
  const database = new PgliteDatabase();
  const durable = kept ? new SqlDurableState(database) : NOTHING_KEPT;
  const archive = kept ? new PostgresArchive(database) : undefined;
  const messageLog = new EmbeddedMessageLog({
    retention: config.messageRetention,
    clientIdTtlSec: config.clientIdTtlSec,
    archive,
  });
  const users = new EmbeddedUserStore(durable);
  const sessions = new EmbeddedSessionStore(Date.now, durable);
  const rooms = new EmbeddedRoomStore(durable);
  const readState = new EmbeddedReadStateStore(messageLog, durable);
  let lock: DataDirLock | undefined;

  const close = async () => {
    await database.close();
    lock?.release();
    lock = undefined;
  };

  const start = async () => {
    if (!kept) return;
    lock = DataDirLock.acquire(config.dataDir);
    try {
      await database.open(path.join(config.dataDir, PGLITE_FOLDER));
      const dialect = pgliteDialect(database.pglite);
      await migrate(dialect);
      await migrate(dialect, { set: EMBEDDED_MIGRATIONS });
      const state = await durable.load(Date.now());
      users.restore(state.users);
      sessions.restore(state.sessions);
      rooms.restore(state);
      readState.restore(state.readMarkers);
      const windows = new Map<string, Message[]>();
      for (const roomId of rooms.roomIds()) {
        const page = await archive!.list(roomId, { limit: config.messageRetention });
        windows.set(roomId, page.messages);
      }
      messageLog.restore(windows);
    } catch (error) {
      await close();
      throw error;
    }
  };

  return {
    kind: 'embedded',
    users,
    sessions,
    rooms,
    messageLog,
    archive,
    eventBus: new EmbeddedEventBus(),
    rateLimiter: new EmbeddedRateLimiter(),
    presence: new EmbeddedPresenceStore(),
    readState,
    interest: everythingHeard,
    health: {
      // PGlite answers, or /readyz turns 503; with nothing kept there is nothing to ask.
      check: async () => {
        if (kept) await database.query('SELECT 1', []);
      },
    },
    start,
    close,
  };
}
