import type { Room } from '@chat/shared';
import { groupRooms, roomDisplayName, upsertRooms } from '../lib/room-list';

function room(id: string, name: string, kind: Room['kind'] = 'public'): Room {
  return { id, name, kind, createdBy: 'u1', createdAt: '2026-01-05T12:00:00.000Z' };
}

describe('room list', () => {
  it('upserts by id and returns the same list when nothing changed', () => {
    const list = upsertRooms([], [room('a', 'general'), room('b', 'random')]);
    expect(upsertRooms(list, [room('a', 'general')])).toBe(list);
    const grown = upsertRooms(list, [room('c', 'news'), room('a', 'general')]);
    expect(grown.map((r) => r.id)).toEqual(['a', 'b', 'c']);
  });

  it('keeps the unread count of a summary when the same room comes from an event', () => {
    const list = upsertRooms([], [{ ...room('a', 'general'), unread: 3 }]);
    expect(upsertRooms(list, [room('a', 'general')])).toBe(list);
  });

  it('groups by kind and sorts each section by name, case-insensitively', () => {
    const sections = groupRooms(
      [
        room('1', 'zeta'),
        room('2', 'Alpha'),
        room('3', 'secret', 'private'),
        room('4', 'alice, bob', 'dm'),
        room('5', 'beta'),
      ],
      'alice',
    );
    expect(sections.public.map((r) => r.name)).toEqual(['Alpha', 'beta', 'zeta']);
    expect(sections.private.map((r) => r.name)).toEqual(['secret']);
    expect(sections.dm.map((r) => r.id)).toEqual(['4']);
  });

  it('names a DM after the other person', () => {
    expect(roomDisplayName(room('d', 'alice, bob', 'dm'), 'alice')).toBe('bob');
    expect(roomDisplayName(room('d', 'alice, bob', 'dm'), 'BOB')).toBe('alice');
    expect(roomDisplayName(room('p', 'alice, bob'), 'alice')).toBe('alice, bob');
  });
});
