import { z } from 'zod';
import { roomSchema, userSchema } from '@chat/shared';

/*
 * Events that cross instances on the events channel (chat messages have their
 * own channel, MESSAGES). Validated on arrival: anything else published there
 * is dropped with a log line and a metric, never relayed.
 */

export const clusterEventSchema = z.discriminatedUnion('type', [
  /** A public room appeared: every socket hears of it. */
  z.object({ type: z.literal('room:created'), room: roomSchema }),
  /** A user became a member of a private room or DM: their sockets hear of it. */
  z.object({ type: z.literal('room:added'), room: roomSchema, userId: z.string() }),
  /**
   * Issue 14, membership: the user left a private room (they are no longer a member), or hid
   * a DM (`dm`: still a member; it comes back in their list once a message newer than `upTo`
   * is stored). Every instance takes that user's sockets out of the room and sends them
   * `room:removed`.
   */
  z.object({
    type: z.literal('room:removed'),
    roomId: z.string(),
    userId: z.string(),
    dm: z.object({ room: roomSchema, upTo: z.string() }).optional(),
  }),
  /**
   * A token was revoked: sockets authenticated with it are disconnected. `userId` (issue 15)
   * routes it to the user's shard channel in cluster mode; optional, so that the events of an
   * instance that predates it are still understood.
   */
  z.object({
    type: z.literal('session:revoked'),
    tokenHash: z.string(),
    userId: z.string().optional(),
  }),
  z.object({
    type: z.literal('typing'),
    roomId: z.string(),
    user: userSchema,
    typing: z.boolean(),
    /** The socket that typed: it alone does not get the event back. */
    socketId: z.string(),
  }),
  z.object({ type: z.literal('presence'), user: userSchema, online: z.boolean() }),
  z.object({
    type: z.literal('room:read'),
    userId: z.string(),
    roomId: z.string(),
    messageId: z.string(),
  }),
]);

export type ClusterEvent = z.infer<typeof clusterEventSchema>;
/** Issue 14: the cluster event of a leave or a hidden DM. */
export type RoomRemovedEvent = Extract<ClusterEvent, { type: 'room:removed' }>;
