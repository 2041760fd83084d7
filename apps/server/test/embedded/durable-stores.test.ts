import { randomUUID } from 'node:crypto';
import path from 'node:path';
import type { EmbeddedDataDir } from '@chat/testkit';
import type { Message, Room } from '@chat/shared';
import { configWith, IN_MEMORY, loadConfig } from '../../src/config';
import { createEmbeddedBackend } from '../../src/embedded/backend';
import { NOTHING_KEPT, SqlDurableState, type DurableState } from '../../src/embedded/durable-state';
import { EmbeddedMessageLog } from '../../src/embedded/message-log';
import { PgliteDatabase } from '../../src/embedded/pglite';
import { EmbeddedReadStateStore } from '../../src/embedded/read-state-store';
import { EmbeddedRoomStore } from '../../src/embedded/room-store';
import { EmbeddedSessionStore, IDLE_PERSIST_STEP_MS } from '../../src/embedded/session-store';
import { EmbeddedUserStore } from '../../src/embedded/user-store';
import type { Archive, Backend } from '../../src/ports';
import { migratedDataDir } from '../support/data-dir';

/*
 * The embedded stores' durability, in process: what one backend kept, the next one on the
 * same DATA_DIR has (one PGlite data dir for the file); and the write-through rules, with
 * durable states and archives that fail or finish out of order on demand.
 */

const unlimited = { ratePerSec: 0, burst: 0 };
const room = (kind: Room['kind'] = 'public'): Room => ({
  id: randomUUID(),
  name: `room-${randomUUID()}`,
  kind,
  createdBy: 'u-ann',
  createdAt: new Date().toISOString(),
});
const request = (roomId: string, clientId: string, userId = 'u-ann') => ({
  roomId,
  userId,
  username: userId,
  text: `hello ${clientId}`,
  clientId,
});

describe('a backend reopened on the same DATA_DIR', () => {
  let dataDir: EmbeddedDataDir;
  let backend: Backend | undefined;
  const open = async (retention = 50) => {
    backend = createEmbeddedBackend(
      configWith({ dataDir: dataDir.path, messageRetention: retention }),
    );
    await backend.start();
    return backend;
  };
  beforeAll(async () => {
    dataDir = await migratedDataDir();
  });
  afterEach(async () => {
    await backend?.close();
  });
  afterAll(() => dataDir.remove());

  test('has every change the first one kept, and nothing it revoked', async () => {
    const first = await open();
    const ann = { id: 'u-ann', username: 'Ann', passwordHash: 'old', createdAt: 'then' };
    await first.users.create(ann);
    await first.users.setPasswordHash(ann.id, 'new');
    await first.sessions.create('kept', ann.id, 3600, 600);
    await first.sessions.create('revoked', ann.id, 3600, 600);
    await first.sessions.create('other', ann.id, 3600, 600);
    await first.sessions.revoke('revoked');
    expect(await first.sessions.revokeAllOf(ann.id, 'kept')).toEqual(['other']);
    const open1 = room();
    const secret = room('private');
    await first.rooms.create(open1, [ann.id]);
    await first.rooms.create(secret, [ann.id]);
    await first.rooms.addMember(secret.id, 'u-bob');
    const dm = (await first.rooms.getOrCreateDm(room('dm'), ['u-bob', ann.id])).room;
    const sent: Message[] = [];
    for (const clientId of ['a', 'b', 'c'])
      sent.push(
        (
          (await first.messageLog.append(request(open1.id, clientId), unlimited)) as {
            message: Message;
          }
        ).message,
      );
    await first.readState.markRead(ann.id, open1.id, sent[0]!.id);
    await first.close();

    const second = await open(2);
    expect(await second.users.findByUsername('ann')).toEqual({ ...ann, passwordHash: 'new' });
    expect(await second.users.create({ ...ann, id: 'u-other' })).toBe('taken');
    expect(await second.sessions.resolve('kept')).toBe(ann.id);
    expect(await second.sessions.resolve('revoked')).toBeNull();
    expect(await second.sessions.resolve('other')).toBeNull();
    expect(await second.rooms.listPublic()).toEqual([open1]);
    expect(await second.rooms.create({ ...room(), name: open1.name.toUpperCase() }, [])).toBe(
      'name_taken',
    );
    expect(await second.rooms.listPrivateFor('u-bob')).toEqual([secret, dm]);
    expect(await second.rooms.isMember(secret.id, 'u-bob')).toBe(true);
    expect((await second.rooms.getOrCreateDm(room('dm'), [ann.id, 'u-bob'])).created).toBe(false);
    // The memory window is the newest `retention` (2); the archive has all three, and finds them.
    expect((await second.messageLog.list(open1.id, { limit: 10 })).messages).toEqual(sent.slice(1));
    expect((await second.archive!.list(open1.id, { limit: 10 })).messages).toEqual(sent);
    const found = await second.archive!.search({ query: 'HELLO', roomIds: [open1.id], limit: 10 });
    expect(found.messages).toEqual([...sent].reverse());
    // A resend of a kept message is still recognised; a new one continues after the newest id.
    expect(await second.messageLog.append(request(open1.id, 'c'), unlimited)).toEqual({
      status: 'duplicate',
      message: sent[2],
    });
    const next = await second.messageLog.append(request(open1.id, 'd'), unlimited);
    expect(next.status).toBe('stored');
    expect((await second.messageLog.list(open1.id, { limit: 1 })).messages).toEqual([
      (next as { message: Message }).message,
    ]);
    // Ann's read marker was kept: moving it to where it is changes nothing, onwards does.
    expect(await second.readState.markRead(ann.id, open1.id, sent[0]!.id)).toBe(false);
    expect(await second.readState.markRead(ann.id, open1.id, sent[1]!.id)).toBe(true);
  });

  test('DATA_DIR=:memory: keeps nothing and has no archive', async () => {
    const memory = createEmbeddedBackend(configWith({ dataDir: IN_MEMORY }));
    await memory.start();
    expect(memory.archive).toBeUndefined();
    await memory.users.create({ id: 'u-x', username: 'Xavier', passwordHash: 'h', createdAt: '' });
    await memory.close();
    const again = createEmbeddedBackend(configWith({ dataDir: IN_MEMORY }));
    await again.start();
    expect(await again.users.findByUsername('xavier')).toBeNull();
    await again.close();
  });
});

