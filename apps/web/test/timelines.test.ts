import type { HistoryResponse, Message } from '@chat/shared';
import type { ApiClient } from '../lib/api';
import type { ChatSocket } from '../lib/socket';
import { TimelineStore } from '../lib/timelines';
import { unreadCount } from '../lib/unread';
import { UnreadStore } from '../lib/unread-store';

const SELF = { id: 'u-alice', username: 'alice' };

function msg(id: string, overrides: Partial<Message> = {}): Message {
  return {
    id,
    roomId: 'r1',
    userId: 'u-bob',
    username: 'bob',
    text: `text ${id}`,
    clientId: `c-${id}`,
    createdAt: '2026-01-05T12:00:00.000Z',
    ...overrides,
  };
}

type Emitted = { event: string; payload: Record<string, unknown> };
type Answer = (payload: Record<string, unknown>) => Promise<unknown>;

/** Just enough of a Socket.IO client socket: listeners, `connected`, and acked emits. */
class FakeSocket {
  connected = false;
  emitted: Emitted[] = [];
  answers: Record<string, Answer> = {};
  private listeners = new Map<string, Set<(...args: unknown[]) => void>>();
  private pendingAcks: { reject: (error: Error) => void }[] = [];

  on(event: string, listener: (...args: unknown[]) => void) {
    if (!this.listeners.has(event)) this.listeners.set(event, new Set());
    this.listeners.get(event)?.add(listener);
    return this;
  }
  off(event: string, listener: (...args: unknown[]) => void) {
    this.listeners.get(event)?.delete(listener);
    return this;
  }
  fire(event: string, ...args: unknown[]) {
    for (const listener of this.listeners.get(event) ?? []) listener(...args);
  }
  timeout() {
    return {
      emitWithAck: (event: string, payload: Record<string, unknown>) => {
        this.emitted.push({ event, payload });
        return new Promise((resolve, reject) => {
          const entry = { reject };
          this.pendingAcks.push(entry);
          const answer = this.answers[event];
          if (answer)
            answer(payload).then(resolve, () => {
              /* left hanging: an ack that never comes */
            });
        });
      },
    };
  }
  connect() {
    this.connected = true;
    this.fire('connect');
  }
  /** Like socket.io-client: acks still waiting fail with "socket has been disconnected". */
  disconnect() {
    this.connected = false;
    this.fire('disconnect', 'transport close');
    for (const { reject } of this.pendingAcks.splice(0))
      reject(new Error('socket has been disconnected'));
  }
  sends() {
    return this.emitted.filter((e) => e.event === 'message:send').map((e) => e.payload);
  }
  joins() {
    return this.emitted.filter((e) => e.event === 'room:join').map((e) => e.payload);
  }
}

function fakeApi(pages: HistoryResponse[]) {
  const history = jest.fn(async () => pages.shift() ?? { messages: [], hasMore: false });
  return { api: { history } as unknown as ApiClient, history };
}

const flush = () => new Promise((resolve) => setTimeout(resolve, 0));

function setup(pages: HistoryResponse[] = []) {
  const socket = new FakeSocket();
  const { api, history } = fakeApi(pages);
  const store = new TimelineStore(api, SELF);
  const detach = store.attach(socket as unknown as ChatSocket);
  const timeline = () => store.getSnapshot()['r1'];
  const shown = () => {
    const t = timeline();
    return t
      ? [
          ...t.messages.sent.map((m) => m.id),
          ...t.messages.local.map((m) => `${m.status}:${m.text}`),
        ]
      : [];
  };
  return { socket, store, history, detach, timeline, shown };
}

