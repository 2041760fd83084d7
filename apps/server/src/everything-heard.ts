import type { LiveInterest } from './ports';

/**
 * The LiveInterest of a backend whose instances hear all traffic anyway (embedded mode, and
 * single Redis with its MESSAGES and EVENTS channels): watching changes nothing.
 */
export const everythingHeard: LiveInterest = {
  watchRoom: () => Promise.resolve(),
  unwatchRoom: () => Promise.resolve(),
  watchUser: () => Promise.resolve(),
  unwatchUser: () => Promise.resolve(),
  watching: () => ({ rooms: 0, users: 0 }),
};
