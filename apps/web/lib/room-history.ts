import { LIMITS } from '@chat/shared';
import { errorMessage, type ApiClient } from './api';
import { oldestId } from './message-list';
import { withGapPage, withLatestPage, withOlderPage, type TimelineState } from './timeline-state';

/**
 * History pages of opened rooms, LIMITS.historyDefault (50) messages a page,
 * merged into their timelines (overlap with live messages is deduplicated).
 * A failed page leaves the messages held as they were and shows why in the
 * timeline's `error`; loading again is the retry. Never throws.
 */
export class RoomHistory {
  constructor(
    private readonly api: ApiClient,
    private readonly state: TimelineState,
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
   * Loads the next older page, one request at a time: the newest page of the
   * timeline's gap while one is open (history with `after` and `before`),
   * else the page before the oldest message held; the newest page instead
   * while none is held. Nothing once the oldest message is reached.
   */
  async loadOlder(roomId: string): Promise<void> {
    const timeline = this.state.get(roomId);
    if (!timeline || timeline.loadingOlder) return;
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
}
