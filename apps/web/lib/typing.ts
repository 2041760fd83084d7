import type { TypingEvent, User } from '@chat/shared';

/*
 * Typing, both ways.
 *
 * Sending: `typing: true` at most every RENEW_MS while the user keeps typing
 * (the server expires a state not renewed within TYPING_TTL_MS, 6 s by
 * default, and forwards at most one `true` per 2 s anyway), and `false` once
 * when they send, clear the box or leave it.
 *
 * Receiving: who is typing, per room. The server ends stale states itself
 * (it emits `typing: false`), so receivers need no timers; a disconnect
 * clears everything, since the `false` events may be lost meanwhile.
 */

export const RENEW_MS = 2_000;

export type EmitTyping = (typing: boolean) => void;

export class TypingSender {
  private lastTrueAt: number | null = null;

  constructor(private readonly now: () => number = Date.now) {}

  /** The composer's text changed. */
  input(text: string, emit: EmitTyping): void {
    if (text.trim().length === 0) {
      this.stop(emit);
      return;
    }
    const now = this.now();
    if (this.lastTrueAt !== null && now - this.lastTrueAt < RENEW_MS) return;
    this.lastTrueAt = now;
    emit(true);
  }

  /** Sent, cleared, blurred or left: `false`, once, if `true` was sent. */
  stop(emit: EmitTyping): void {
    if (this.lastTrueAt === null) return;
    this.lastTrueAt = null;
    emit(false);
  }

  /** The connection dropped: the server ended the state itself. */
  reset(): void {
    this.lastTrueAt = null;
  }
}

/** Who is typing where: room id → the users, in the order they started. */
export type TypingState = Readonly<Record<string, readonly User[]>>;

export const NO_TYPING: TypingState = Object.freeze({});

export function applyTyping(state: TypingState, event: TypingEvent, selfId: string): TypingState {
  if (event.user.id === selfId) return state;
  const users = state[event.roomId] ?? [];
  const present = users.some((user) => user.id === event.user.id);
  if (event.typing === present) return state;
  const next = event.typing
    ? [...users, event.user]
    : users.filter((user) => user.id !== event.user.id);
  const copy = { ...state };
  if (next.length === 0) delete copy[event.roomId];
  else copy[event.roomId] = next;
  return copy;
}

/** "alice is typing…", "alice and bob are typing…", "alice, bob and 2 others are typing…". */
export function typingLabel(users: readonly Pick<User, 'username'>[]): string {
  const names = users.map((user) => user.username);
  if (names.length === 0) return '';
  if (names.length === 1) return `${names[0]} is typing…`;
  if (names.length === 2) return `${names[0]} and ${names[1]} are typing…`;
  if (names.length === 3) return `${names[0]}, ${names[1]} and ${names[2]} are typing…`;
  return `${names[0]}, ${names[1]} and ${names.length - 2} others are typing…`;
}
