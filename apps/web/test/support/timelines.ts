import type { HistoryResponse, Message } from '@chat/shared';
import type { ApiClient } from '../../lib/api';
import type { ChatSocket } from '../../lib/socket';
import { TimelineStore } from '../../lib/timelines';
import { FakeSocket } from './fake-socket';
import { msg as message } from './messages';

/* A TimelineStore on a FakeSocket and a fake history API, for the suites of its parts. */

export const SELF = { id: 'u-alice', username: 'alice' };

/** Bob's message `id` in room r1, with clientId `c-${id}`. */
export function msg(id: string, overrides: Partial<Message> = {}): Message {
  return message(id, {
    clientId: `c-${id}`,
    createdAt: '2026-01-05T12:00:00.000Z',
    ...overrides,
  });
}

function fakeApi(pages: HistoryResponse[]) {
  const history = jest.fn(async () => pages.shift() ?? { messages: [], hasMore: false });
  return { api: { history } as unknown as ApiClient, history };
}

export const flush = () => new Promise((resolve) => setTimeout(resolve, 0));

/** A store attached to a fresh (not yet connected) socket; `timeline` and `shown` look at room r1. */
export function setup(pages: HistoryResponse[] = []) {
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
export function serve(socket: FakeSocket, missed: () => Message[] = () => []) {
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
