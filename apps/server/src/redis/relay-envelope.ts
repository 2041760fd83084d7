import { z } from 'zod';
import { isMessageId, messageSchema, userSchema } from '@chat/shared';

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
 *
 * Issue 15, cluster mode: the same envelopes travel on each room's shard channel
 * (`MESSAGES:{p17}:<room id>`, SPUBLISH), plus a third kind there only:
 *   `{"origin", "kind": "typing", "roomId", "user", "typing", "socketId"}`   a typing signal,
 * so that typing reaches exactly the instances that hear the room, on the subscription they
 * already hold for it (a channel of its own would double every room's SSUBSCRIBEs).
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

const typingEnvelopeSchema = z.object({
  origin: z.string(),
  kind: z.literal('typing'),
  roomId: z.string(),
  user: userSchema,
  typing: z.boolean(),
  socketId: z.string(),
});
const roomEnvelopeSchema = z.union([newMessageSchema, updatedSchema, typingEnvelopeSchema]);

/** What a room's shard channel carries (cluster mode): a relay envelope or a typing signal. */
export type RoomEnvelope = z.infer<typeof roomEnvelopeSchema>;

/** Parses one MESSAGES payload; returns a reason instead when it is not ours. */
export function parseRelayEnvelope(raw: string): RelayEnvelope | { invalid: string } {
  return parseWith(relayEnvelopeSchema, raw);
}

/** Parses one payload of a room's shard channel (cluster mode); a reason when it is not ours. */
export function parseRoomEnvelope(raw: string): RoomEnvelope | { invalid: string } {
  return parseWith(roomEnvelopeSchema, raw);
}

function parseWith<T>(schema: z.ZodType<T>, raw: string): T | { invalid: string } {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return { invalid: 'not json' };
  }
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  return { invalid: issue ? `${issue.path.join('.') || 'payload'}: ${issue.message}` : 'invalid' };
}
