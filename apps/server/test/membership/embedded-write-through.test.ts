import { randomUUID } from 'node:crypto';
import type { Room } from '@chat/shared';
import { NOTHING_KEPT, type DurableState } from '../../src/embedded/durable-state';
import { EmbeddedRoomStore } from '../../src/embedded/room-store';

/*
 * The embedded room store's membership changes (issue 14) follow the write-through rule: a
 * change that could not be kept in DATA_DIR is undone in memory and rejects, so what the
 * server answers never differs from what a restart would load.
 */

const failing: DurableState = {
  ...NOTHING_KEPT,
  removeMember: () => Promise.reject(new Error('disk full')),
  saveHiddenDm: () => Promise.reject(new Error('disk full')),
  deleteHiddenDm: () => Promise.reject(new Error('disk full')),
};
const roomOf = (kind: Room['kind']): Room => ({
  id: randomUUID(),
  name: `room-${randomUUID()}`,
  kind,
  createdBy: 'u-ann',
  createdAt: new Date().toISOString(),
});

test('a leave, a hide and an unhide that could not be kept change nothing', async () => {
  const rooms = new EmbeddedRoomStore(failing);
  const secret = roomOf('private');
  const dm = roomOf('dm');
  rooms.restore({
    rooms: [
      { room: secret, memberIds: ['u-ann', 'u-bob'] },
      { room: dm, memberIds: ['u-ann', 'u-bob'] },
    ],
    dms: [{ pair: 'u-ann:u-bob', roomId: dm.id }],
    hiddenDms: [{ userId: 'u-bob', roomId: dm.id, upTo: '5-0' }],
  });

  await expect(rooms.removeMember(secret.id, 'u-bob')).rejects.toThrow('disk full');
  expect(await rooms.isMember(secret.id, 'u-bob')).toBe(true);
  expect(await rooms.memberIds(secret.id, 10)).toEqual(['u-ann', 'u-bob']);

  await expect(rooms.hideDm('u-ann', dm.id, '7-0')).rejects.toThrow('disk full');
  expect(await rooms.hiddenDms('u-ann')).toEqual(new Map());
  await expect(rooms.hideDm('u-bob', dm.id, '9-0')).rejects.toThrow('disk full');
  expect(await rooms.hiddenDms('u-bob')).toEqual(new Map([[dm.id, '5-0']]));
  await expect(rooms.unhideDm('u-bob', dm.id)).rejects.toThrow('disk full');
  expect(await rooms.hiddenDms('u-bob')).toEqual(new Map([[dm.id, '5-0']]));
});
