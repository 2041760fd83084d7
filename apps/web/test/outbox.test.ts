import type { ChatSocket } from '../lib/socket';
import { Outbox } from '../lib/outbox';
import { TimelineState } from '../lib/timeline-state';
import { FakeSocket, type Answer } from './support/fake-socket';
import { flush, SELF, serve, setup } from './support/timelines';

describe('Outbox', () => {
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
});

describe('Outbox rate limits', () => {
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

describe('Outbox on a timeline state alone', () => {
  it('keeps messages pending until their room is joined, then a flush sends them in order', async () => {
    const state = new TimelineState();
    const socket = new FakeSocket();
    serve(socket);
    const outbox = new Outbox(state, SELF);
    socket.connect();
    outbox.connected(socket as unknown as ChatSocket);

    outbox.send('r1', 'first');
    outbox.send('r1', 'second');
    await flush();
    expect(socket.sends()).toEqual([]);
    expect(state.get('r1')?.messages.local.map((m) => m.status)).toEqual(['pending', 'pending']);

    state.update('r1', (t) => ({ ...t, joined: true }));
    outbox.flush('r1');
    await flush();
    expect(socket.sends().map((p) => p.text)).toEqual(['first', 'second']);
    expect(state.get('r1')?.messages.local).toEqual([]);
    expect(state.get('r1')?.messages.sent.map((m) => m.text)).toEqual(['first', 'second']);
  });
});
