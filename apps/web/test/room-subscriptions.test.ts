import type { ChatSocket } from '../lib/socket';
import { RoomSubscriptions } from '../lib/room-subscriptions';
import { TimelineState } from '../lib/timeline-state';
import { FakeSocket } from './support/fake-socket';
import { flush, msg, serve, setup } from './support/timelines';

describe('RoomSubscriptions', () => {
  it('shows why a room cannot be joined', async () => {
    const { socket, store, timeline } = setup();
    socket.answers['room:join'] = async () => ({
      ok: false,
      error: { code: 'forbidden', message: 'not a member of this room' },
    });
    socket.connect();
    store.open('r1');
    await flush();
    expect(timeline()).toMatchObject({ joined: false, error: 'not a member of this room' });
  });

  it('watches listed rooms: joins them without history and keeps nothing for them', async () => {
    const { socket, store, history } = setup();
    serve(socket);
    const joined = jest.fn();
    store.onWatchJoined(joined);
    socket.connect();
    store.watch(['w1', 'w2']);
    store.watch(['w1', 'w2']);
    await flush();
    expect(socket.joins()).toEqual([{ roomId: 'w1' }, { roomId: 'w2' }]);
    expect(history).not.toHaveBeenCalled();
    socket.fire('message:new', msg('5-0', { roomId: 'w1' }));
    expect(store.getSnapshot()).toEqual({});
    await new Promise((resolve) => setTimeout(resolve, 80));
    expect(joined).toHaveBeenCalledTimes(1);

    // Opened later: now with history; rejoined on reconnect like any other.
    store.open('w1');
    await flush();
    expect(history).toHaveBeenCalledWith('w1', { limit: 50 });
    socket.disconnect();
    socket.connect();
    await flush();
    expect(socket.joins().slice(-2)).toEqual([{ roomId: 'w1' }, { roomId: 'w2' }]);
  });
});

describe('RoomSubscriptions on a timeline state alone', () => {
  it('runs onJoined after merging `missed`, on every join of an opened room', async () => {
    const state = new TimelineState();
    const socket = new FakeSocket();
    serve(socket, () => [msg('3-0')]);
    const seen: string[][] = [];
    const subscriptions = new RoomSubscriptions(state, async (roomId) => {
      seen.push(state.get(roomId)?.messages.sent.map((m) => m.id) ?? []);
    });
    state.update('r1', (t) => t);
    subscriptions.open('r1');
    expect(socket.joins()).toEqual([]);

    socket.connect();
    subscriptions.connected(socket as unknown as ChatSocket);
    await flush();
    expect(socket.joins()).toEqual([{ roomId: 'r1' }]);
    expect(seen).toEqual([['3-0']]);

    socket.disconnect();
    subscriptions.disconnected();
    expect(state.get('r1')?.joined).toBe(false);
    socket.connect();
    subscriptions.connected(socket as unknown as ChatSocket);
    await flush();
    expect(socket.joins().at(-1)).toEqual({ roomId: 'r1', after: '3-0' });
    expect(seen).toEqual([['3-0'], ['3-0']]);
  });
});
