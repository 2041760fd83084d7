import { z } from 'zod';
import { isMessageId, messageSchema } from '@chat/shared';

/*
 * What travels on the MESSAGES channel, one JSON object per payload:
 *   `{"origin": instanceId, "message": Message}`                 a new message (v1);
 *   `{"origin", "kind": "updated", "changeId", "message"}`       a change (protocol v1.1):
 *     the message's whole state after it, and the change's id in the room's order.
 * Both kinds go through the one channel, so a room's messages and changes reach every
 * instance in one order. `origin` names the publishing instance for people watching the
 * channel (npm run monitor, RedisInsight); instances relay every payload alike. Anything
 * else found there (a foreign app sharing the Redis, a hand-typed PUBLISH) is rejected here
 * and dropped by the subscriber.
 */

const newMessageSchema = z.object({
  origin: z.string(),
  kind: z.undefined().optional(),
  message: messageSchema,
});
const updatedSchema = z.object({
  origin: z.string(),
  kind: z.literal('updated'),
  changeId: z.string().refine(isMessageId, 'not a change id'),
  message: messageSchema,
});
const relayEnvelopeSchema = z.union([newMessageSchema, updatedSchema]);

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
