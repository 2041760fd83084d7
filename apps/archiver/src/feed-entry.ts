import { isMessageId, messageSchema, type Message } from '@chat/shared';
import { FEED_FIELDS } from '@chat/server/archive-kit';

/**
 * A Message, loose: fields this archiver does not know yet (a newer server's) are archived,
 * not dropped. Built once: zod compiles a schema on first use, which costs far more than a parse.
 */
const feedMessageSchema = messageSchema.loose();

/** One entry of the archive feed as XREADGROUP returns it (fields null: deleted from the feed). */
export type RawFeedEntry = [id: string, fields: string[] | null];

/** What an archiver can do with a feed entry: archive a message, or dead-letter it. */
export type FeedEntry =
  | { feedId: string; kind: 'message'; message: Message }
  /** Protocol v1.1: a message's changed state, whole, with its version (its change id). */
  | { feedId: string; kind: 'change'; message: Message; version: string }
  | { feedId: string; kind: 'invalid'; reason: string; fields: string[] };

/**
 * A feed entry checked field by field (see redis/archive-feed.ts for the
 * layout): never throws; anything it cannot archive, an unknown kind
 * included, is `invalid` with a reason for the dead-letter stream.
 */
export function parseFeedEntry([feedId, fields]: RawFeedEntry): FeedEntry {
  const invalid = (reason: string): FeedEntry => ({
    feedId,
    kind: 'invalid',
    reason,
    fields: fields ?? [],
  });
  if (fields === null) return invalid('deleted from the feed before it was archived');
  if (fields.length !== 2) return invalid(`expected one field, got ${fields.length / 2}`);
  const [kind, value] = fields as [string, string];
  if (kind !== FEED_FIELDS.message && kind !== FEED_FIELDS.change)
    return invalid(`unknown entry kind ${JSON.stringify(kind)}`);
  let json: unknown;
  try {
    json = JSON.parse(value);
  } catch {
    return invalid('message is not JSON');
  }
  let version: string | undefined;
  if (kind === FEED_FIELDS.change) {
    const change = json as { version?: unknown; message?: unknown } | null;
    if (typeof change?.version !== 'string' || !isMessageId(change.version))
      return invalid('not a change: version is not a change id');
    version = change.version;
    json = change.message;
  }
  const parsed = feedMessageSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return invalid(`not a message: ${issue?.path.join('.') ?? ''} ${issue?.message ?? ''}`.trim());
  }
  if (!isMessageId(parsed.data.id)) return invalid('not a message: id is not a message id');
  if (parsed.data.roomId === '') return invalid('not a message: empty roomId');
  if (version !== undefined) return { feedId, kind: 'change', message: parsed.data, version };
  return { feedId, kind: 'message', message: parsed.data };
}
