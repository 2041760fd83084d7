import type { UnreadState } from './unread';

/** The page's title without unread messages. */
export const BASE_TITLE = 'Chat';

/**
 * The page's title: "(3) Chat" while 3 messages are unread in all rooms
 * together, "(99+) Chat" past 99, "Chat" when none is.
 */
export function pageTitle(unread: UnreadState, base = BASE_TITLE): string {
  let total = 0;
  for (const count of Object.values(unread.counts)) total += count;
  if (total <= 0) return base;
  return `(${total > 99 ? '99+' : total}) ${base}`;
}
