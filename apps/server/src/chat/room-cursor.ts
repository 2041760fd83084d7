import { AppError } from './app-error';

/**
 * Where a page of `GET /api/rooms` resumes: the public rooms come first, then
 * the caller's own (private rooms and DMs), each oldest first. `after` is the
 * last room of the previous page (absent: the section's start). The id and
 * the creation time together let a page resume even if that room left the
 * list meanwhile.
 */
export interface RoomCursor {
  section: 'public' | 'mine';
  after?: { id: string; createdAtMs: number };
}

const SECTIONS = { p: 'public', m: 'mine' } as const;
const PATTERN = /^([pm])(?:\.(\d{1,16})\.([^.]{1,64}))?$/;

/** The opaque `nextCursor` string of a cursor. */
export function encodeRoomCursor({ section, after }: RoomCursor): string {
  const tag = section === 'public' ? 'p' : 'm';
  return after ? `${tag}.${after.createdAtMs}.${after.id}` : tag;
}

/** Parses a `cursor` a client sent back; anything the server did not issue is `invalid_input`. */
export function decodeRoomCursor(text: string): RoomCursor {
  const match = PATTERN.exec(text);
  if (!match) throw new AppError('invalid_input', 'cursor is not one the server issued');
  const section = SECTIONS[match[1] as keyof typeof SECTIONS];
  if (match[2] === undefined || match[3] === undefined) return { section };
  return { section, after: { createdAtMs: Number(match[2]), id: match[3] } };
}
