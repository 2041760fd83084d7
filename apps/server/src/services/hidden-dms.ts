import { compareMessageIds, type Room } from '@chat/shared';
import type { Backend, RoomPage } from '../ports';

/** The most rooms one list read asks for beyond the page, to step over hidden DMs. */
const MARKS_PER_READ = 100;

/** A DM its member hid, with the newest message id it had then. */
export interface HiddenDm {
  room: Room;
  upTo: string;
}

/** The `upTo` of a DM hidden before it had any message: every message id is above it. */
export const NO_MESSAGE_YET = '0-0';

/**
 * Hidden DMs (issue 14): a DM its member "left" is hidden from their room list while its
 * newest message id is not above the id it had when hidden (RoomStore.hideDm's `upTo`), and
 * listed again as soon as a newer message exists. The rule is read when listing, so sending
 * costs nothing extra: one read of the user's marks per list page, and one newest-id read
 * per marked DM on the page. The mark stays until the DM is opened again (`POST /api/dms`) or
 * hidden again; once a newer message exists it no longer hides anything.
 */
export class HiddenDms {
  constructor(private readonly backend: Pick<Backend, 'rooms' | 'messageLog'>) {}

  /** The DM's newest message id, or NO_MESSAGE_YET: what `hideDm` records as `upTo`. */
  async newestId(roomId: string): Promise<string> {
    const page = await this.backend.messageLog.list(roomId, { limit: 1 });
    return page.messages.at(-1)?.id ?? NO_MESSAGE_YET;
  }

  /** True when a message newer than the mark's `upTo` exists: the DM is listed again. */
  async cameBack(roomId: string, upTo: string): Promise<boolean> {
    return compareMessageIds(await this.newestId(roomId), upTo) > 0;
  }

  /** The user's DMs that their marks still hide, each with its `upTo`. */
  async stillHidden(userId: string): Promise<HiddenDm[]> {
    const marks = await this.backend.rooms.hiddenDms(userId);
    const hidden = await Promise.all(
      [...marks].map(async ([roomId, upTo]) => {
        if (await this.cameBack(roomId, upTo)) return null;
        const room = await this.backend.rooms.get(roomId);
        return room && { room, upTo };
      }),
    );
    return hidden.filter((entry) => entry !== null);
  }

  /**
   * RoomStore.listPrivateFor without the user's hidden DMs: up to `page.limit` rooms after
   * `page.after`, oldest first. Reads on past hidden ones until the page is full or the list
   * ends, so a page is short only at the end (the next page's cursor, taken from the last
   * room shown, skips the hidden ones again). Each read asks for as many more rooms as there
   * are marks (at most MARKS_PER_READ more), so one read is usually enough.
   */
  async visiblePrivateFor(userId: string, page: RoomPage): Promise<Room[]> {
    const marks = await this.backend.rooms.hiddenDms(userId);
    if (marks.size === 0) return this.backend.rooms.listPrivateFor(userId, page);
    const visible: Room[] = [];
    const limit = page.limit + Math.min(marks.size, MARKS_PER_READ);
    let after = page.after;
    for (;;) {
      const batch = await this.backend.rooms.listPrivateFor(userId, { after, limit });
      const shown = await Promise.all(
        batch.map(async (room) => {
          const upTo = room.kind === 'dm' ? marks.get(room.id) : undefined;
          return upTo === undefined || (await this.cameBack(room.id, upTo));
        }),
      );
      visible.push(...batch.filter((_, index) => shown[index]));
      const last = batch.at(-1);
      if (!last || batch.length < limit || visible.length >= page.limit)
        return visible.slice(0, page.limit);
      after = { id: last.id, createdAtMs: Date.parse(last.createdAt) };
    }
  }
}
