export interface RatePolicy {
  ratePerSec: number;
  burst: number;
  /**
   * Guards against password or token guessing: enforced even with
   * `RATE_LIMITS=off`. Every other policy is a per-user or per-address limit
   * that `RATE_LIMITS=off` turns off (services/rate-limits.ts).
   */
  againstGuessing?: true;
}

/**
 * Cluster-wide limits besides the message rate (MESSAGE_RATE_PER_SEC) and
 * registrations (REGISTRATIONS_PER_HOUR). Sized so that a person never meets
 * them and a script or a brute-force attempt does: login per username and
 * address slows password guessing from one address to one try in 6 s after
 * 10 quick ones, whichever instance each try lands on; login per username
 * alone is 3 times looser, so that a stranger guessing from one address
 * never locks the owner out (it takes guessing from more than 3 addresses at
 * once to run it dry).
 */
export const RATE_POLICIES = {
  loginPerUsernameAndIp: { ratePerSec: 1 / 6, burst: 10, againstGuessing: true },
  loginPerUsername: { ratePerSec: 1 / 2, burst: 30, againstGuessing: true },
  loginPerIp: { ratePerSec: 10, burst: 100, againstGuessing: true },
  roomCreation: { ratePerSec: 0.5, burst: 20 },
  membership: { ratePerSec: 2, burst: 30 },
  typing: { ratePerSec: 5, burst: 20 },
  readMarker: { ratePerSec: 20, burst: 50 },
  /** Handshakes with an unknown or revoked token, per client address. */
  failedHandshakes: { ratePerSec: 20, burst: 100, againstGuessing: true },
  /**
   * `room:join` per user: cheap to send, costly to answer (a room read, an
   * access check, a catch-up). The burst covers a full rejoin of
   * MAX_ROOMS_PER_SOCKET (200) rooms after a reconnect.
   */
  roomJoin: { ratePerSec: 20, burst: 300 },
  /** `GET /api/rooms` per user (each page counts). */
  roomList: { ratePerSec: 2, burst: 100 },
  /** `GET /api/rooms/:id/members` per user (issue 14): one list of up to 1,000 members each. */
  memberList: { ratePerSec: 2, burst: 100 },
  /** `GET /api/presence` per user (each page counts). */
  presenceList: { ratePerSec: 2, burst: 100 },
  /**
   * `GET /api/search` per user (each page counts): a full-text query of PostgreSQL over every
   * room the user may read. The burst covers typing a query word by word and paging on.
   */
  search: { ratePerSec: 1, burst: 30 },
  /** Protocol v1.1 `message:edit` and `message:delete` per user: people fix a typo or two, not hundreds. */
  messageChange: { ratePerSec: 2, burst: 20 },
  /** Protocol v1.1 `reaction:add` and `reaction:remove` per user: a few clicks a second. */
  reaction: { ratePerSec: 5, burst: 30 },
} as const satisfies Record<string, RatePolicy>;
