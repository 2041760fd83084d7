import { z } from 'zod';
import { messageSchema } from '@chat/shared';

/*
 * What travels on the MESSAGES channel: `{"origin": instanceId, "message": Message}`.
 * `origin` names the publishing instance for people watching the channel
 * (npm run monitor, RedisInsight); instances relay every message alike.
 * Anything else found there (a foreign app sharing the Redis, a hand-typed
 * PUBLISH) is rejected here and dropped by the subscriber.
 */

const relayEnvelopeSchema = z.object({ origin: z.string(), message: messageSchema });

export type RelayEnvelope = z.infer<typeof relayEnvelopeSchema>;

/** Parses one MESSAGES payload; returns a reason instead when it is not ours. */
export function parseRelayEnvelope(raw: string): RelayEnvelope | { invalid: string } {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return { invalid: 'not json' };
  }
  const parsed = relayEnvelopeSchema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  return { invalid: issue ? `${issue.path.join('.') || 'payload'}: ${issue.message}` : 'invalid' };
}
