import { isMessageId } from '@chat/shared';

/**
 * A message id `<ms>-<seq>` as the archive's key columns (two bigints, as
 * decimal strings: 16 digits may exceed a JavaScript number's precision).
 * Throws on anything else: callers validate cursors at the edge.
 */
export function messageKey(id: string): [ms: string, seq: string] {
  if (!isMessageId(id)) throw new RangeError(`not a message id: ${JSON.stringify(id)}`);
  const dash = id.indexOf('-');
  return [id.slice(0, dash), id.slice(dash + 1)];
}

/** Below every id (ids are never negative), for an open lower end. */
export const BEFORE_ALL: [string, string] = ['-1', '-1'];
/** Above every id: bigint's maximum, for an open upper end. */
export const AFTER_ALL: [string, string] = ['9223372036854775807', '9223372036854775807'];
