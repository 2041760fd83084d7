import type { HistoryResponse, Message } from '@chat/shared';
import type { ChatSocket } from '../lib/socket';
import { unreadCount } from '../lib/unread';
import { UnreadStore, type HeldMessages } from '../lib/unread-store';
import { FakeSocket } from './support/fake-socket';
import { flush, msg, SELF, serve, setup } from './support/timelines';

describe('UnreadStore', () => {
  function withUnread(pages: HistoryResponse[]) {
    const env = setup(pages);
    serve(env.socket);
    env.socket.answers['room:read'] = async () => ({ ok: true });
    const unread = new UnreadStore(SELF, env.store);
    unread.attach(env.socket as unknown as ChatSocket);
    const reads = () =>
      env.socket.emitted.filter((e) => e.event === 'room:read').map((e) => e.payload);
    return { ...env, unread, reads };
  }

  it('marks the room in view read up to its newest message, as messages arrive', async () => {
    const { socket, store, unread, reads } = withUnread([
      { messages: [msg('1-0'), msg('2-0')], hasMore: false },
    ]);
    socket.connect();
    store.open('r1');
    unread.setViewing('r1');
    await flush();
    expect(reads()).toEqual([{ roomId: 'r1', messageId: '2-0' }]);

    socket.fire('message:new', msg('3-0'));
    await flush();
    expect(reads().at(-1)).toEqual({ roomId: 'r1', messageId: '3-0' });
    expect(unreadCount(unread.getSnapshot(), 'r1')).toBe(0);

    // Another device read further: nothing to send for that.
    socket.fire('room:read', { roomId: 'r1', messageId: '9-0' });
    socket.fire('message:new', msg('4-0'));
    await flush();
    expect(reads()).toHaveLength(2);
  });

  it('counts rooms not in view, and clears them on view or on a read marker', async () => {
    const { socket, unread, reads } = withUnread([]);
    socket.connect();
    unread.applySummaries([
      { id: 'r2', name: 'b', kind: 'public', createdBy: 'x', createdAt: '', unread: 2 },
      { id: 'r3', name: 'c', kind: 'public', createdBy: 'x', createdAt: '', unread: 0 },
    ]);
    socket.fire('message:new', msg('5-0', { roomId: 'r2' }));
    socket.fire('message:new', msg('6-0', { roomId: 'r3' }));
    socket.fire('message:new', msg('7-0', { roomId: 'r3', userId: SELF.id }));
    expect(unread.getSnapshot().counts).toEqual({ r2: 3, r3: 1 });

    unread.setViewing('r2');
    expect(unreadCount(unread.getSnapshot(), 'r2')).toBe(0);
    socket.fire('room:read', { roomId: 'r3', messageId: '6-0' });
    expect(unreadCount(unread.getSnapshot(), 'r3')).toBe(0);
    await flush();
    // r2 was never opened here: no messages held, so no marker to send.
    expect(reads()).toEqual([]);
  });
});

describe('UnreadStore on its narrow interface', () => {
  it('needs only the messages held per room and word of their changes', async () => {
    const socket = new FakeSocket();
    socket.answers['room:read'] = async () => ({ ok: true });
    const listeners = new Set<() => void>();
    let held: readonly Message[] = [];
    const timelines: HeldMessages = {
      sentMessages: (roomId) => (roomId === 'r1' ? held : undefined),
      subscribe: (listener) => {
        listeners.add(listener);
        return () => listeners.delete(listener);
      },
    };
    const unread = new UnreadStore(SELF, timelines);
    const detach = unread.attach(socket as unknown as ChatSocket);
    socket.connect();
    unread.setViewing('r1');
    await flush();
    expect(socket.emitted).toEqual([]);

    held = [msg('1-0'), msg('2-0')];
    for (const listener of listeners) listener();
    await flush();
    expect(socket.emitted).toEqual([
      { event: 'room:read', payload: { roomId: 'r1', messageId: '2-0' } },
    ]);
    detach();
    expect(listeners.size).toBe(0);
  });
});
