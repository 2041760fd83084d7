import { compareMessageIds } from '@chat/shared';

/**
 * Whether a range starting after `after` (absent: from the room's start) reaches below what
 * the MessageLog retains, whose oldest message is `oldestRetained` (absent: it retains
 * nothing). The log retains a contiguous window: every message from `oldestRetained` to the
 * newest (trimming only ever cuts the oldest end). So when this is false the log holds every
 * message of the range; when it is true, messages older than the window may exist (trimmed
 * into the archive, or lost from Redis) that the log cannot show. Deliberately true when the
 * log retains nothing, or when `oldestRetained` looks like the room's first message: after
 * Redis lost its data, older history is still in the archive.
 */
export function reachesBelowRetained(
  after: string | undefined,
  oldestRetained: string | undefined,
): boolean {
  if (oldestRetained === undefined || after === undefined) return true;
  return compareMessageIds(after, oldestRetained) < 0;
}
