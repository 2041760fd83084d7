import { EMPTY_MESSAGE_LIST } from '../lib/message-list';
import { emptyTimeline, left, TimelineState, withMessages } from '../lib/timeline-state';
import { msg } from './support/timelines';

describe('TimelineState', () => {
  it('keeps the same timeline and snapshot when a change changes nothing', () => {
    const timeline = withMessages(emptyTimeline('r1'), [msg('1-0')]);
    expect(withMessages(timeline, [msg('1-0')])).toBe(timeline);
    expect(left(timeline)).toBe(timeline);

    const state = new TimelineState();
    const listener = jest.fn();
    state.subscribe(listener);
    state.update('r1', (t) => t);
    const snapshot = state.getSnapshot();
    state.update('r1', (t) => t);
    state.receive([msg('1-0', { roomId: 'elsewhere' })]);
    state.updateAll(left);
    expect(state.getSnapshot()).toBe(snapshot);
    expect(listener).toHaveBeenCalledTimes(1);
  });

  it('adds received messages to the rooms held only, one notification per change', () => {
    const state = new TimelineState();
    state.update('r1', (t) => t);
    state.update('r2', (t) => ({ ...t, joined: true }));
    const listener = jest.fn();
    state.subscribe(listener);

    state.receive([msg('1-0'), msg('2-0', { roomId: 'r3' })]);
    expect(state.get('r1')?.messages.sent.map((m) => m.id)).toEqual(['1-0']);
    expect(state.get('r3')).toBeUndefined();
    state.updateAll(left);
    expect(state.get('r2')?.joined).toBe(false);
    expect(state.get('r2')?.messages).toBe(EMPTY_MESSAGE_LIST);
    expect(listener).toHaveBeenCalledTimes(2);
  });
});
