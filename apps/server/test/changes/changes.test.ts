import type { HistoryResponse, Message, RoomsResponse } from '@chat/shared';
import { waitUntil } from '@chat/testkit';
import { call, connect, createRoom, http, join, send, type ClientSocket } from '../support/clients';
import { topologies, useCluster } from '../support/cluster';

/*
 * Protocol v1.1 message changes on both backends (two instances on Redis, the embedded
 * node): who may edit, delete and react; `message:updated` to every joined socket on every
 * instance in one order with the messages; history and catch-up in the current state;
 * replies that follow their original; mention counts.
 */

/** Records every message:new and message:updated a socket receives, in arrival order. */
class Timeline {
  readonly events: { kind: 'new' | 'updated'; message: Message }[] = [];
  constructor(socket: ClientSocket) {
    socket.on('message:new', (message) => this.events.push({ kind: 'new', message }));
    socket.on('message:updated', (message) => this.events.push({ kind: 'updated', message }));
  }
  get updates(): Message[] {
    return this.events.filter((event) => event.kind === 'updated').map((event) => event.message);
  }
  /** The room as this socket sees it: every message, replaced by its latest update. */
  state(): Message[] {
    const byId = new Map<string, Message>();
    for (const { message } of this.events) byId.set(message.id, message);
    return [...byId.values()];
  }
}

async function ok(socket: ClientSocket, event: Parameters<typeof call>[1], payload: object) {
  const ack = await call(socket, event, payload);
  if (!ack.ok) throw new Error(`${event} failed: ${JSON.stringify(ack.error)}`);
  return ack as { ok: true; message?: Message };
}

const refused = (code: string) => ({ ok: false, error: { code, message: expect.any(String) } });