test('loading drops (and deletes) the sessions that expired meanwhile', async () => {
  const dataDir = await migratedDataDir();
  const database = new PgliteDatabase();
  try {
    await database.open(path.join(dataDir.path, 'pglite'));
    const durable = new SqlDurableState(database);
    const now = 1_800_000_000_000;
    await durable.saveSession('idle-ends', {
      userId: 'u',
      idleUntil: now + 500,
      absoluteAt: now + 9000,
    });
    await durable.saveSession('lives', {
      userId: 'u',
      idleUntil: now + 5000,
      absoluteAt: now + 9000,
    });
    const tokens = async (at: number) =>
      (await durable.load(at)).sessions.map((session) => session.tokenHash);
    expect(await tokens(now)).toEqual(['idle-ends', 'lives']);
    expect(await tokens(now + 1000)).toEqual(['lives']);
    // Deleted, not only skipped: loading as of an earlier time does not bring it back.
    expect(await tokens(now)).toEqual(['lives']);
  } finally {
    await database.close();
    dataDir.remove();
  }
});

test('a sliding idle expiry is written at a coarse step, not on every use', async () => {
  let now = 1_000_000;
  const saved: number[] = [];
  const durable: DurableState = {
    ...NOTHING_KEPT,
    saveSession: (_hash, session) => {
      saved.push(session.idleUntil);
      return Promise.resolve();
    },
  };
  const sessions = new EmbeddedSessionStore(() => now, durable);
  await sessions.create('t', 'u', 24 * 3600, 3600);
  expect(saved).toEqual([now + 3600_000]);
  for (let i = 0; i < 5; i += 1) {
    now += IDLE_PERSIST_STEP_MS / 5;
    await sessions.use('t', 3600);
  }
  expect(saved).toHaveLength(1); // moved by exactly one step: not yet
  now += 1;
  await sessions.use('t', 3600);
  expect(saved).toEqual([1_000_000 + 3600_000, now + 3600_000]);
});

describe('a change that could not be kept is undone, and rejects', () => {
  const failing: DurableState = {
    ...NOTHING_KEPT,
    addUser: () => Promise.reject(new Error('disk full')),
    addRoom: () => Promise.reject(new Error('disk full')),
    addMember: () => Promise.reject(new Error('disk full')),
    saveReadMarker: () => Promise.reject(new Error('disk full')),
    deleteSessions: () => Promise.reject(new Error('disk full')),
  };

  test('users, rooms, members, read markers and revocations', async () => {
    const users = new EmbeddedUserStore(failing);
    const ann = { id: 'u-ann', username: 'Ann', passwordHash: 'h', createdAt: '' };
    await expect(users.create(ann)).rejects.toThrow('disk full');
    expect(await users.findByUsername('ann')).toBeNull();
    expect(await new EmbeddedUserStore().create(ann)).toBe('created');

    const rooms = new EmbeddedRoomStore(failing);
    const general = room();
    await expect(rooms.create(general, ['u-ann'])).rejects.toThrow('disk full');
    expect(await rooms.get(general.id)).toBeNull();
    await expect(rooms.getOrCreateDm(room('dm'), ['u-a', 'u-b'])).rejects.toThrow('disk full');
    expect(await rooms.listPrivateFor('u-a')).toEqual([]);
    rooms.restore({ rooms: [{ room: general, memberIds: ['u-ann'] }], dms: [] });
    await expect(rooms.addMember(general.id, 'u-bob')).rejects.toThrow('disk full');
    expect(await rooms.isMember(general.id, 'u-bob')).toBe(false);

    const log = new EmbeddedMessageLog({ retention: 10, clientIdTtlSec: 60 });
    const own = (await log.append(request('r', 'x', 'u-bob'), unlimited)) as { message: Message };
    const readState = new EmbeddedReadStateStore(log, failing);
    await expect(readState.markRead('u-ann', 'r', own.message.id)).rejects.toThrow('disk full');
    expect(await readState.unreadCounts('u-ann', [{ id: 'r', kind: 'private' }], 10)).toEqual(
      new Map([['r', { unread: 1, mentions: 0 }]]),
    );

    const sessions = new EmbeddedSessionStore(Date.now, failing);
    await sessions.create('t', 'u-ann', 60);
    await expect(sessions.revoke('t')).rejects.toThrow('disk full');
    expect(await sessions.resolve('t')).toBe('u-ann');
    await expect(sessions.revokeAllOf('u-ann')).rejects.toThrow('disk full');
    expect(await sessions.resolve('t')).toBe('u-ann');
  });
});

