import type { Message } from '@chat/shared';
import { NO_ANSWER, OFFLINE } from '../lib/change-outbox';
import { applyChange, pruneShown, type PendingChange } from '../lib/message-changes';
import { displayedMessages } from '../lib/timeline-state';
import { flush, msg, SELF, serve, setup } from './support/timelines';

/*
 * Optimistic edits, deletes and reactions: shown at once over the server's
 * state, kept steady whichever of the ack and the broadcast comes first, and
 * rolled back with a reason when the server refuses or does not answer.
 */

/** An ack the test answers when it wants. */
function deferred() {
  let answer!: (value: unknown) => void;
  const promise = new Promise((resolve) => (answer = resolve));
  return { promise, answer };
}

function started() {
  const own = msg('1-0', { userId: SELF.id, username: SELF.username, text: 'tpyo' });
  const env = setup([{ messages: [own], hasMore: false }]);
  serve(env.socket);
  env.socket.connect();
  env.store.open('r1');
  const shown = () => displayedMessages(env.timeline()!).sent[0] as Message;
  /** Every state shown after each change of the store, to prove there was no flicker. */
  const history: Message[] = [];
  env.store.subscribe(() => {
    const t = env.timeline();
    if (t && t.messages.sent.length > 0) history.push(displayedMessages(t).sent[0] as Message);
  });
  return { ...env, own, shown, history };
}

describe('optimistic message changes', () => {
  it('shows an edit at once; ack first, then the broadcast: no flicker', async () => {
    const { socket, store, shown, history } = started();
    await flush();
    const ack = deferred();
    socket.answers['message:edit'] = () => ack.promise;

    store.edit('r1', '1-0', 'typo');
    expect(shown().text).toBe('typo');
    expect(socket.emitted.at(-1)).toEqual({
      event: 'message:edit',
      payload: { roomId: 'r1', messageId: '1-0', text: 'typo' },
    });

    const server = msg('1-0', {
      userId: SELF.id,
      username: SELF.username,
      text: 'typo',
      editedAt: '2026-01-05T12:01:00.000Z',
    });
    ack.answer({ ok: true, message: server });
    await flush();
    expect(shown().text).toBe('typo');
    socket.fire('message:updated', server);
    expect(shown()).toBe(server);
    expect(history.map((m) => m.text).filter((t, i, all) => i === 0 || t !== all[i - 1])).toEqual([
      'tpyo',
      'typo',
    ]);
  });

  it('broadcast first, then the ack: the change stays shown throughout', async () => {
    const { socket, store, shown, timeline, history } = started();
    await flush();
    const ack = deferred();
    socket.answers['reaction:add'] = () => ack.promise;

    store.toggleReaction('r1', '1-0', '🎉');
    expect(shown().reactions).toEqual([{ emoji: '🎉', userIds: [SELF.id] }]);
    const server = msg('1-0', {
      userId: SELF.id,
      text: 'tpyo',
      reactions: [{ emoji: '🎉', userIds: ['u-bob', SELF.id] }],
    });
    socket.fire('message:updated', server);
    expect(shown()).toBe(server);
    expect(timeline()?.changes).toEqual([]);
    ack.answer({ ok: true, message: server });
    await flush();
    expect(shown()).toBe(server);
    // From the first change on, every state shown has the reaction.
    const from = history.findIndex((m) => m.reactions !== undefined);
    expect(
      history.slice(from).every((m) => m.reactions?.some((r) => r.userIds.includes(SELF.id))),
    ).toBe(true);
  });

  it('rolls back with the reason when the server refuses', async () => {
    const { socket, store, shown, timeline } = started();
    await flush();
    socket.answers['reaction:add'] = async () => ({
      ok: false,
      error: { code: 'forbidden', message: 'join the room first' },
    });
    store.toggleReaction('r1', '1-0', '👍');
    expect(shown().reactions).toHaveLength(1);
    await flush();
    expect(shown().reactions).toBeUndefined();
    expect(timeline()?.changeError).toBe('Could not add 👍: join the room first.');
    store.dismissChangeError('r1');
    expect(timeline()?.changeError).toBeNull();
  });

  it('rolls back when no answer comes (cut off by a disconnect), and refuses while offline', async () => {
    const { socket, store, shown, timeline } = started();
    await flush();
    socket.answers['message:delete'] = () => new Promise(() => {});
    store.remove('r1', '1-0');
    expect(shown().deleted).toBe(true);
    socket.disconnect();
    await flush();
    expect(shown().deleted).toBeUndefined();
    expect(timeline()?.changeError).toBe(NO_ANSWER);

    const before = socket.emitted.length;
    store.edit('r1', '1-0', 'while offline');
    expect(socket.emitted.length).toBe(before);
    expect(shown().text).toBe('tpyo');
    expect(timeline()?.changeError).toBe(OFFLINE);
  });

  it("drops acked changes on a rejoin, whose `updated` holds the server's state", async () => {
    const { socket, store, shown, timeline } = started();
    await flush();
    socket.answers['message:edit'] = async () => ({ ok: true, message: msg('1-0') });
    store.edit('r1', '1-0', 'typo');
    await flush();
    expect(timeline()?.changes.map((c) => c.acked)).toEqual([true]);
    socket.disconnect();
    const current = msg('1-0', {
      userId: SELF.id,
      text: 'edited elsewhere later',
      editedAt: '2026-01-05T12:09:00.000Z',
    });
    socket.answers['room:join'] = async () => ({
      ok: true,
      room: {},
      missed: [],
      complete: true,
      updated: [current],
    });
    socket.connect();
    await flush();
    expect(timeline()?.changes).toEqual([]);
    expect(shown()).toBe(current);
  });
});

describe('the overlay, as pure functions', () => {
  const base = msg('1-0');
  const change = (key: number, add: boolean): PendingChange => ({
    key,
    roomId: 'r1',
    messageId: '1-0',
    userId: 'me',
    change: { kind: 'reaction', emoji: '👍', add },
    acked: false,
  });

  it('toggles one user in a reaction, keeping the order of first use, dropping empty ones', () => {
    const two = applyChange(
      applyChange(base, { kind: 'reaction', emoji: '👍', add: true }, 'me'),
      { kind: 'reaction', emoji: '❤️', add: true },
      'me',
    );
    expect(two.reactions?.map((r) => r.emoji)).toEqual(['👍', '❤️']);
    const back = applyChange(two, { kind: 'reaction', emoji: '👍', add: false }, 'me');
    expect(back.reactions).toEqual([{ emoji: '❤️', userIds: ['me'] }]);
    expect(applyChange(back, { kind: 'reaction', emoji: '❤️', add: true }, 'me')).toBe(back);
    expect(applyChange(base, { kind: 'delete' }, 'me')).toEqual(
      expect.objectContaining({ text: '', deleted: true }),
    );
  });

  it('drops changes to one target oldest first, only while the held state shows them', () => {
    const changes = [change(1, true), change(2, false)];
    // Held without the reaction: the add is not shown yet, so the remove behind it waits too.
    expect(pruneShown(changes, () => base)).toBe(changes);
    const withIt = msg('1-0', { reactions: [{ emoji: '👍', userIds: ['me'] }] });
    expect(pruneShown(changes, () => withIt).map((c) => c.key)).toEqual([2]);
  });
});
