import { flush, msg, serve, setup } from './support/timelines';

describe('TimelineStore', () => {
  it('joins before loading history, then merges live messages without duplicates', async () => {
    const { socket, store, history, shown, timeline } = setup([
      { messages: [msg('1-0'), msg('2-0')], hasMore: true },
    ]);
    serve(socket);
    socket.connect();
    store.open('r1');
    await flush();

    expect(socket.joins()).toEqual([{ roomId: 'r1' }]);
    expect(history).toHaveBeenCalledWith('r1', { limit: 50 });
    expect(timeline()).toMatchObject({ joined: true, historyLoaded: true, hasMore: true });

    socket.fire('message:new', msg('2-0'));
    socket.fire('message:new', msg('3-0'));
    socket.fire('message:new', msg('9-0', { roomId: 'other' }));
    expect(shown()).toEqual(['1-0', '2-0', '3-0']);
  });

  it('rejoins with `after` on reconnect, merges `missed`, and resends what was pending', async () => {
    const { socket, store, shown } = setup([
      { messages: [msg('1-0'), msg('2-0')], hasMore: false },
    ]);
    serve(socket);
    socket.connect();
    store.open('r1');
    await flush();

    // The ack of this one is cut off by the disconnect.
    socket.answers['message:send'] = () => new Promise(() => {});
    store.send('r1', 'cut off');
    await flush();
    socket.disconnect();
    await flush();
    expect(shown()).toEqual(['1-0', '2-0', 'pending:cut off']);

    // Written while offline: nothing is emitted (socket.io would buffer it before the rejoin).
    const sendsBefore = socket.sends().length;
    store.send('r1', 'offline');
    expect(socket.sends()).toHaveLength(sendsBefore);

    serve(socket, () => [msg('2-0'), msg('3-0'), msg('4-0')]);
    socket.connect();
    await flush();

    expect(socket.joins().at(-1)).toEqual({ roomId: 'r1', after: '2-0' });
    const [cutOff, offline] = socket.sends().slice(-2);
    expect(cutOff?.text).toBe('cut off');
    expect(cutOff?.clientId).toBe(socket.sends()[0]?.clientId);
    expect(offline?.text).toBe('offline');
    expect(shown()).toEqual(['1-0', '2-0', '3-0', '4-0', '101-0', '102-0']);
  });

  it('pages older history with `before` = the oldest id held', async () => {
    const { socket, store, history, shown, timeline } = setup([
      { messages: [msg('5-0'), msg('6-0')], hasMore: true },
      { messages: [msg('3-0'), msg('4-0'), msg('5-0')], hasMore: false },
    ]);
    serve(socket);
    socket.connect();
    store.open('r1');
    await flush();

    await store.loadOlder('r1');
    expect(history).toHaveBeenLastCalledWith('r1', { before: '5-0', limit: 50 });
    expect(shown()).toEqual(['3-0', '4-0', '5-0', '6-0']);
    expect(timeline()?.hasMore).toBe(false);
  });
});