describe('the message log archives before it keeps', () => {
  /** An archive whose writes finish when the test says so. */
  function heldArchive() {
    const writes: { messages: Message[]; finish: (error?: Error) => void }[] = [];
    const archive: Pick<Archive, 'writeBatch' | 'writeChanges'> = {
      writeChanges: () => Promise.resolve(0),
      writeBatch: (messages) =>
        new Promise<number>((resolve, reject) => {
          writes.push({
            messages,
            finish: (error) => (error ? reject(error) : resolve(messages.length)),
          });
        }),
    };
    return { archive, writes };
  }

  test('a message that could not be archived is neither stored nor published; its resend is new', async () => {
    const { archive, writes } = heldArchive();
    const log = new EmbeddedMessageLog({ retention: 10, clientIdTtlSec: 60, archive });
    const published: Message[] = [];
    log.onMessage((message) => published.push(message));
    const failed = log.append(request('r', 'once'), unlimited);
    const resentMeanwhile = log.append(request('r', 'once'), unlimited);
    writes[0]!.finish(new Error('disk full'));
    await expect(failed).rejects.toThrow('disk full');
    await expect(resentMeanwhile).rejects.toThrow('disk full');
    expect((await log.list('r', { limit: 10 })).messages).toEqual([]);

    const resent = log.append(request('r', 'once'), unlimited);
    await Promise.resolve();
    writes[1]!.finish();
    const stored = (await resent) as { status: string; message: Message };
    expect(stored.status).toBe('stored');
    expect(stored.message.id).not.toBe(writes[0]!.messages[0]!.id);
    await new Promise(setImmediate);
    expect(published).toEqual([stored.message]);
  });

  test('messages are kept and published in id order, even when their writes finish out of order', async () => {
    const { archive, writes } = heldArchive();
    const log = new EmbeddedMessageLog({ retention: 10, clientIdTtlSec: 60, archive });
    const published: string[] = [];
    log.onMessage((message) => published.push(message.text));
    const first = log.append(request('r', 'first'), unlimited);
    const second = log.append(request('r', 'second'), unlimited);
    let secondDone = false;
    void second.then(() => (secondDone = true));
    writes[1]!.finish();
    await new Promise(setImmediate);
    // The second one's write is done, but it waits for the first: nothing kept, acked or sent.
    expect(secondDone).toBe(false);
    expect((await log.list('r', { limit: 10 })).messages).toEqual([]);
    writes[0]!.finish();
    await Promise.all([first, second]);
    expect((await log.list('r', { limit: 10 })).messages.map((m) => m.text)).toEqual([
      'hello first',
      'hello second',
    ]);
    await new Promise(setImmediate);
    expect(published).toEqual(['hello first', 'hello second']);
  });

  test('ids continue after the newest kept one, even with a clock that went back', async () => {
    const log = new EmbeddedMessageLog({ retention: 10, clientIdTtlSec: 60 }, () => 1000);
    const kept = { ...request('r', 'old'), id: '5000-3', createdAt: new Date(5000).toISOString() };
    log.restore(new Map([['r', [kept]]]));
    const next = (await log.append(request('r', 'new'), unlimited)) as { message: Message };
    expect(next.message.id).toBe('5000-4');
  });
});

test('DATA_DIR: default .data/embedded and relative paths from the repository root; :memory: as is', () => {
  const root = path.resolve(__dirname, '..', '..', '..', '..');
  expect(loadConfig({}).dataDir).toBe(path.join(root, '.data', 'embedded'));
  expect(loadConfig({ DATA_DIR: 'elsewhere/data' }).dataDir).toBe(
    path.join(root, 'elsewhere', 'data'),
  );
  expect(loadConfig({ DATA_DIR: '/var/lib/chat' }).dataDir).toBe('/var/lib/chat');
  expect(loadConfig({ DATA_DIR: ':memory:' }).dataDir).toBe(IN_MEMORY);
});
