import { applyPresence, isOnline, sortUsers } from '../lib/presence';
import { applyTyping, NO_TYPING, RENEW_MS, TypingSender, typingLabel } from '../lib/typing';

const alice = { id: 'u-alice', username: 'alice' };
const bob = { id: 'u-bob', username: 'bob' };
const carol = { id: 'u-carol', username: 'Carol' };

describe('TypingSender', () => {
  it('sends true at most every RENEW_MS while typing, and false once when done', () => {
    let now = 1_000;
    const sent: boolean[] = [];
    const emit = (typing: boolean) => sent.push(typing);
    const sender = new TypingSender(() => now);

    sender.input('h', emit);
    now += 500;
    sender.input('he', emit);
    now += RENEW_MS;
    sender.input('hel', emit);
    expect(sent).toEqual([true, true]);

    sender.stop(emit);
    sender.stop(emit);
    expect(sent).toEqual([true, true, false]);

    sender.input('again', emit);
    sender.input('   ', emit); // cleared
    expect(sent).toEqual([true, true, false, true, false]);
  });

  it('sends nothing on stop when it never sent true, or after a reset', () => {
    const sent: boolean[] = [];
    const emit = (typing: boolean) => sent.push(typing);
    const sender = new TypingSender(() => 0);
    sender.stop(emit);
    sender.input('x', emit);
    sender.reset();
    sender.stop(emit);
    expect(sent).toEqual([true]);
  });
});

describe('typing state', () => {
  it('tracks who is typing per room and ignores the own user', () => {
    let state = applyTyping(NO_TYPING, { roomId: 'r1', user: bob, typing: true }, alice.id);
    state = applyTyping(state, { roomId: 'r1', user: carol, typing: true }, alice.id);
    state = applyTyping(state, { roomId: 'r1', user: alice, typing: true }, alice.id);
    expect(state['r1']?.map((u) => u.username)).toEqual(['bob', 'Carol']);
    expect(applyTyping(state, { roomId: 'r1', user: bob, typing: true }, alice.id)).toBe(state);
    state = applyTyping(state, { roomId: 'r1', user: bob, typing: false }, alice.id);
    state = applyTyping(state, { roomId: 'r1', user: carol, typing: false }, alice.id);
    expect(state).toEqual({});
  });

  it('says who is typing', () => {
    expect(typingLabel([])).toBe('');
    expect(typingLabel([bob])).toBe('bob is typing…');
    expect(typingLabel([bob, carol])).toBe('bob and Carol are typing…');
    expect(typingLabel([bob, carol, alice])).toBe('bob, Carol and alice are typing…');
    expect(typingLabel([bob, carol, alice, { id: 'x', username: 'dave' }])).toBe(
      'bob, Carol and 2 others are typing…',
    );
  });
});

describe('presence', () => {
  it('keeps online users unique and sorted, and applies events', () => {
    let online = sortUsers([carol, bob, bob]);
    expect(online.map((u) => u.username)).toEqual(['bob', 'Carol']);
    online = applyPresence(online, { user: alice, online: true });
    expect(online.map((u) => u.username)).toEqual(['alice', 'bob', 'Carol']);
    expect(applyPresence(online, { user: alice, online: true })).toBe(online);
    online = applyPresence(online, { user: bob, online: false });
    expect(online.map((u) => u.username)).toEqual(['alice', 'Carol']);
    expect(isOnline(online, 'carol')).toBe(true);
    expect(isOnline(online, 'bob')).toBe(false);
  });
});