/** The server side of the fake: acks joins with `missed` and sends with a stored message. */
function serve(socket: FakeSocket, missed: () => Message[] = () => []) {
  let seq = 100;
  socket.answers['room:join'] = async () => ({ ok: true, room: {}, missed: missed() });
  socket.answers['message:send'] = async (payload) => ({
    ok: true,
    message: msg(`${(seq += 1)}-0`, {
      userId: SELF.id,
      username: SELF.username,
      clientId: payload.clientId as string,
      text: payload.text as string,
    }),
  });
}

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

  it('shows a sent message as pending, then as the acked message', async () => {
    const { socket, store, shown } = setup();
    let release: (() => void) | undefined;
    serve(socket);
    const answerSend = socket.answers['message:send'] as Answer;
    socket.answers['message:send'] = (payload) =>
      new Promise((resolve) => {
        release = () => resolve(answerSend(payload));
      });
    socket.connect();
    store.open('r1');
    await flush();

    store.send('r1', '  hello  ');
    expect(shown()).toEqual(['pending:hello']);
    release?.();
    await flush();
    expect(shown()).toEqual(['101-0']);
    expect(socket.sends()).toEqual([{ roomId: 'r1', text: 'hello', clientId: expect.any(String) }]);
  });

  it('marks a refused message failed, and Retry sends the same clientId again', async () => {
    const { socket, store, shown } = setup();
    serve(socket);
    const accept = socket.answers['message:send'] as Answer;
    socket.answers['message:send'] = async () => ({
      ok: false,
      error: { code: 'rate_limited', message: 'you are sending too fast' },
    });
    socket.connect();
    store.open('r1');
    await flush();

    store.send('r1', 'hi');
    await flush();
    expect(shown()).toEqual(['failed:hi']);
    const clientId = socket.sends()[0]?.clientId as string;

    socket.answers['message:send'] = accept;
    store.retry('r1', clientId);
    await flush();
    expect(shown()).toEqual(['101-0']);
    expect(socket.sends().map((p) => p.clientId)).toEqual([clientId, clientId]);
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

  it("sends a room's pending messages one at a time, in the order written", async () => {
    const { socket, store, shown } = setup();
    serve(socket);
    const accept = socket.answers['message:send'] as Answer;
    const releases: (() => void)[] = [];
    socket.answers['message:send'] = (payload) =>
      new Promise((resolve) => releases.push(() => resolve(accept(payload))));
    socket.connect();
    store.open('r1');
    await flush();

    store.send('r1', 'first');
    store.send('r1', 'second');
    store.send('r1', 'third');
    await flush();
    expect(socket.sends().map((p) => p.text)).toEqual(['first']);
    releases.shift()?.();
    await flush();
    expect(socket.sends().map((p) => p.text)).toEqual(['first', 'second']);
    releases.shift()?.();
    await flush();
    releases.shift()?.();
    await flush();
    expect(socket.sends().map((p) => p.text)).toEqual(['first', 'second', 'third']);
    expect(shown()).toEqual(['101-0', '102-0', '103-0']);
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

describe('TimelineStore rate limits', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());
  const tick = (ms = 0) => jest.advanceTimersByTimeAsync(ms);

  it('waits retryAfterMs after rate_limited and retries once with the same clientId', async () => {
    const { socket, store, shown } = setup();
    serve(socket);
    const accept = socket.answers['message:send'] as Answer;
    const limited = async () => ({
      ok: false,
      error: { code: 'rate_limited', message: 'slow down', retryAfterMs: 1_500 },
    });
    socket.answers['message:send'] = limited;
    socket.connect();
    store.open('r1');
    await tick();

    store.send('r1', 'hi');
    await tick();
    expect(shown()).toEqual(['pending:hi']);
    expect(socket.sends()).toHaveLength(1);
    await tick(1_000);
    expect(socket.sends()).toHaveLength(1);

    socket.answers['message:send'] = accept;
    await tick(600);
    const [first, second] = socket.sends();
    expect(second?.clientId).toBe(first?.clientId);
    expect(shown()).toEqual(['101-0']);
  });

  it('shows the message failed when the automatic retry is refused too', async () => {
    const { socket, store, shown } = setup();
    serve(socket);
    socket.answers['message:send'] = async () => ({
      ok: false,
      error: { code: 'rate_limited', message: 'slow down', retryAfterMs: 100 },
    });
    socket.connect();
    store.open('r1');
    await tick();

    store.send('r1', 'hi');
    await tick(150);
    expect(socket.sends()).toHaveLength(2);
    expect(shown()).toEqual(['failed:hi']);
    await tick(1_000);
    expect(socket.sends()).toHaveLength(2);
  });
});

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