describe.each(topologies())('%s', (_name, topology) => {
  const cluster = useCluster(topology);
  const { userOn } = cluster;

  async function history(token: string, roomId: string): Promise<Message[]> {
    const { status, body } = await http<HistoryResponse>(
      cluster.url(1),
      'GET',
      `/api/rooms/${roomId}/messages?limit=100`,
      { token },
    );
    expect(status).toBe(200);
    return body.messages;
  }

  test('who may do what: edit by the author, delete by the author or the creator, reactions by joined members', async () => {
    const creator = await userOn(0);
    const author = await userOn(1);
    const third = await userOn(0);
    const roomId = await createRoom(cluster.url(0), creator.token);
    for (const user of [creator, author, third]) await join(user.socket, roomId);
    const first = await send(author.socket, roomId, 'first');
    const second = await send(author.socket, roomId, 'second');

    expect(
      await call(creator.socket, 'message:edit', { roomId, messageId: first.id, text: 'x' }),
    ).toEqual(refused('forbidden'));
    expect(await call(third.socket, 'message:delete', { roomId, messageId: first.id })).toEqual(
      refused('forbidden'),
    );
    const edited = await ok(author.socket, 'message:edit', {
      roomId,
      messageId: first.id,
      text: '  fixed  ',
    });
    expect(edited.message).toMatchObject({
      id: first.id,
      text: 'fixed',
      editedAt: expect.any(String),
    });
    expect(
      await call(author.socket, 'message:edit', { roomId, messageId: first.id, text: '   ' }),
    ).toEqual(refused('invalid_input'));

    // The room's creator may delete another's message; the ack carries nothing else.
    expect(await call(creator.socket, 'message:delete', { roomId, messageId: second.id })).toEqual({
      ok: true,
    });
    for (const event of ['message:edit', 'reaction:add'] as const)
      expect(
        await call(author.socket, event, { roomId, messageId: second.id, text: 'y', emoji: '👍' }),
      ).toEqual(refused('not_found'));
    expect(
      await call(author.socket, 'reaction:add', { roomId, messageId: '1-0', emoji: '👍' }),
    ).toEqual(refused('not_found'));

    // A member who has not joined the room on this socket may not react.
    const lurker = await userOn(1);
    expect(
      await call(lurker.socket, 'reaction:add', { roomId, messageId: first.id, emoji: '👍' }),
    ).toEqual(refused('forbidden'));

    // At most 20 distinct emoji.
    for (let i = 0; i < 20; i += 1)
      await ok(third.socket, 'reaction:add', { roomId, messageId: first.id, emoji: `:e${i}:` });
    expect(
      await call(third.socket, 'reaction:add', { roomId, messageId: first.id, emoji: ':e20:' }),
    ).toEqual(refused('invalid_input'));
    // An emoji already there still takes another user.
    const more = await ok(author.socket, 'reaction:add', {
      roomId,
      messageId: first.id,
      emoji: ':e0:',
    });
    expect(more.message!.reactions![0]).toEqual({
      emoji: ':e0:',
      userIds: [third.user.id, author.user.id],
    });
    expect(more.message!.reactions).toHaveLength(20);

    const [one, two] = await history(creator.token, roomId);
    expect(one).toEqual(more.message);
    expect(two).toEqual({ ...second, text: '', deleted: true });
  });

  test('reactions are idempotent under retries: adding twice counts once, removing twice is ok', async () => {
    const alice = await userOn(0);
    const bob = await userOn(1);
    const roomId = await createRoom(cluster.url(0), alice.token);
    await join(alice.socket, roomId);
    await join(bob.socket, roomId);
    const bobs = new Timeline(bob.socket);
    const message = await send(alice.socket, roomId, 'react to me');
    const payload = { roomId, messageId: message.id, emoji: '🎉' };
    const [a, b] = await Promise.all([
      ok(alice.socket, 'reaction:add', payload),
      ok(alice.socket, 'reaction:add', payload),
    ]);
    expect(a.message!.reactions).toEqual([{ emoji: '🎉', userIds: [alice.user.id] }]);
    expect(b.message).toEqual(a.message);
    const removed = await ok(alice.socket, 'reaction:remove', payload);
    expect(removed.message!.reactions).toBeUndefined();
    const again = await ok(alice.socket, 'reaction:remove', payload);
    expect(again.message).toEqual(removed.message);
    // One change each: the add and the remove; the repeats published nothing.
    await waitUntil(() => bobs.updates.length === 2, { what: 'two updates' });
    await ok(alice.socket, 'message:edit', { roomId, messageId: message.id, text: 'sentinel' });
    await waitUntil(() => bobs.updates.length === 3, { what: 'the sentinel edit' });
    expect(bobs.updates.map((update) => update.reactions?.length ?? 0)).toEqual([1, 0, 0]);
  });

  test('a burst of edits and reactions interleaved with sends from two instances ends in one state everywhere, equal to history', async () => {
    const users = await Promise.all([userOn(0), userOn(1), userOn(0), userOn(1)]);
    const roomId = await createRoom(cluster.url(0), users[0]!.token);
    for (const user of users) await join(user.socket, roomId);
    const timelines = users.map((user) => new Timeline(user.socket));
    const seeds = await Promise.all(users.map((user, i) => send(user.socket, roomId, `seed ${i}`)));
    await Promise.all(
      users.map(async (user, i) => {
        for (let round = 0; round < 6; round += 1) {
          const target = seeds[(i + round) % seeds.length]!;
          await Promise.all([
            send(user.socket, roomId, `u${i} r${round}`),
            call(user.socket, 'reaction:add', {
              roomId,
              messageId: target.id,
              emoji: `:r${round % 3}:`,
            }),
            call(user.socket, round % 2 ? 'reaction:remove' : 'reaction:add', {
              roomId,
              messageId: seeds[(i + 1) % seeds.length]!.id,
              emoji: ':x:',
            }),
            call(user.socket, 'message:edit', {
              roomId,
              messageId: seeds[i]!.id,
              text: `e${round}`,
            }),
          ]);
        }
      }),
    );
    // A last change by each user closes the burst: once every socket has them all, it has everything.
    await Promise.all(
      users.map((user, i) =>
        ok(user.socket, 'message:edit', { roomId, messageId: seeds[i]!.id, text: `final ${i}` }),
      ),
    );
    const finalHistory = await history(users[0]!.token, roomId);
    expect(finalHistory).toHaveLength(4 + 4 * 6);
    for (const timeline of timelines)
      await waitUntil(
        () => timeline.state().filter((m) => m.text.startsWith('final')).length === 4,
        { what: 'every final edit' },
      );
    for (const timeline of timelines) expect(timeline.state()).toEqual(finalHistory);
    // The same order everywhere, messages and changes alike, and never a change before its message.
    const orders = timelines.map((timeline) =>
      timeline.events.map(
        ({ kind, message }) => `${kind} ${message.id} ${JSON.stringify(message)}`,
      ),
    );
    for (const order of orders.slice(1)) expect(order).toEqual(orders[0]);
    const seen = new Set<string>();
    for (const { kind, message } of timelines[0]!.events) {
      if (kind === 'new') seen.add(message.id);
      else expect(seen.has(message.id)).toBe(true);
    }
  });

  test('a rejoin with `after` gets in `updated` the messages changed meanwhile, and nothing older that did not change', async () => {
    const alice = await userOn(0);
    const bob = await userOn(1);
    const roomId = await createRoom(cluster.url(0), alice.token);
    await join(alice.socket, roomId);
    await join(bob.socket, roomId);
    const untouched = await send(alice.socket, roomId, 'untouched');
    const toEdit = await send(alice.socket, roomId, 'to edit');
    const toDelete = await send(alice.socket, roomId, 'to delete');
    const toReact = await send(alice.socket, roomId, 'to react');
    const changedBefore = await send(alice.socket, roomId, 'changed before');
    await ok(alice.socket, 'reaction:add', { roomId, messageId: changedBefore.id, emoji: '👀' });
    const last = await send(alice.socket, roomId, 'last bob saw');
    bob.socket.disconnect();

    await ok(alice.socket, 'message:edit', { roomId, messageId: toEdit.id, text: 'edited' });
    await ok(alice.socket, 'message:delete', { roomId, messageId: toDelete.id });
    await ok(alice.socket, 'reaction:add', { roomId, messageId: toReact.id, emoji: '👍' });
    const after = await send(alice.socket, roomId, 'new while away');
    await ok(alice.socket, 'message:edit', { roomId, messageId: after.id, text: 'new, edited' });

    const socket = await connect(cluster.url(1), bob.token);
    cluster.sockets.push(socket);
    const back = (await call(socket, 'room:join', { roomId, after: last.id })) as unknown as {
      ok: true;
      missed: Message[];
      updated: Message[];
      complete: boolean;
    };
    expect(back.ok).toBe(true);
    expect(back.complete).toBe(true);
    expect(back.missed).toEqual([{ ...after, text: 'new, edited', editedAt: expect.any(String) }]);
    const updated = new Map(back.updated.map((message) => [message.id, message]));
    expect([...updated.keys()].sort()).toEqual([toEdit.id, toDelete.id, toReact.id].sort());
    expect(updated.get(toEdit.id)).toMatchObject({ text: 'edited', editedAt: expect.any(String) });
    expect(updated.get(toDelete.id)).toEqual({ ...toDelete, text: '', deleted: true });
    expect(updated.get(toReact.id)!.reactions).toEqual([{ emoji: '👍', userIds: [alice.user.id] }]);
    expect(updated.has(untouched.id)).toBe(false);
    expect(updated.has(changedBefore.id)).toBe(false);
  });

  test('replies carry a snapshot that follows their original through an edit and a delete, live and in history', async () => {
    const alice = await userOn(0);
    const bob = await userOn(1);
    const roomId = await createRoom(cluster.url(0), alice.token);
    const otherRoom = await createRoom(cluster.url(0), alice.token);
    await join(alice.socket, roomId);
    await join(alice.socket, otherRoom);
    await join(bob.socket, roomId);
    const bobs = new Timeline(bob.socket);
    const long = 'é'.repeat(150) + '😀'.repeat(100);
    const original = await send(alice.socket, roomId, long);
    const reply = await ok(bob.socket, 'message:send', {
      roomId,
      text: 'an answer',
      clientId: 'reply-1',
      replyTo: original.id,
    });
    expect(reply.message!.replyTo).toEqual({
      id: original.id,
      userId: alice.user.id,
      username: alice.user.username,
      text: 'é'.repeat(150) + '😀'.repeat(50),
    });
    expect(
      await call(bob.socket, 'message:send', { roomId, text: 'x', clientId: 'r2', replyTo: '1-0' }),
    ).toEqual(refused('not_found'));
    expect(
      await call(alice.socket, 'message:send', {
        roomId: otherRoom,
        text: 'x',
        clientId: 'r3',
        replyTo: original.id,
      }),
    ).toEqual(refused('not_found'));

    await ok(alice.socket, 'message:edit', { roomId, messageId: original.id, text: 'short now' });
    const [, editedReply] = await history(bob.token, roomId);
    expect(editedReply!.replyTo).toMatchObject({ text: 'short now' });
    expect(editedReply!.replyTo!.deleted).toBeUndefined();

    await ok(alice.socket, 'message:delete', { roomId, messageId: original.id });
    const [tomb, deletedReply] = await history(bob.token, roomId);
    expect(tomb).toMatchObject({ deleted: true, text: '' });
    expect(deletedReply!.replyTo).toEqual({
      id: original.id,
      userId: alice.user.id,
      username: alice.user.username,
      text: '',
      deleted: true,
    });
    // Live: the original's changes reach the reply's readers (clients update quotes by id).
    await waitUntil(() => bobs.updates.length === 2, { what: 'the original changes' });
    expect(bobs.updates.map((update) => update.id)).toEqual([original.id, original.id]);
    // A resend of the reply answers its current state, never the deleted text.
    const resent = await ok(bob.socket, 'message:send', {
      roomId,
      text: 'an answer',
      clientId: 'reply-1',
      replyTo: original.id,
    });
    expect(resent.message).toEqual(deletedReply);
    // Replying to a deleted message is not possible.
    expect(
      await call(bob.socket, 'message:send', {
        roomId,
        text: 'x',
        clientId: 'r4',
        replyTo: original.id,
      }),
    ).toEqual(refused('not_found'));
  });

  test('mentions resolve to users, count in GET /api/rooms for a member who never joined, follow edits, and clear with the read marker', async () => {
    const alice = await userOn(0);
    const bob = await userOn(1);
    const roomId = await createRoom(cluster.url(0), alice.token, undefined, 'private');
    const add = await http(cluster.url(0), 'POST', `/api/rooms/${roomId}/members`, {
      token: alice.token,
      body: { username: bob.user.username },
    });
    expect(add.status).toBe(204);
    await join(alice.socket, roomId);
    const mentionsOf = async () => {
      const { body } = await http<RoomsResponse>(cluster.url(1), 'GET', '/api/rooms', {
        token: bob.token,
      });
      return body.rooms.find((room) => room.id === roomId)!;
    };
    const plain = await send(alice.socket, roomId, 'no mention here, mail@example.com');
    const hello = await send(alice.socket, roomId, `hi @${bob.user.username.toUpperCase()}!`);
    expect(plain.mentions).toBeUndefined();
    expect(hello.mentions).toEqual([bob.user.id]);
    await send(alice.socket, roomId, `@nobody_here_${Date.now()} and @${bob.user.username}.`);
    expect(await mentionsOf()).toMatchObject({ unread: 3, mentions: 2 });

    const edited = await ok(alice.socket, 'message:edit', {
      roomId,
      messageId: hello.id,
      text: 'hi everyone',
    });
    expect(edited.message!.mentions).toBeUndefined();
    expect(await mentionsOf()).toMatchObject({ unread: 3, mentions: 1 });
    await ok(alice.socket, 'message:edit', {
      roomId,
      messageId: plain.id,
      text: `now @${bob.user.username}`,
    });
    expect(await mentionsOf()).toMatchObject({ unread: 3, mentions: 2 });

    await join(bob.socket, roomId);
    const last = (await history(bob.token, roomId)).at(-1)!;
    await ok(bob.socket, 'room:read', { roomId, messageId: last.id });
    expect(await mentionsOf()).toMatchObject({ unread: 0, mentions: 0 });
    // Always present, also where nobody is mentioned.
    const { body } = await http<RoomsResponse>(cluster.url(0), 'GET', '/api/rooms', {
      token: alice.token,
    });
    for (const room of body.rooms) expect(typeof room.mentions).toBe('number');
  });

  test("a deleted reply stays a bare tombstone when its original changes; in a DM its opener may not delete the other's messages", async () => {
    const alice = await userOn(0);
    const bob = await userOn(1);
    const roomId = await createRoom(cluster.url(0), alice.token);
    await join(alice.socket, roomId);
    await join(bob.socket, roomId);
    const original = await send(alice.socket, roomId, 'original');
    const reply = await ok(bob.socket, 'message:send', {
      roomId,
      text: 'reply',
      clientId: 'gone-reply',
      replyTo: original.id,
    });
    await ok(bob.socket, 'message:delete', { roomId, messageId: reply.message!.id });
    await ok(alice.socket, 'message:edit', { roomId, messageId: original.id, text: 'edited' });
    const [, tombstone] = await history(bob.token, roomId);
    expect(tombstone).toEqual({
      id: reply.message!.id,
      roomId,
      userId: bob.user.id,
      username: bob.user.username,
      clientId: 'gone-reply',
      createdAt: reply.message!.createdAt,
      text: '',
      deleted: true,
    });

    const dm = await http<{ room: { id: string } }>(cluster.url(0), 'POST', '/api/dms', {
      token: alice.token,
      body: { username: bob.user.username },
    });
    const dmId = dm.body.room.id;
    await join(alice.socket, dmId);
    await join(bob.socket, dmId);
    const fromBob = await send(bob.socket, dmId, 'mine');
    expect(
      await call(alice.socket, 'message:delete', { roomId: dmId, messageId: fromBob.id }),
    ).toEqual(refused('forbidden'));
    expect(
      await call(bob.socket, 'message:delete', { roomId: dmId, messageId: fromBob.id }),
    ).toEqual({
      ok: true,
    });
  });

  test('a retried send after an edit or a delete answers the current state', async () => {
    const alice = await userOn(0);
    const roomId = await createRoom(cluster.url(0), alice.token);
    await join(alice.socket, roomId);
    const message = await send(alice.socket, roomId, 'typo', 'same-client-id');
    await ok(alice.socket, 'message:edit', { roomId, messageId: message.id, text: 'fixed' });
    const edited = await send(alice.socket, roomId, 'typo', 'same-client-id');
    expect(edited).toMatchObject({ id: message.id, text: 'fixed' });
    await ok(alice.socket, 'message:delete', { roomId, messageId: message.id });
    const gone = await send(alice.socket, roomId, 'typo', 'same-client-id');
    expect(gone).toEqual({ ...message, text: '', deleted: true });
  });
});
