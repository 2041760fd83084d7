/*
 * A long press on touch screens (the message actions' way in there): the
 * finger stays down LONG_PRESS_MS without moving more than MOVE_TOLERANCE_PX.
 * Mouse and pen are left alone (they hover and click). Pure of React; the
 * component feeds it pointer events.
 */

export const LONG_PRESS_MS = 500;
export const MOVE_TOLERANCE_PX = 10;

export interface PressPoint {
  pointerType: string;
  clientX: number;
  clientY: number;
}

export class LongPress {
  private timer: ReturnType<typeof setTimeout> | undefined;
  private origin: { x: number; y: number } | null = null;
  /** The last press became a long press: the click that follows is not a tap. */
  fired = false;

  constructor(
    private readonly onLongPress: () => void,
    private readonly delayMs = LONG_PRESS_MS,
  ) {}

  down(event: PressPoint): void {
    this.cancel();
    this.fired = false;
    if (event.pointerType !== 'touch') return;
    this.origin = { x: event.clientX, y: event.clientY };
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.origin = null;
      this.fired = true;
      this.onLongPress();
    }, this.delayMs);
  }

  /** A move past the tolerance is a scroll, not a press. */
  move(event: PressPoint): void {
    if (!this.origin) return;
    const dx = event.clientX - this.origin.x;
    const dy = event.clientY - this.origin.y;
    if (dx * dx + dy * dy > MOVE_TOLERANCE_PX * MOVE_TOLERANCE_PX) this.cancel();
  }

  /** Finger lifted, pointer cancelled or left: no long press. */
  cancel(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.origin = null;
  }
}
