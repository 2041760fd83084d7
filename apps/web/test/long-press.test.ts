import { LONG_PRESS_MS, LongPress, MOVE_TOLERANCE_PX } from '../lib/long-press';

/* A long press opens the message actions on touch screens; scrolls, taps and mice do not. */

describe('LongPress', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());
  const touch = (x = 0, y = 0) => ({ pointerType: 'touch', clientX: x, clientY: y });

  it('fires once the finger stays down long enough', () => {
    const fired = jest.fn();
    const press = new LongPress(fired);
    press.down(touch());
    jest.advanceTimersByTime(LONG_PRESS_MS - 1);
    expect(fired).not.toHaveBeenCalled();
    jest.advanceTimersByTime(1);
    expect(fired).toHaveBeenCalledTimes(1);
    expect(press.fired).toBe(true);
  });

  it('does not fire for a tap, a scroll, or a mouse', () => {
    const fired = jest.fn();
    const press = new LongPress(fired);
    press.down(touch());
    press.cancel(); // lifted early: a tap
    press.down(touch(0, 0));
    press.move(touch(0, MOVE_TOLERANCE_PX + 1)); // a scroll
    press.down({ pointerType: 'mouse', clientX: 0, clientY: 0 });
    jest.advanceTimersByTime(LONG_PRESS_MS * 2);
    expect(fired).not.toHaveBeenCalled();
    expect(press.fired).toBe(false);

    press.down(touch(0, 0));
    press.move(touch(3, 3)); // a small wobble is still a press
    jest.advanceTimersByTime(LONG_PRESS_MS);
    expect(fired).toHaveBeenCalledTimes(1);
  });
});
