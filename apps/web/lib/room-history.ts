import { LIMITS, type Ack, type JoinRoomResult } from '@chat/shared';
import { errorMessage, type ApiClient } from './api';
import { oldestId } from './message-list';
import { capitalize } from './text';
import { withGapPage, withLatestPage, withOlderPage, type TimelineState } from './timeline-state';
import {
  closedWindow,
  loadingNewer,
  openedAt,
  windowCaughtUp,
  windowFailed,
  windowNewerFailed,
  windowNewestId,
  windowOldestId,
  withWindowNewerPage,
  withWindowOlderPage,
  withWindowPages,
} from './timeline-window';

/** The room's catch-up from `after` (see RoomSubscriptions.catchUp). */
export type CatchUp = (roomId: string, after: string) => Promise<Ack<JoinRoomResult> | null>;

const NOT_CAUGHT_UP = 'Could not reach the newest messages. Scroll down to try again.';

/**
 * History pages of opened rooms, LIMITS.historyDefault (50) messages a page,
 * merged into their timelines (overlap with live messages is deduplicated).
 * A failed page leaves the messages held as they were and shows why in the
 * timeline's `error` (or the window's); loading again is the retry. Never throws.
 *
 * A room opened at a message gets a window of history around it (see
 * lib/timeline-window.ts), paged both ways, one request at a time each way.
 * Answers for a window that was closed or replaced since are dropped.
 */
export class RoomHistory {
  /** Bumped per room each time a window opens or closes: answers for an older one are stale. */
  private readonly windowGeneration = new Map<string, number>();

  constructor(
    private readonly api: ApiClient,
    private readonly state: TimelineState,
    private readonly catchUp: CatchUp,
  ) {}

  /** Loads the room's newest page (the first page of an opened room). */
  async loadLatest(roomId: string): Promise<void> {
    try {
      const page = await this.api.history(roomId, { limit: LIMITS.historyDefault });
      this.state.update(roomId, (t) => withLatestPage(t, page));
    } catch (error) {
      this.state.update(roomId, (t) => ({ ...t, error: errorMessage(error) }));
    }
  }

  /**
   * Loads the next older page, one request at a time: the page before the
   * window's oldest message while a window is open; else the newest page of
   * the timeline's gap while one is open (history with `after` and `before`),
   * else the page before the oldest message held; the newest page instead
   * while none is held. Nothing once the oldest message is reached.
   */
  async loadOlder(roomId: string): Promise<void> {
    const timeline = this.state.get(roomId);
    if (!timeline || timeline.loadingOlder) return;
    if (timeline.window) return this.loadWindowOlder(roomId);
    const before = oldestId(timeline.messages);
    if (!timeline.historyLoaded || !before) return this.loadLatest(roomId);
    const { gap } = timeline;
    if (!gap && !timeline.hasMore) return;
    this.state.update(roomId, (t) => ({ ...t, loadingOlder: true }));
    try {
      const limit = LIMITS.historyDefault;
      const page = await this.api.history(roomId, gap ? { ...gap, limit } : { before, limit });
      this.state.update(roomId, (t) => (gap ? withGapPage(t, page) : withOlderPage(t, page)));
    } catch (error) {
      this.state.update(roomId, (t) => ({ ...t, loadingOlder: false, error: errorMessage(error) }));
    }
  }

  /**
   * Opens the room at `messageId`: highlighted where the view shows it
   * already; else a window of the messages around it: the page before it
   * (`before`), then it and the newer ones (`from=oldest&after=` the message
   * just before it, or from the room's start when it is the first).
   */
  async openAt(roomId: string, messageId: string): Promise<void> {
    this.state.update(roomId, (t) => openedAt(t, messageId));
    // Shown already (highlighted only): the window open, if any, goes on as it was.
    if (this.state.get(roomId)?.window?.loaded !== false) return;
    const generation = this.nextWindow(roomId);
    const limit = LIMITS.historyDefault;
    try {
      const older = await this.api.history(roomId, { before: messageId, limit });
      if (!this.current(roomId, generation)) return;
      const previous = older.messages.at(-1)?.id;
      const newer = await this.api.history(roomId, {
        ...(previous ? { after: previous } : {}),
        from: 'oldest',
        limit,
      });
      if (!this.current(roomId, generation)) return;
      this.state.update(roomId, (t) => withWindowPages(t, older, newer));
    } catch (error) {
      if (this.current(roomId, generation))
        this.state.update(roomId, (t) => windowFailed(t, errorMessage(error)));
      return;
    }
    await this.settle(roomId, generation);
  }

  /**
   * Loads the page after the window's newest message (`from=oldest`), one at
   * a time; once the server has nothing newer, catches the room up from there
   * and the window joins the live end. Nothing without a window.
   */
  async loadNewer(roomId: string): Promise<void> {
    const timeline = this.state.get(roomId);
    const after = timeline && windowNewestId(timeline);
    if (!timeline?.window?.loaded || timeline.window.newer !== 'more' || !after) return;
    const generation = this.windowGeneration.get(roomId) ?? 0;
    this.state.update(roomId, loadingNewer);
    try {
      const page = await this.api.history(roomId, {
        after,
        from: 'oldest',
        limit: LIMITS.historyDefault,
      });
      if (!this.current(roomId, generation)) return;
      this.state.update(roomId, (t) => withWindowNewerPage(t, page));
    } catch (error) {
      if (this.current(roomId, generation))
        this.state.update(roomId, (t) => windowNewerFailed(t, errorMessage(error)));
      return;
    }
    await this.settle(roomId, generation);
  }

  /** Back to the live end: the window is dropped; answers still on their way for it are ignored. */
  closeWindow(roomId: string): void {
    if (!this.state.get(roomId)) return;
    this.nextWindow(roomId);
    this.state.update(roomId, closedWindow);
  }

  private async loadWindowOlder(roomId: string): Promise<void> {
    const timeline = this.state.get(roomId);
    const before = timeline && windowOldestId(timeline);
    if (!timeline?.window?.loaded || !timeline.window.hasOlder || !before) return;
    const generation = this.windowGeneration.get(roomId) ?? 0;
    this.state.update(roomId, (t) => ({ ...t, loadingOlder: true }));
    try {
      const page = await this.api.history(roomId, { before, limit: LIMITS.historyDefault });
      if (this.current(roomId, generation))
        this.state.update(roomId, (t) => withWindowOlderPage(t, page));
      else this.state.update(roomId, (t) => ({ ...t, loadingOlder: false }));
    } catch (error) {
      this.state.update(roomId, (t) => ({ ...t, loadingOlder: false, error: errorMessage(error) }));
    }
  }

  /** The server had nothing newer than the window: the room's catch-up from its newest message. */
  private async settle(roomId: string, generation: number): Promise<void> {
    const timeline = this.state.get(roomId);
    const after = timeline && windowNewestId(timeline);
    if (timeline?.window?.newer !== 'catching-up' || !after) return;
    const ack = await this.catchUp(roomId, after);
    if (!this.current(roomId, generation)) return;
    this.state.update(roomId, (t) =>
      ack?.ok
        ? windowCaughtUp(t, ack)
        : windowNewerFailed(t, ack ? capitalize(ack.error.message) : NOT_CAUGHT_UP),
    );
  }

  private nextWindow(roomId: string): number {
    const generation = (this.windowGeneration.get(roomId) ?? 0) + 1;
    this.windowGeneration.set(roomId, generation);
    return generation;
  }

  private current(roomId: string, generation: number): boolean {
    return (
      (this.windowGeneration.get(roomId) ?? 0) === generation &&
      (this.state.get(roomId)?.window ?? null) !== null
    );
  }
}
